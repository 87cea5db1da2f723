/**
 * REST routing for the signed server: a route table of (method, path pattern, handler),
 * JSON in and out, errors in Kalshi's `{code, message, details}` shape.
 */
export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** the key id the request was signed with ('' for an unsigned call to a public route) */
  readonly keyId: string;
  /** parsed JSON body (undefined when empty) */
  readonly body: unknown;
  /** the pattern's capture groups */
  readonly params: readonly string[];
}

export interface RestResponse {
  readonly status: number;
  /** undefined: no body (204) */
  readonly body: unknown;
}

export interface RestRoute {
  readonly method: string;
  /** matched against the whole path, without the query string */
  readonly pattern: RegExp;
  /** callable without signed headers (public market data); a signed call is still checked */
  readonly public?: boolean;
  handle(request: RestRequest): RestResponse;
}

export function restError(status: number, code: string, message: string, details = ''): RestResponse {
  return { status, body: { code, message, details } };
}

export function findRoute(routes: readonly RestRoute[], method: string, path: string): { route: RestRoute; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match && match[0] === path) return { route, params: match.slice(1).map((part) => decodeURIComponent(part)) };
  }
  return undefined;
}
