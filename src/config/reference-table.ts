/**
 * The README's config table, generated from the schema (printed by scripts/config-docs.ts,
 * embedded in README.md; a test keeps the two equal).
 */
import { describeFormat, type SchemaNode } from './formats.js';
import { schemaEntries, STRATEGY_SCHEMA } from './schema.js';
import { RULE_KEYS } from './selection-rules.js';

function code(text: string): string {
  return `\`${text}\``;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function sources(node: SchemaNode): string {
  const names: string[] = [];
  if (node.env !== undefined) names.push(code(node.env));
  if (node.flag !== undefined) {
    names.push(code(`--${node.flag}`));
    if (node.format === 'true-or-false') names.push(code(`--no-${node.flag}`));
  }
  return names.join(', ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

export function configReferenceTable(): string {
  const lines = [row(['Key', 'Default', 'Allowed', 'Env / flag', 'Description']), row(['---', '---', '---', '---', '---'])];
  for (const { key, node } of schemaEntries()) {
    lines.push(row([code(key), code(JSON.stringify(node.default)), describeFormat(node), sources(node), node.doc]));
  }
  lines.push(
    row([
      code('markets[i].<strategy key>'),
      'the strategy value',
      'as the strategy key',
      '',
      `per-market override of any of: ${Object.keys(STRATEGY_SCHEMA).join(', ')}`,
    ]),
  );
  for (const [name, rule] of Object.entries(RULE_KEYS)) {
    lines.push(row([code(`selection.rules[i].${name}`), '(none)', rule.allowed, '', rule.doc]));
  }
  return `${lines.join('\n')}\n`;
}
