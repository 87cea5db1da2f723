/**
 * A refusal by the venue, as Kalshi words it: an HTTP status, a code and a message
 * (sent as `{code, message, details}`).
 */
export interface VenueError {
  readonly error: true;
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export function venueError(status: number, code: string, message: string): VenueError {
  return { error: true, status, code, message };
}

export function isVenueError(value: unknown): value is VenueError {
  return typeof value === 'object' && value !== null && (value as { error?: unknown }).error === true;
}
