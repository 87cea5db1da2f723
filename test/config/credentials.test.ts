import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCredentials } from '../../src/config/credentials.js';
import { loadConfig } from '../../src/config/load.js';
import type { AppConfig } from '../../src/config/types.js';
import { configErrorFrom, configFixture, problemFor } from './fixture.js';

describe('config/credentials', () => {
  let directory: string;
  let rsaKey: string;
  let ecKey: string;
  let notPem: string;
  let keyDirectory: string;
  const file = configFixture('prod-minimal.json');

  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-credentials-'));
    rsaKey = join(directory, 'rsa.pem');
    writeFileSync(rsaKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    ecKey = join(directory, 'ec.pem');
    writeFileSync(ecKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    notPem = join(directory, 'notes.txt');
    writeFileSync(notPem, 'not a key\n');
    keyDirectory = join(directory, 'keys');
    mkdirSync(keyDirectory);
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  function prodConfig(privateKeyPath: string): { config: AppConfig; env: Record<string, string> } {
    const env = { KALSHI_API_KEY_ID: 'key-123', KALSHI_PRIVATE_KEY_PATH: privateKeyPath };
    return { config: loadConfig({ file, env }), env };
  }

  it('accepts an RSA private key and reports its size, never its content', () => {
    const { config, env } = prodConfig(rsaKey);
    const summary = checkCredentials(config, file, env);
    expect(summary).to.deep.equal({ keyId: 'key-123', privateKeyPath: rsaKey, modulusBits: 2048, readableByOthers: (statSync(rsaKey).mode & 0o077) !== 0 });
    chmodSync(rsaKey, 0o600);
    expect(checkCredentials(config, file, env)?.readableByOthers).to.equal(false);
    chmodSync(rsaKey, 0o644);
    expect(checkCredentials(config, file, env)?.readableByOthers).to.equal(true);
  });

  it('has nothing to check in sim without credentials (an ephemeral key is minted)', () => {
    const config = loadConfig({ env: {}, overrides: { tickers: ['KXA-1'] } });
    expect(checkCredentials(config, undefined, {})).to.equal(undefined);
  });

  const failures: Array<[string, () => string, RegExp]> = [
    ['a missing key file', () => join(directory, 'absent.pem'), /private key file .*absent\.pem: file not found/],
    ['an unreadable key file (a directory)', () => keyDirectory, /private key file .*keys: .*EISDIR/],
    ['a file that is not a PEM key', () => notPem, /not a PEM private key/],
    ['an EC key instead of RSA', () => ecKey, /expected an RSA private key, got ec/],
  ];
  for (const [name, path, pattern] of failures) {
    it(`refuses ${name}, naming the key, the variable and the file, exit code 2`, () => {
      const { config, env } = prodConfig(path());
      const error = configErrorFrom(() => checkCredentials(config, file, env));
      expect(error.exitCode).to.equal(2);
      expect(error.file).to.equal(file);
      expect(error.message).to.contain(file);
      const message = problemFor(error, 'credentials.private_key_path');
      expect(message).to.match(pattern);
      expect(message).to.match(/\(from KALSHI_PRIVATE_KEY_PATH\)$/);
      expect(error.message).to.not.contain('PRIVATE KEY-----');
    });
  }
});
