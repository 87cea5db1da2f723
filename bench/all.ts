/**
 * `npm run bench`: every benchmark section, one after another, each in a process of its own
 * (so one section's heap and compiled code never weigh on the next), each printing its table
 * and writing its own results file:
 *
 *   engine     bench/run.ts                 throughput and latency against the bare limits  bench/results.json
 *   execution  bench/execution.ts           writes and flips per market, frame to request   bench/execution-results.json
 *   backtest   bench/backtest-throughput.ts backtest frames/s against read + parse          bench/backtest-results.json
 *   selection  bench/selection.ts           3,000 markets, rules selecting 500: time to quote bench/selection-results.json
 *
 *   npm run bench [-- --only engine,backtest] [-- --skip execution]
 *
 * A section's own flags are set by running it alone (`npm run bench:engine -- ...` and so on).
 * Not a test: nothing here passes or fails, but a section that crashes is reported and the
 * exit code is non-zero.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface Section {
  readonly name: string;
  readonly script: string;
  readonly results: string;
}

const SECTIONS: readonly Section[] = [
  { name: 'engine', script: 'run.ts', results: 'results.json' },
  { name: 'execution', script: 'execution.ts', results: 'execution-results.json' },
  { name: 'backtest', script: 'backtest-throughput.ts', results: 'backtest-results.json' },
  { name: 'selection', script: 'selection.ts', results: 'selection-results.json' },
];

const here = (file: string): string => fileURLToPath(new URL(`./${file}`, import.meta.url));

function namesOf(value: string | undefined, flag: string): Set<string> | undefined {
  if (value === undefined) return undefined;
  const names = new Set(
    value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
  const unknown = [...names].filter((name) => !SECTIONS.some((section) => section.name === name));
  if (unknown.length > 0) throw new Error(`--${flag}: unknown section ${unknown.join(', ')} (sections: ${SECTIONS.map((section) => section.name).join(', ')})`);
  return names;
}

function runSection(section: Section): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', here(section.script)], { stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`bench: ${section.name}: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, skip: { type: 'string' } } });
  const only = namesOf(values.only, 'only');
  const skip = namesOf(values.skip, 'skip') ?? new Set<string>();
  const chosen = SECTIONS.filter((section) => (only === undefined || only.has(section.name)) && !skip.has(section.name));
  const outcomes: string[] = [];
  let failed = 0;
  const startedAt = Date.now();
  for (const section of chosen) {
    if (!existsSync(here(section.script))) {
      outcomes.push(`${section.name}: not built (${section.script} missing)`);
      failed += 1;
      continue;
    }
    process.stderr.write(`\nbench: section ${section.name} (bench/${section.script})\n`);
    const sectionStart = Date.now();
    const code = await runSection(section);
    const seconds = Math.round((Date.now() - sectionStart) / 1000);
    if (code !== 0) failed += 1;
    outcomes.push(`${section.name}: ${code === 0 ? `done in ${seconds} s, bench/${section.results}` : `failed with exit code ${code} after ${seconds} s`}`);
  }
  process.stdout.write(
    `\nbench: ${chosen.length} sections in ${Math.round((Date.now() - startedAt) / 1000)} s\n${outcomes.map((line) => `  ${line}`).join('\n')}\n`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 2;
});
