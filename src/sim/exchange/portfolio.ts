/**
 * Paper positions per account (key id) and market, kept exactly: positions in hundredths
 * of a contract, money in ten-thousandths of a dollar (e4). A position is signed
 * (+ YES held, - NO held); the cost is the cost basis of the leg held.
 */
import type { Side } from '../../protocol/wire.js';
import type { PositionChanged } from './market-events.js';

interface PositionState {
  position: number;
  costE4: number;
  realizedPnlE4: number;
  feesE4: number;
  volume: number;
}

/** Kalshi's taker fee, 0.07 x C x P x (1 - P), rounded up to the cent; returned in e4. */
export function takerFeeE4(count: number, price: number): number {
  const cents = Math.ceil((7 * count * price * (100 - price)) / 1_000_000);
  return cents * 100;
}

export class Portfolio {
  private readonly accounts = new Map<string, Map<string, PositionState>>();

  position(keyId: string, ticker: string): number {
    return this.accounts.get(keyId)?.get(ticker)?.position ?? 0;
  }

  /**
   * Books a fill: `count` hundredths of leg `bought` at `legPrice` ticks (the price of that
   * leg). Buying the leg opposite to the one held closes it first, realizing the difference.
   */
  applyFill(keyId: string, ticker: string, bought: Side, legPrice: number, count: number, feeE4: number): PositionChanged {
    const state = this.state(keyId, ticker);
    const direction = bought === 'yes' ? 1 : -1;
    const held = Math.abs(state.position);
    const holdingOpposite = state.position * direction < 0;
    let opening = count;
    if (holdingOpposite) {
      const closing = Math.min(count, held);
      const costReleased = Math.round((state.costE4 * closing) / held);
      // buying the other leg at legPrice sells the held leg at 100 - legPrice
      state.realizedPnlE4 += closing * (100 - legPrice) - costReleased;
      state.costE4 -= costReleased;
      state.position += direction * closing;
      opening -= closing;
    }
    state.position += direction * opening;
    state.costE4 += opening * legPrice;
    state.realizedPnlE4 -= feeE4;
    state.feesE4 += feeE4;
    state.volume += count;
    return this.changed(keyId, ticker, state);
  }

  /** Overwrites a position (test hook). */
  set(keyId: string, ticker: string, position: number, costE4: number): PositionChanged {
    const state = this.state(keyId, ticker);
    state.position = position;
    state.costE4 = costE4;
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
      state = { position: 0, costE4: 0, realizedPnlE4: 0, feesE4: 0, volume: 0 };
      account.set(ticker, state);
    }
    return state;
  }

  private changed(keyId: string, ticker: string, state: PositionState): PositionChanged {
    return { kind: 'position', keyId, ticker, ...state };
  }
}
