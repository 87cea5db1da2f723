import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { configReferenceTable } from '../../src/config/reference-table.js';
import { schemaEntries } from '../../src/config/schema.js';
import { repositoryFile } from './fixture.js';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

describe('config/reference-table', () => {
  it('lists every schema key with its default', () => {
    const table = configReferenceTable();
    for (const { key, node } of schemaEntries()) {
      expect(table).to.contain(`| \`${key}\` | \`${JSON.stringify(node.default)}\` |`);
    }
  });

  it('is embedded, up to date, in README.md (regenerate with npm run config:docs)', () => {
    const readme = readFileSync(repositoryFile('README.md'), 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, 'start marker').to.be.greaterThan(-1);
    expect(end, 'end marker').to.be.greaterThan(start);
    expect(readme.slice(start + START.length, end).trim()).to.equal(configReferenceTable().trim());
  });
});
