/**
 * The layering rules of .dependency-cruiser.cjs: the real tree passes, and each kind of
 * import the rules exist to stop fails the check (a scratch tree with one bad import each).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CRUISER = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

async function cruise(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [CRUISER, 'src', '--config', CONFIG, '--output-type', 'err'], { cwd });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** A scratch tree with the given files (path -> source), cruised with the project's rules. */
async function cruiseTree(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'layering-'));
  try {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', allowImportingTsExtensions: false } }),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return await cruise(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('layering (dependency-cruiser rules)', function () {
  this.timeout(60_000);

  it('the source tree has no forbidden import', async () => {
    const result = await cruise(ROOT);
    expect(result.output).to.match(/no dependency violations/);
    expect(result.code).to.equal(0);
  });

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'a gateway <-> actors cycle',
      {
        'src/gateway/g.ts': "import { a } from '../actors/a.js';\nexport const g = a;\n",
        'src/actors/a.ts': "import { g } from '../gateway/g.js';\nexport const a = 1; export const b = g;\n",
      },
      /no-circular|layer-actors/,
    ],
    [
      'actors importing the gateway',
      { 'src/actors/a.ts': "import { g } from '../gateway/g.js';\nexport const a = g;\n", 'src/gateway/g.ts': 'export const g = 1;\n' },
      /layer-actors/,
    ],
    [
      'the strategy importing the logger',
      { 'src/strategy/s.ts': "import { l } from '../log/l.js';\nexport const s = l;\n", 'src/log/l.ts': 'export const l = 1;\n' },
      /layer-strategy/,
    ],
    [
      'config importing the simulator',
      { 'src/config/c.ts': "import { d } from '../sim/d.js';\nexport const c = d;\n", 'src/sim/d.ts': 'export const d = 1;\n' },
      /layer-config/,
    ],
    [
      'the simulator importing the gateway',
      { 'src/sim/s.ts': "import { g } from '../gateway/g.js';\nexport const s = g;\n", 'src/gateway/g.ts': 'export const g = 1;\n' },
      /sim-is-a-venue/,
    ],
    [
      'replay importing the composition root',
      { 'src/replay/r.ts': "import { e } from '../engine/e.js';\nexport const r = e;\n", 'src/engine/e.ts': 'export const e = 1;\n' },
      /replay-imports-no-engine|layer-replay/,
    ],
    [
      'the clock importing replay',
      { 'src/clock/c.ts': "import { r } from '../replay/r.js';\nexport const c = r;\n", 'src/replay/r.ts': 'export const r = 1;\n' },
      /layer-clock/,
    ],
  ];
  for (const [what, files, rule] of cases) {
    it(`fails on ${what}`, async () => {
      const result = await cruiseTree(files);
      expect(result.code, result.output).to.not.equal(0);
      expect(result.output).to.match(rule);
    });
  }
});
