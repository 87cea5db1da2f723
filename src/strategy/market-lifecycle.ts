/**
 * Which lifecycle events end trading in a market and which resume it (strategy-spec
 * section 6): deactivated (halt), determined, settled, and close_date_updated to a time
 * already past close it; activated resumes it. A close time still ahead (from `created` or
 * `close_date_updated`) is remembered, and the market closes when that time comes.
 */
import type { LifecycleEvent } from '../protocol/decode.js';

export function closesMarket(event: LifecycleEvent, nowMs: number): boolean {
  switch (event.eventType) {
    case 'deactivated':
    case 'determined':
    case 'settled':
      return true;
    case 'close_date_updated':
      return event.closeTsMs !== undefined && event.closeTsMs <= nowMs;
    default:
      return false;
  }
}

export function reopensMarket(event: LifecycleEvent): boolean {
  return event.eventType === 'activated';
}

/** The close time an event announces while it is still ahead, if any. */
export function announcedCloseMs(event: LifecycleEvent, nowMs: number): number | undefined {
  if (event.eventType !== 'created' && event.eventType !== 'close_date_updated') return undefined;
  return event.closeTsMs !== undefined && event.closeTsMs > nowMs ? event.closeTsMs : undefined;
}
