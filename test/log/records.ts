/** Intents and events for the logger tests. */
import type { Intent } from '../../src/strategy/intent.js';
import type { LogEvent } from '../../src/log/log-event.js';

export const BASE_MS = Date.UTC(2026, 10, 25, 12, 0, 0);

/** The `sequence`-th intent of `ticker`: its reason carries the sequence number. */
export function intentFor(ticker: string, sequence: number): Intent {
  return {
    tsMs: BASE_MS + sequence,
    ticker,
    kind: sequence % 2 === 0 ? 'quote' : 'reprice',
    side: sequence % 3 === 0 ? 'no' : 'yes',
    action: 'buy',
    price: 1 + (sequence % 99),
    size: 500,
    reason: `sequence ${sequence}`,
    ...(sequence % 2 === 0 ? {} : { prevPrice: 42 }),
  };
}

export function eventFor(ticker: string, sequence: number, level: LogEvent['level'] = 'info'): LogEvent {
  return {
    ts: new Date(BASE_MS + sequence).toISOString(),
    level,
    kind: 'fill',
    ticker,
    message: `event ${sequence}`,
    data: { sequence },
  };
}
