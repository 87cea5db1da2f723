/**
 * The replay server in a process of its own, so that serving frames does not compete with
 * the client under measurement for its thread. Preloads the recording.
 *
 *   argv: <recording> <keys file> <pace: "fast" | frames per recorded second multiplier>
 *   IPC out: {kind: 'listening', url}, {kind: 'session-end', report}
 *   IPC in:  {kind: 'stop'}
 */
import { readKeysFile } from '../src/sim/index.js';
import { startReplayServer } from '../src/replay/replay-server.js';
import { tellParent } from './child-process.js';

const [recording, keysFile, pace] = process.argv.slice(2);
const server = await startReplayServer({
  recording: recording!,
  keys: readKeysFile(keysFile!),
  pace: pace === 'fast' ? { kind: 'as-fast-as-read' } : { kind: 'recorded', speed: Number(pace) },
  preload: true,
  pingIntervalMs: 0,
  onSessionEnd: (report) => tellParent({ kind: 'session-end', report }),
});
tellParent({ kind: 'listening', url: server.url });
process.on('message', (message: { kind?: string }) => {
  if (message.kind !== 'stop') return;
  void server.close().then(() => process.disconnect());
});
