/** Shared helpers of the config and CLI tests. */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/config/load.js';

export function configFixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url));
}

export function repositoryFile(path: string): string {
  return fileURLToPath(new URL(`../../${path}`, import.meta.url));
}

/** Runs `action`, expects a ConfigError, returns it. */
export function configErrorFrom(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail('expected a ConfigError');
}

/** The problem reported for `key`, failing the test when there is none. */
export function problemFor(error: ConfigError, key: string): string {
  const problem = error.problems.find((candidate) => candidate.key === key);
  expect(problem, `a problem for ${key} in:\n${error.message}`).to.not.equal(undefined);
  return problem!.message;
}
