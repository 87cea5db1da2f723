/**
 * A JSON object: neither null nor an array. The first check on anything that crossed a
 * wire, a file or a thread (frames, config entries, recording lines, maker states).
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
