/**
 * The recording's own thread: a piscina task (one per session, on the session recorder's
 * one-thread pool) that takes batches of frames from its port and writes them with a
 * RecordingWriter. Building the JSON lines and compressing then cost the receiving thread
 * nothing but one post per event-loop turn.
 *
 * Port protocol, in order on the one port: any number of FramesPosted, then
 * CloseRecording; the task resolves with the summary. A writer error is posted back as a
 * RecordingFailed notice (the task carries on, dropping frames, until closed).
 */
import type { MessagePort } from 'node:worker_threads';
import { RecordingWriter, type RecordingSummary, type RecordingWriterOptions } from './recording-writer.js';

export interface RecordingThreadTask {
  readonly port: MessagePort;
  readonly writer: Omit<RecordingWriterOptions, 'onError'>;
}

export interface FramesPosted {
  readonly kind: 'FramesPosted';
  readonly texts: readonly string[];
  readonly receivedAtMs: readonly number[];
}

export interface CloseRecording {
  readonly kind: 'CloseRecording';
}

export type RecordingThreadMessage = FramesPosted | CloseRecording;

export interface RecordingFailed {
  readonly kind: 'RecordingFailed';
  readonly message: string;
}

/** Resolves with the summary, or undefined when the recording could not even be created. */
export default function runRecordingThread(task: RecordingThreadTask): Promise<RecordingSummary | undefined> {
  const failed = (error: Error): void => task.port.postMessage({ kind: 'RecordingFailed', message: error.message } satisfies RecordingFailed);
  let writer: RecordingWriter | undefined;
  try {
    writer = new RecordingWriter({ ...task.writer, onError: failed });
  } catch (error) {
    failed(error as Error);
  }
  return new Promise((resolve, reject) => {
    task.port.on('message', (message: RecordingThreadMessage) => {
      if (message.kind === 'FramesPosted') {
        if (writer === undefined) return;
        for (let index = 0; index < message.texts.length; index++) writer.record(message.texts[index]!, message.receivedAtMs[index]!);
        return;
      }
      const closed = writer === undefined ? Promise.resolve(undefined) : writer.close();
      closed.then(
        (summary) => {
          task.port.close();
          resolve(summary);
        },
        (error: Error) => {
          task.port.close();
          reject(error);
        },
      );
    });
  });
}
