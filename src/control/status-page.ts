/**
 * The status page's files, built from ./ui by `npm run build:ui` (run by `npm ci` through
 * the `prepare` script) into dist/control-ui/, and held in memory by the server.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:ui` writes the page. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../dist/control-ui/', import.meta.url));

/** URL path -> file name and content type. */
export const PAGE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

export interface PageFile {
  readonly body: Buffer;
  readonly type: string;
}

export type StatusPage = { readonly built: true; readonly files: ReadonlyMap<string, PageFile> } | { readonly built: false; readonly reason: string };

/** Reads the built page; a missing file is reported, not thrown: the API and metrics work without the page. */
export async function loadStatusPage(dir: string): Promise<StatusPage> {
  const files = new Map<string, PageFile>();
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
    try {
      files.set(path, { body: await readFile(join(dir, file)), type });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { built: false, reason: `${join(dir, file)}: ${code === 'ENOENT' ? 'missing' : (error as Error).message}; run \`npm run build:ui\`` };
    }
  }
  return { built: true, files };
}
