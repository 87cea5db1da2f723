/**
 * The replay server in a process of its own, so that serving frames does not compete with
 * the client under measurement for its thread. Preloads the recording.
 *
 *   argv: <recording> <keys file> <pace: "fast" | speed (a multiple of the recorded pace)> [<warm-up frames> <warm-up speed>]
 *   IPC out: {kind: 'listening', url}, {kind: 'session-end', report}
 *   IPC in:  {kind: 'stop'}
 */
import { readKeysFile } from '../src/sim/index.js';
import { startReplayServer } from '../src/replay/replay-server.js';
import type { ReplayPace } from '../src/replay/replay-stream.js';
import { tellParent } from './child-process.js';

const [recording, keysFile, pace, warmupFrames, warmupSpeed] = process.argv.slice(2);
const paceOf = (text: string): ReplayPace => (text === 'fast' ? { kind: 'as-fast-as-read' } : { kind: 'recorded', speed: Number(text) });
const server = await startReplayServer({
  recording: recording!,
  keys: readKeysFile(keysFile!),
  pace: paceOf(pace!),
  ...(warmupFrames !== undefined ? { warmup: { frames: Number(warmupFrames), pace: paceOf(warmupSpeed!) } } : {}),
  preload: true,
  pingIntervalMs: 0,
  onSessionEnd: (report) => tellParent({ kind: 'session-end', report }),
});
tellParent({ kind: 'listening', url: server.url });
process.on('message', (message: { kind?: string }) => {
  if (message.kind !== 'stop') return;
  void server.close().then(() => process.disconnect());
});
