/**
 * Regenerates the recordings under test/fixtures/recordings/ from the simulator
 * (reproducible: same options, same frames):
 *
 *   node --import tsx src/replay/make-fixture-recordings.ts
 *
 * - sim-current.jsonl.gz: four markets, current wire format (dollar strings, fixed-point
 *   counts, ts_ms);
 * - sim-legacy-cents.jsonl.gz: the same markets in the integer-cent format of before
 *   12 Mar 2026.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recordSimulatorSession, type SimulatorRecordingOptions } from './simulator-recording.js';

const FIXTURE_DIRECTORY = fileURLToPath(new URL('../../test/fixtures/recordings', import.meta.url));
const FIXTURE_TICKERS = ['KXRPLA-26SEP30-T40', 'KXRPLB-26SEP30-T55', 'KXRPLC-26SEP30-T62', 'KXRPLD-26SEP30-T75'];

const FIXTURES: ReadonlyArray<SimulatorRecordingOptions> = [
  { path: `${FIXTURE_DIRECTORY}sim-current.jsonl.gz`, tickers: FIXTURE_TICKERS, frames: 3000, seed: 11, ratePerMarket: 2, session: 'fixture-sim-current' },
  {
    path: `${FIXTURE_DIRECTORY}sim-legacy-cents.jsonl.gz`,
    tickers: FIXTURE_TICKERS,
    frames: 2000,
    seed: 12,
    ratePerMarket: 2,
    legacyCents: true,
    session: 'fixture-sim-legacy-cents',
  },
];

for (const fixture of FIXTURES) {
  rmSync(fixture.path, { force: true });
  const summary = await recordSimulatorSession(fixture);
  process.stdout.write(`${summary.paths.join(', ')}: ${summary.frames} frames, ${summary.compressedBytes} bytes\n`);
}
