import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The page sources compile against the DOM types in their own project (src/control/ui), which
 * the repository's type check leaves out; this runs that check as part of the suite.
 */
describe('status page sources', () => {
  it('type-check (tsc -p src/control/ui)', async function () {
    this.timeout(60_000);
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '--noEmit', '-p', 'src/control/ui'], { cwd: ROOT }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: `${stdout}${stderr}` });
      });
    });
    expect(result.output).to.equal('');
    expect(result.code).to.equal(0);
  });
});
