/**
 * A value or the reason there is none. The execution layer's pure functions answer with
 * this instead of throwing, so a bad input or an illegal step in the order-handling path is
 * a value the caller handles, never an exception that unwinds it.
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}
