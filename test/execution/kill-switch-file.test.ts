import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearKillSwitchFile, readKillSwitchFile, writeKillSwitchFile } from '../../src/execution/kill-switch-file.js';

describe('execution/kill-switch-file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-latch-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('no file: not latched; written: read back as written, readable by the user only; cleared: gone', () => {
    const path = join(dir, 'nested', 'kill-switch.json');
    expect(readKillSwitchFile(path)).to.equal(undefined);
    writeKillSwitchFile(path, { reason: 'max_drawdown_dollars: net PnL -$51.00', at: '2026-12-04T05:00:00.000Z' });
    expect(readKillSwitchFile(path)).to.deep.equal({ reason: 'max_drawdown_dollars: net PnL -$51.00', at: '2026-12-04T05:00:00.000Z' });
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).to.have.property('reason');
    clearKillSwitchFile(path);
    expect(existsSync(path)).to.equal(false);
    clearKillSwitchFile(path); // clearing twice is fine
  });

  it('a file that is not a trip still latches, with a reason that names the file', () => {
    const path = join(dir, 'kill-switch.json');
    for (const text of ['not json', '{"at": 5}', '[]', '']) {
      writeFileSync(path, text);
      const latched = readKillSwitchFile(path);
      expect(latched, text).to.not.equal(undefined);
      expect(latched!.reason).to.include(path);
    }
  });

  it('a file that cannot be read latches too', () => {
    // a directory where the file should be: reading it fails (EISDIR) for every user, root included
    const path = join(dir, 'kill-switch.json');
    mkdirSync(path);
    expect(readKillSwitchFile(path)!.reason).to.include('cannot be read');
  });
});
