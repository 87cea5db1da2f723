/**
 * Paper positions per account (key id) and market, kept exactly: positions in hundredths
 * of a contract, costs in ten-thousandths of a dollar (e4: a tick times a hundredth), fees
 * and realized PnL in micro-dollars. A position is signed (+ YES held, - NO held); the cost
 * is the cost basis of the leg held. Fees count against realized PnL.
 */
import type { Side } from '../../protocol/wire.js';
import type { MarketResult, PositionChanged } from './market-events.js';

export interface PositionState {
  position: number;
  costE4: number;
  realizedPnlMicros: number;
  feesMicros: number;
  /** hundredths traded, both directions */
  volume: number;
  /** what the fills cost on their own legs, e4 */
  totalTradedE4: number;
  lastUpdatedMs: number;
}

/** What a fill or a settlement did to the account's cash, e4 (fees apart). */
export interface CashMove {
  readonly changed: PositionChanged;
  readonly cashE4: number;
}

const E4_PER_HUNDREDTH_AT_ONE_DOLLAR = 100;
const MICROS_PER_E4 = 100;

export class Portfolio {
  private readonly accounts = new Map<string, Map<string, PositionState>>();

  position(keyId: string, ticker: string): number {
    return this.accounts.get(keyId)?.get(ticker)?.position ?? 0;
  }

  /** Every market the account has a row for, in the order they were first touched. */
  rows(keyId: string): ReadonlyMap<string, Readonly<PositionState>> {
    return this.accounts.get(keyId) ?? new Map();
  }

  /** Accounts holding a row in `ticker`. */
  holders(ticker: string): string[] {
    return [...this.accounts].filter(([, rows]) => rows.has(ticker)).map(([keyId]) => keyId);
  }

  /**
   * Books a fill: `count` hundredths of leg `bought` at `legPrice` ticks (the price of that
   * leg). Buying the leg opposite to the one held closes it first, realizing the difference.
   */
  applyFill(keyId: string, ticker: string, bought: Side, legPrice: number, count: number, feeMicros: number, nowMs = 0): PositionChanged {
    return this.fill(keyId, ticker, bought, legPrice, count, feeMicros, nowMs).changed;
  }

  /**
   * applyFill, with the cash it moves: paying for the contracts opened, and $1 for each pair
   * closed (a held leg plus the one just bought pay out $1 together).
   */
  fill(keyId: string, ticker: string, bought: Side, legPrice: number, count: number, feeMicros: number, nowMs: number): CashMove {
    const state = this.state(keyId, ticker);
    const direction = bought === 'yes' ? 1 : -1;
    const held = Math.abs(state.position);
    const holdingOpposite = state.position * direction < 0;
    let opening = count;
    let closing = 0;
    if (holdingOpposite) {
      closing = Math.min(count, held);
      const costReleased = Math.round((state.costE4 * closing) / held);
      // buying the other leg at legPrice sells the held leg at 100 - legPrice
      state.realizedPnlMicros += (closing * (100 - legPrice) - costReleased) * MICROS_PER_E4;
      state.costE4 -= costReleased;
      state.position += direction * closing;
      opening -= closing;
    }
    state.position += direction * opening;
    state.costE4 += opening * legPrice;
    state.realizedPnlMicros -= feeMicros;
    state.feesMicros += feeMicros;
    state.volume += count;
    state.totalTradedE4 += count * legPrice;
    state.lastUpdatedMs = nowMs;
    return { changed: this.changed(keyId, ticker, state), cashE4: closing * E4_PER_HUNDREDTH_AT_ONE_DOLLAR - count * legPrice };
  }

  /**
   * Settles a position: $1 per winning contract, the cost back when void; the position is
   * then flat. Undefined when the account has no row in the market.
   */
  settle(keyId: string, ticker: string, result: MarketResult, nowMs: number): CashMove | undefined {
    const state = this.accounts.get(keyId)?.get(ticker);
    if (!state) return undefined;
    const won = result === 'yes' ? Math.max(state.position, 0) : result === 'no' ? Math.max(-state.position, 0) : 0;
    const payoutE4 = result === 'void' ? state.costE4 : won * E4_PER_HUNDREDTH_AT_ONE_DOLLAR;
    state.realizedPnlMicros += (payoutE4 - state.costE4) * MICROS_PER_E4;
    state.position = 0;
    state.costE4 = 0;
    state.lastUpdatedMs = nowMs;
    return { changed: this.changed(keyId, ticker, state), cashE4: payoutE4 };
  }

  /** Overwrites a position (test hook). */
  set(keyId: string, ticker: string, position: number, costE4: number, nowMs = 0): PositionChanged {
    const state = this.state(keyId, ticker);
    state.position = position;
    state.costE4 = costE4;
    state.lastUpdatedMs = nowMs;
    return this.changed(keyId, ticker, state);
  }

  private state(keyId: string, ticker: string): PositionState {
    let account = this.accounts.get(keyId);
    if (!account) {
      account = new Map();
      this.accounts.set(keyId, account);
    }
    let state = account.get(ticker);
    if (!state) {
      state = { position: 0, costE4: 0, realizedPnlMicros: 0, feesMicros: 0, volume: 0, totalTradedE4: 0, lastUpdatedMs: 0 };
      account.set(ticker, state);
    }
    return state;
  }

  private changed(keyId: string, ticker: string, state: PositionState): PositionChanged {
    const { position, costE4, realizedPnlMicros, feesMicros, volume } = state;
    return { kind: 'position', keyId, ticker, position, costE4, realizedPnlMicros, feesMicros, volume };
  }
}
