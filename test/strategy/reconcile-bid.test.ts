import { expect } from 'chai';
import type { EntryTarget } from '../../src/strategy/entry-targets.js';
import { reconcileBid } from '../../src/strategy/reconcile-bid.js';
import { intentAt } from './fixtures.js';

describe('reconcileBid', () => {
  const now = 50_000;
  const context = { ticker: 'KXTEST-26JAN01-T50', nowMs: now };
  const ttlMs = 6_000;
  const target: EntryTarget = { kind: 'bid', price: 43, size: 500, reason: 'improve' };
  const resting = { price: 43, size: 500, postedMs: now - 1_000 };

  it('quotes a target when nothing rests', () => {
    expect(reconcileBid(context, 'yes', target, undefined, ttlMs)).to.deep.equal({
      intents: [intentAt(now, { kind: 'quote', side: 'yes', action: 'buy', price: 43, size: 5, reason: 'improve' })],
      resting: { price: 43, size: 500, postedMs: now },
    });
  });

  it('does nothing for the same target, unexpired', () => {
    expect(reconcileBid(context, 'no', target, resting, ttlMs)).to.deep.equal({ intents: [], resting });
  });

  it('reprices on a new price or size, carrying the previous price and starting the age again', () => {
    expect(reconcileBid(context, 'no', { ...target, price: 44 }, resting, ttlMs)).to.deep.equal({
      intents: [intentAt(now, { kind: 'reprice', side: 'no', action: 'buy', price: 44, size: 5, reason: 'improve', prevPrice: 43 })],
      resting: { price: 44, size: 500, postedMs: now },
    });
    expect(reconcileBid(context, 'no', { ...target, size: 200 }, resting, ttlMs).intents).to.deep.equal([
      intentAt(now, { kind: 'reprice', side: 'no', action: 'buy', price: 43, size: 2, reason: 'improve', prevPrice: 43 }),
    ]);
  });

  it('cancels what rests when there is no target, with the target reason', () => {
    expect(reconcileBid(context, 'yes', { kind: 'none', reason: 'cushion' }, resting, ttlMs)).to.deep.equal({
      intents: [intentAt(now, { kind: 'cancel', side: 'yes', action: 'buy', price: 43, size: 5, reason: 'cushion' })],
      resting: undefined,
    });
    expect(reconcileBid(context, 'yes', { kind: 'none', reason: 'cushion' }, undefined, ttlMs)).to.deep.equal({
      intents: [],
      resting: undefined,
    });
  });

  it('cancels (ttl) and quotes again (ttl_refresh) at the TTL, not a millisecond before', () => {
    const aged = { ...resting, postedMs: now - ttlMs };
    expect(reconcileBid(context, 'yes', { ...target, price: 42 }, aged, ttlMs)).to.deep.equal({
      intents: [
        intentAt(now, { kind: 'cancel', side: 'yes', action: 'buy', price: 43, size: 5, reason: 'ttl' }),
        intentAt(now, { kind: 'quote', side: 'yes', action: 'buy', price: 42, size: 5, reason: 'ttl_refresh' }),
      ],
      resting: { price: 42, size: 500, postedMs: now },
    });
    const almost = { ...resting, postedMs: now - ttlMs + 1 };
    expect(reconcileBid(context, 'yes', target, almost, ttlMs).intents).to.deep.equal([]);
  });

  it('cancels an expired bid with the no-target reason rather than ttl', () => {
    const aged = { ...resting, postedMs: now - 60_000 };
    expect(reconcileBid(context, 'yes', { kind: 'none', reason: 'spread_too_narrow' }, aged, ttlMs).intents).to.deep.equal([
      intentAt(now, { kind: 'cancel', side: 'yes', action: 'buy', price: 43, size: 5, reason: 'spread_too_narrow' }),
    ]);
  });
});
