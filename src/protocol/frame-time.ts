/**
 * The exchange time a server frame carries (ws-v2.md section 3.1): `ts_ms` (Unix ms) when
 * present, else the deprecated `ts` of older frames: an RFC 3339 string on book deltas
 * (millisecond precision kept), Unix seconds elsewhere. Snapshots, position updates and
 * control replies carry no time.
 */
export function frameTimeMs(msg: Readonly<Record<string, unknown>> | undefined): number | undefined {
  if (msg === undefined) return undefined;
  const milliseconds = msg.ts_ms;
  if (isTime(milliseconds)) return milliseconds;
  const legacy = msg.ts;
  if (isTime(legacy)) return legacy * 1000;
  if (typeof legacy === 'string') {
    const parsed = Date.parse(legacy);
    if (isTime(parsed)) return parsed;
  }
  return undefined;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
