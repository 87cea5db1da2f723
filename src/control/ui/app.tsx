/**
 * The status page: the state streamed from /events, the totals, the markets table, recent
 * fills and rejects, and the control buttons.
 *
 * The token is typed in once and kept in sessionStorage (gone when the tab closes). A link
 * may also carry it in the fragment (#token=...): the fragment never reaches the server or
 * its logs, and the page removes it from the address bar at once. The server never writes
 * the token into a page, so a page fetched without it holds nothing secret.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ControlAction, EngineState } from '../engine-state.js';
import { ActionButtons } from './actions.js';
import type { Perform } from './actions.js';
import { MarketTable } from './market-table.js';
import { Recent, Totals } from './panels.js';

const TOKEN_KEY = 'kalshi-mm.control-token';

type Link = 'connecting' | 'live' | 'reconnecting';

export interface Notice {
  readonly kind: 'ok' | 'error' | 'info';
  readonly text: string;
}

const WHAT: Readonly<Record<ControlAction, string>> = {
  pause: 'Pause: stop placing quotes.',
  resume: 'Resume: start quoting again.',
  flatten: 'Flatten: cancel resting orders and close the position.',
  kill: 'Kill: cancel every order and halt trading. A kill latches.',
  reload: 'Reload: read the config file again and apply what may change while running.',
};

function readStoredToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function storeToken(token: string): void {
  try {
    if (token === '') sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage refused (private mode): the token lives until the page reloads
  }
}

/** A token handed over in the fragment (#token=...), taken and wiped from the address bar. */
function takeFragmentToken(): string | undefined {
  const match = /(?:^|&)token=([^&]*)/.exec(location.hash.replace(/^#/, ''));
  if (match === null) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}

/** The newest state from /events, handed to the page at most once per animation frame. */
function useEngineState(): { state: EngineState | undefined; link: Link; receivedAt: number; problem: string | undefined } {
  const [state, setState] = useState<EngineState | undefined>(undefined);
  const [link, setLink] = useState<Link>('connecting');
  const [receivedAt, setReceivedAt] = useState(0);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  useEffect(() => {
    const events = new EventSource('/events');
    let pending: EngineState | undefined;
    let frame = 0;
    const flush = (): void => {
      frame = 0;
      if (pending === undefined) return;
      setState(pending);
      setReceivedAt(Date.now());
      pending = undefined;
    };
    events.addEventListener('state', (event) => {
      try {
        pending = JSON.parse((event as MessageEvent<string>).data) as EngineState;
        setProblem(undefined);
      } catch (error) {
        setProblem(`the server sent a state that is not JSON: ${(error as Error).message}`);
        return;
      }
      if (frame === 0) frame = requestAnimationFrame(flush);
    });
    events.onopen = () => setLink('live');
    events.onerror = () => setLink('reconnecting'); // EventSource retries by itself
    return () => {
      events.close();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, []);
  return { state, link, receivedAt, problem };
}

function useClock(periodMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

function TokenForm(props: { token: string; onToken: (token: string) => void; inputRef: { current: HTMLInputElement | null } }) {
  const [draft, setDraft] = useState('');
  if (props.token !== '') {
    return (
      <span class="token-set">
        control token set{' '}
        <button type="button" class="link" id="forget-token" onClick={() => props.onToken('')}>
          forget
        </button>
      </span>
    );
  }
  return (
    <form
      class="token-form"
      onSubmit={(event) => {
        event.preventDefault();
        const token = draft.trim();
        if (token !== '') props.onToken(token);
        setDraft('');
      }}
    >
      <label>
        control token{' '}
        <input
          id="token-input"
          ref={props.inputRef}
          type="password"
          autocomplete="off"
          placeholder="from the token file"
          value={draft}
          onInput={(event) => setDraft((event.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" id="token-save">
        use
      </button>
    </form>
  );
}

export function App() {
  const { state, link, receivedAt, problem } = useEngineState();
  const [token, setToken] = useState<string>(() => {
    const handed = takeFragmentToken();
    if (handed !== undefined && handed !== '') {
      storeToken(handed);
      return handed;
    }
    return readStoredToken();
  });
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const tokenInput = useRef<HTMLInputElement | null>(null);
  const now = useClock(1000);

  const changeToken = useCallback((next: string) => {
    storeToken(next);
    setToken(next);
    setNotice(next === '' ? { kind: 'info', text: 'token forgotten' } : undefined);
  }, []);

  const perform = useCallback<Perform>(
    (action, ticker) => {
      const target = ticker ?? 'ALL markets';
      if (token === '') {
        setNotice({ kind: 'error', text: `enter the control token before asking to ${action}` });
        tokenInput.current?.focus();
        return;
      }
      if (!window.confirm(`${action.toUpperCase()} ${target}?\n\n${WHAT[action]}`)) return;
      setBusy(true);
      setNotice({ kind: 'info', text: `${action} ${target}: sent…` });
      const query = ticker === undefined ? '' : `?ticker=${encodeURIComponent(ticker)}`;
      fetch(`/api/${action}${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
        .then(async (response) => {
          const body = (await response.json().catch(() => ({}))) as { ok?: boolean; message?: string; error?: string };
          if (response.status === 401) {
            changeToken('');
            setNotice({ kind: 'error', text: `${action} ${target}: the server refused the token; enter it again` });
            return;
          }
          const text = body.message ?? body.error ?? `HTTP ${response.status}`;
          setNotice({ kind: response.ok && body.ok === true ? 'ok' : 'error', text: `${action} ${target}: ${text}` });
        })
        .catch((error: unknown) => setNotice({ kind: 'error', text: `${action} ${target}: no answer (${(error as Error).message})` }))
        .finally(() => setBusy(false));
    },
    [token, changeToken],
  );

  const ageSeconds = receivedAt === 0 ? undefined : Math.max(0, Math.round((now - receivedAt) / 1000));
  return (
    <div class="page">
      <header class="top">
        <h1>kalshi-mm</h1>
        {state !== undefined && (
          <span class={`badge mode mode-${state.mode}`} id="mode">
            {state.mode}
          </span>
        )}
        {state !== undefined && (
          <span class={`badge risk risk-${state.risk}`} id="risk">
            risk {state.risk}
          </span>
        )}
        <span class={`badge link link-${link}`} id="link">
          {link === 'live' ? 'live' : link}
        </span>
        {state !== undefined && (
          <span class="sample" id="sample-time" title="time of the engine's status sample">
            sample {state.ts}
            {ageSeconds !== undefined && ageSeconds >= 3 ? ` (${ageSeconds}s ago)` : ''}
          </span>
        )}
        <span class="spacer" />
        <TokenForm token={token} onToken={changeToken} inputRef={tokenInput} />
      </header>
      {problem !== undefined && <p class="notice error">{problem}</p>}
      {notice !== undefined && (
        <p class={`notice ${notice.kind}`} id="notice" role="status">
          {notice.text}
        </p>
      )}
      {state === undefined ? (
        <p class="loading">Waiting for the engine's state…</p>
      ) : (
        <>
          <section class="global-actions" id="global-actions">
            <span class="label">all markets</span>
            <ActionButtons perform={perform} busy={busy} />
          </section>
          <Totals state={state} />
          <MarketTable markets={state.markets} perform={perform} busy={busy} />
          <Recent state={state} />
        </>
      )}
    </div>
  );
}
