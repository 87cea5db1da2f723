/**
 * Builds the status page (./ui, Preact + TSX) into app.js, app.css and index.html with
 * esbuild. `npm run build:ui` runs this (and `npm ci` runs that through `prepare`); tests
 * call buildStatusPage() into a folder of their own.
 *
 * Usage: node --import tsx src/control/ui-build.ts [out-dir]   (default dist/control-ui)
 */
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_UI_DIR } from './status-page.js';

const UI_SOURCE = fileURLToPath(new URL('./ui/', import.meta.url));

/** Writes the page into `outDir` (created when missing); rejects with esbuild's errors. */
export async function buildStatusPage(outDir: string = DEFAULT_UI_DIR): Promise<{ outDir: string; bytes: number }> {
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [
      { in: join(UI_SOURCE, 'main.tsx'), out: 'app' },
      { in: join(UI_SOURCE, 'app.css'), out: 'app' },
    ],
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: resolve(UI_SOURCE, '../../..'),
  });
  await copyFile(join(UI_SOURCE, 'index.html'), join(outDir, 'index.html'));
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { outDir, bytes };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] === undefined ? DEFAULT_UI_DIR : resolve(process.argv[2]);
  buildStatusPage(outDir).then(
    ({ bytes }) => console.log(`status page built in ${outDir} (${Math.round(bytes / 1024)} KiB)`),
    (error: unknown) => {
      console.error(`status page build failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
