/**
 * The kill switch outlives the process: when it trips, why is written to a file
 * (`risk.kill_switch_file`, by default `kill-switch.json` beside the intents file), and a
 * resume removes it. An engine that starts while the file is there starts halted: a restart,
 * by hand or by a supervisor such as systemd, is never a way out of a tripped kill switch;
 * only a person's resume is.
 *
 * A file that cannot be read or parsed counts as tripped (the safe reading of a latch).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LatchedTrip {
  /** why it tripped, as the risk engine said it */
  readonly reason: string;
  /** when, ISO 8601 */
  readonly at: string;
}

/** The trip recorded in the file; undefined when there is no file. */
export function readKillSwitchFile(path: string): LatchedTrip | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { reason: `the kill switch file ${path} cannot be read (${(error as Error).message})`, at: '' };
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as LatchedTrip).reason === 'string') {
      const at = (parsed as LatchedTrip).at;
      return { reason: (parsed as LatchedTrip).reason, at: typeof at === 'string' ? at : '' };
    }
  } catch {
    // not JSON: still a latch
  }
  return { reason: `the kill switch file ${path} is there but not readable as a trip`, at: '' };
}

/** Records a trip; written to a temporary name and renamed, so a crash leaves the old file or the new one. */
export function writeKillSwitchFile(path: string, trip: LatchedTrip): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(trip)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Removes the latch (after a resume). */
export function clearKillSwitchFile(path: string): void {
  rmSync(path, { force: true });
}
