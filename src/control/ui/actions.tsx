/** The four control buttons, for all markets or one. */
import type { ControlAction } from '../engine-state.js';

/** Asks for one action (after the user confirms); `ticker` undefined = every market. */
export type Perform = (action: ControlAction, ticker?: string) => void;

const ACTIONS: readonly ControlAction[] = ['pause', 'resume', 'flatten', 'kill'];

export function ActionButtons(props: { ticker?: string; perform: Perform; busy: boolean; compact?: boolean }) {
  return (
    <span class={props.compact === true ? 'actions compact' : 'actions'}>
      {ACTIONS.map((action) => (
        <button
          type="button"
          key={action}
          class={`action ${action}`}
          data-action={action}
          disabled={props.busy}
          aria-label={`${action} ${props.ticker ?? 'all markets'}`}
          onClick={() => props.perform(action, props.ticker)}
        >
          {action}
        </button>
      ))}
    </span>
  );
}
