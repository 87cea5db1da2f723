/**
 * One error for everything wrong with a configuration: each problem names its key, the
 * message names the file. The CLI prints it and exits with `exitCode` (2).
 */

export interface ConfigProblem {
  /** dotted key (`strategy.sum_cushion`, `markets[3].min_spread`); absent for file-level problems */
  readonly key?: string;
  readonly message: string;
}

function describeProblem(problem: ConfigProblem): string {
  return problem.key === undefined ? problem.message : `${problem.key}: ${problem.message}`;
}

export class ConfigError extends Error {
  /** the first problem's key */
  readonly key?: string;
  readonly file?: string;
  readonly exitCode = 2 as const;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], file?: string) {
    const source = file === undefined ? 'configuration' : `config file ${file}`;
    const body =
      problems.length === 1
        ? describeProblem(problems[0]!)
        : `${problems.length} problems:\n${problems.map((problem) => `  ${describeProblem(problem)}`).join('\n')}`;
    super(`${source}: ${body}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.file = file;
    this.key = problems.find((problem) => problem.key !== undefined)?.key;
  }
}
