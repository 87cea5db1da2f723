import { expect } from 'chai';
import type { ExitTarget } from '../../src/strategy/exit-target.js';
import { reconcileExit } from '../../src/strategy/reconcile-exit.js';
import { intentAt } from './fixtures.js';

describe('reconcileExit', () => {
  const now = 80_000;
  const context = { ticker: 'KXTEST-26JAN01-T50', nowMs: now };
  const ttlMs = 20_000;
  const target: ExitTarget = { kind: 'ask', price: 44, size: 500, reason: 'take_profit' };
  const resting = { price: 44, size: 500, postedMs: now - 1_000 };

  it('posts an exit when nothing rests', () => {
    expect(reconcileExit(context, 'yes', target, undefined, ttlMs)).to.deep.equal({
      intents: [intentAt(now, { kind: 'exit', side: 'yes', action: 'sell', price: 44, size: 5, reason: 'take_profit' })],
      resting: { price: 44, size: 500, postedMs: now },
    });
  });

  it('does nothing for the same target, unexpired', () => {
    expect(reconcileExit(context, 'yes', target, resting, ttlMs)).to.deep.equal({ intents: [], resting });
  });

  it('on a new price or size: exit_cancel (reprice), then exit', () => {
    const moved: ExitTarget = { kind: 'ask', price: 46, size: 500, reason: 'above_best_bid' };
    expect(reconcileExit(context, 'no', moved, resting, ttlMs)).to.deep.equal({
      intents: [
        intentAt(now, { kind: 'exit_cancel', side: 'no', action: 'sell', price: 44, size: 5, reason: 'reprice' }),
        intentAt(now, { kind: 'exit', side: 'no', action: 'sell', price: 46, size: 5, reason: 'above_best_bid' }),
      ],
      resting: { price: 46, size: 500, postedMs: now },
    });
    expect(reconcileExit(context, 'no', { ...target, size: 300 }, resting, ttlMs).intents).to.have.length(2);
  });

  it('flat: exit_cancel (flat)', () => {
    expect(reconcileExit(context, 'yes', { kind: 'none', reason: 'flat' }, resting, ttlMs)).to.deep.equal({
      intents: [intentAt(now, { kind: 'exit_cancel', side: 'yes', action: 'sell', price: 44, size: 5, reason: 'flat' })],
      resting: undefined,
    });
    expect(reconcileExit(context, 'yes', { kind: 'none', reason: 'flat' }, undefined, ttlMs).intents).to.deep.equal([]);
  });

  it('expired: exit_cancel (ttl), then exit (ttl_refresh) at the current target', () => {
    const aged = { ...resting, postedMs: now - ttlMs };
    expect(reconcileExit(context, 'yes', { ...target, price: 45 }, aged, ttlMs)).to.deep.equal({
      intents: [
        intentAt(now, { kind: 'exit_cancel', side: 'yes', action: 'sell', price: 44, size: 5, reason: 'ttl' }),
        intentAt(now, { kind: 'exit', side: 'yes', action: 'sell', price: 45, size: 5, reason: 'ttl_refresh' }),
      ],
      resting: { price: 45, size: 500, postedMs: now },
    });
    expect(reconcileExit(context, 'yes', target, { ...resting, postedMs: now - ttlMs + 1 }, ttlMs).intents).to.deep.equal([]);
  });
});
