/**
 * How runtime parts report what happens to them: one event shape, sent to the logger by
 * whoever owns the sink. `ts` is added by the sink.
 */
import type { LogLevel } from '../config/types.js';

export interface RuntimeEvent {
  readonly level: LogLevel;
  readonly kind: string;
  readonly message: string;
  readonly ticker?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type EventSink = (event: RuntimeEvent) => void;

const RAW_FRAME_LIMIT = 300;

/** A raw frame for a log line: cut to a readable length. */
export function truncateFrame(text: string): string {
  return text.length <= RAW_FRAME_LIMIT ? text : `${text.slice(0, RAW_FRAME_LIMIT)}... (${text.length} chars)`;
}
