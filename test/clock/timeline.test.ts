import { expect } from 'chai';
import sinon from 'sinon';
import { WallClock } from '../../src/clock/clock.js';

describe('clock/timeline: the wall implementation', () => {
  let fake: sinon.SinonFakeTimers;
  beforeEach(() => {
    fake = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => fake.restore());

  it('handles frames at once and fires deadlines on the wall clock', () => {
    const timeline = new WallClock({ now: () => Date.now() });
    const seen: string[] = [];
    timeline.atFrame(5, () => seen.push(`frame at ${timeline.now()}`));
    timeline.setTimer(1_006_000, () => seen.push(`ttl at ${timeline.now()}`));
    const cleared = timeline.setTimer(1_003_000, () => seen.push('cleared'));
    timeline.clearTimer(cleared);
    timeline.setTimer(900_000, () => seen.push(`overdue at ${timeline.now()}`));
    fake.tick(5_999);
    expect(seen).to.deep.equal(['frame at 1000000', 'overdue at 1000001']);
    fake.tick(1);
    expect(seen.at(-1)).to.equal('ttl at 1006000');
  });
});
