import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, stat, writeFile, chmod, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlConfigError, authorizes, checkToken, generateToken, isLoopbackHost, writeTokenFile } from '../../src/control/access.js';

describe('control access', () => {
  describe('isLoopbackHost', () => {
    const cases: Array<[string, boolean]> = [
      ['127.0.0.1', true],
      ['127.1.2.3', true],
      ['localhost', true],
      ['LOCALHOST', true],
      ['::1', true],
      ['[::1]', true],
      ['::ffff:127.0.0.1', true],
      ['0.0.0.0', false],
      ['::', false],
      ['10.0.0.5', false],
      ['192.168.1.10', false],
      ['128.0.0.1', false],
      ['example.com', false],
      ['localhost.example.com', false],
      ['::ffff:10.0.0.1', false],
      ['', false],
    ];
    for (const [host, loopback] of cases) {
      it(`${JSON.stringify(host)} is ${loopback ? '' : 'not '}loopback`, () => expect(isLoopbackHost(host)).to.equal(loopback));
    }
  });

  describe('authorizes', () => {
    const token = 'a-token-long-enough-1234';
    it('takes the exact bearer token, any case of the scheme', () => {
      expect(authorizes(`Bearer ${token}`, token)).to.equal(true);
      expect(authorizes(`bearer ${token}`, token)).to.equal(true);
    });
    it('refuses a missing header, another scheme, an empty or a different token', () => {
      for (const header of [
        undefined,
        '',
        'Bearer',
        'Bearer ',
        `Basic ${token}`,
        `Bearer ${token}x`,
        `Bearer ${token.slice(1)}`,
        token,
        `Bearer ${token} extra`,
      ]) {
        expect(authorizes(header, token), JSON.stringify(header)).to.equal(false);
      }
    });
    it('accepts exactly the token among arbitrary guesses (property)', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 60 }), (guess) => {
          expect(authorizes(`Bearer ${guess}`, token)).to.equal(guess === token);
        }),
      );
    });
  });

  describe('tokens', () => {
    it('generates 256-bit url-safe tokens that differ', () => {
      const tokens = new Set(Array.from({ length: 50 }, generateToken));
      expect(tokens.size).to.equal(50);
      for (const token of tokens) expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    });
    it('refuses short tokens and tokens that do not fit in a header', () => {
      expect(() => checkToken('short')).to.throw(ControlConfigError, /at least 16/);
      expect(() => checkToken('has a space in the middle')).to.throw(ControlConfigError, /printable ASCII/);
      expect(() => checkToken('sixteen-chars-ok')).not.to.throw();
    });
  });

  describe('writeTokenFile', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'control-token-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('writes the token readable by its owner only, creating the folder', async () => {
      const path = join(dir, 'nested', 'control-token');
      await writeTokenFile(path, 'the-token-value-123');
      expect(await readFile(path, 'utf8')).to.equal('the-token-value-123\n');
      expect((await stat(path)).mode & 0o777).to.equal(0o600);
      expect((await stat(join(dir, 'nested'))).mode & 0o077).to.equal(0);
    });

    it('replaces a file that was readable by others, leaving no temporary file', async () => {
      const path = join(dir, 'control-token');
      await writeFile(path, 'old\n');
      await chmod(path, 0o644);
      await writeTokenFile(path, 'new-token-value-456');
      expect(await readFile(path, 'utf8')).to.equal('new-token-value-456\n');
      expect((await stat(path)).mode & 0o777).to.equal(0o600);
      expect(await readdir(dir)).to.deep.equal(['control-token']);
    });
  });
});
