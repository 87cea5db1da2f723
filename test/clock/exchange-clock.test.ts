import { expect } from 'chai';
import { ExchangeClock } from '../../src/clock/exchange-clock.js';
import { frameTimeMs } from '../../src/protocol/frame-time.js';

describe('clock/exchange-clock', () => {
  it('holds steps until the first frame time, then runs them in order at that time', () => {
    const clock = new ExchangeClock();
    const seen: string[] = [];
    clock.atFrame(undefined, () => seen.push(`snapshot A at ${clock.now()}`));
    clock.atFrame(undefined, () => seen.push(`snapshot B at ${clock.now()}`));
    expect(seen).to.deep.equal([]);
    expect(clock.started).to.equal(false);
    expect(clock.heldSteps).to.equal(2);
    clock.atFrame(5_000, () => seen.push(`delta at ${clock.now()}`));
    clock.atFrame(undefined, () => seen.push(`position at ${clock.now()}`));
    expect(seen).to.deep.equal(['snapshot A at 5000', 'snapshot B at 5000', 'delta at 5000', 'position at 5000']);
    expect(clock.heldSteps).to.equal(0);
  });

  it('fires timers due by a frame time before that frame, in deadline order, each at its deadline', () => {
    const clock = new ExchangeClock();
    clock.advanceTo(1_000);
    const seen: string[] = [];
    clock.setTimer(7_000, () => seen.push(`ttl B at ${clock.now()}`));
    clock.setTimer(6_000, () => seen.push(`ttl A at ${clock.now()}`));
    clock.setTimer(7_000, () => seen.push(`ttl C at ${clock.now()}`));
    clock.setTimer(9_000, () => seen.push(`late at ${clock.now()}`));
    clock.atFrame(8_000, () => seen.push(`frame at ${clock.now()}`));
    expect(seen).to.deep.equal(['ttl A at 6000', 'ttl B at 7000', 'ttl C at 7000', 'frame at 8000']);
    expect(clock.pendingTimers).to.equal(1);
  });

  it('a timer re-armed while firing fires again within the same advance when it falls due (a quiet stretch gets every refresh)', () => {
    const clock = new ExchangeClock();
    clock.advanceTo(1);
    const refreshes: number[] = [];
    const arm = (dueMs: number): void => {
      clock.setTimer(dueMs, () => {
        refreshes.push(clock.now());
        arm(clock.now() + 6_000);
      });
    };
    arm(6_001);
    clock.advanceTo(30_000);
    expect(refreshes).to.deep.equal([6_001, 12_001, 18_001, 24_001]);
    expect(clock.now()).to.equal(30_000);
    expect(clock.pendingTimers).to.equal(1);
  });

  it('cleared timers never fire; time never goes back', () => {
    const clock = new ExchangeClock();
    clock.advanceTo(10_000);
    let fired = 0;
    const id = clock.setTimer(11_000, () => fired++);
    clock.clearTimer(id);
    clock.clearTimer(id);
    clock.clearTimer(12345);
    clock.advanceTo(20_000);
    expect(fired).to.equal(0);
    clock.atFrame(15_000, () => expect(clock.now()).to.equal(20_000));
    expect(clock.now()).to.equal(20_000);
  });

  it('a timer set at or before now fires at the next advance, at the current time', () => {
    const clock = new ExchangeClock();
    clock.advanceTo(10_000);
    const seen: number[] = [];
    clock.setTimer(9_000, () => seen.push(clock.now()));
    expect(seen).to.deep.equal([]);
    clock.advanceTo(10_000);
    expect(seen).to.deep.equal([10_000]);
  });

  it('keeps many re-armed timers cheap: cleared ones do not pile up', () => {
    const clock = new ExchangeClock();
    clock.advanceTo(1);
    let id = clock.setTimer(1_000_000, () => undefined);
    for (let round = 0; round < 100_000; round++) {
      clock.clearTimer(id);
      id = clock.setTimer(1_000_000 + round, () => undefined);
    }
    expect(clock.pendingTimers).to.equal(1);
    let fired = 0;
    clock.clearTimer(id);
    clock.setTimer(5, () => fired++);
    clock.advanceTo(2_000_000);
    expect(fired).to.equal(1);
  });

  it('stops a timer that keeps re-arming in the past instead of spinning forever', () => {
    const clock = new ExchangeClock();
    clock.advanceTo(100);
    const rearm = (): void => {
      clock.setTimer(clock.now(), rearm);
    };
    clock.setTimer(100, rearm);
    expect(() => clock.advanceTo(200)).to.throw(RangeError, 'keeps re-arming');
  });

  it('rejects a time that is not a number', () => {
    expect(() => new ExchangeClock().advanceTo(Number.NaN)).to.throw(RangeError);
    expect(() => new ExchangeClock().setTimer(Number.POSITIVE_INFINITY, () => undefined)).to.throw(RangeError);
  });
});

describe('protocol/frame-time', () => {
  it('reads ts_ms first, then the deprecated ts (RFC 3339 on deltas, seconds elsewhere)', () => {
    expect(frameTimeMs({ ts_ms: 1_787_838_983_996, ts: '2000-01-01T00:00:00Z' })).to.equal(1_787_838_983_996);
    expect(frameTimeMs({ ts: '2026-08-27T13:56:23.996443Z' })).to.equal(1_787_838_983_996);
    expect(frameTimeMs({ ts: 1_787_838_990 })).to.equal(1_787_838_990_000);
  });

  it('gives nothing for frames without a usable time (snapshots, positions, garbage)', () => {
    expect(frameTimeMs(undefined)).to.equal(undefined);
    expect(frameTimeMs({ market_ticker: 'A', yes_dollars_fp: [] })).to.equal(undefined);
    expect(frameTimeMs({ ts: 'yesterday' })).to.equal(undefined);
    expect(frameTimeMs({ ts_ms: 1.5 })).to.equal(undefined);
    expect(frameTimeMs({ ts_ms: '1787838983996' })).to.equal(undefined);
    expect(frameTimeMs({ ts_ms: -5 })).to.equal(undefined);
  });
});
