import { expect } from 'chai';
import { SequenceTracker } from '../../../src/adapters/kalshi/sequence-tracker.js';

describe('SequenceTracker', () => {
  it('anchors on the first frame of a sid, whatever its seq', () => {
    const tracker = new SequenceTracker();
    expect(tracker.observe(1, 5).kind).to.equal('anchored');
    expect(tracker.observe(1, 6).kind).to.equal('in_order');
    expect(tracker.lastSeq(1)).to.equal(6);
  });

  it('keeps one counter per sid: interleaved sids are no gap', () => {
    const tracker = new SequenceTracker();
    tracker.observe(1, 1);
    tracker.observe(2, 1);
    expect(tracker.observe(1, 2).kind).to.equal('in_order');
    expect(tracker.observe(2, 2).kind).to.equal('in_order');
  });

  it('reports a gap with the expected and received seq, and re-anchors on it', () => {
    const tracker = new SequenceTracker();
    tracker.observe(1, 1);
    expect(tracker.observe(1, 4)).to.deep.equal({ kind: 'gap', expected: 2, received: 4 });
    expect(tracker.observe(1, 5).kind).to.equal('in_order');
  });

  it('ignores duplicates and regressions without moving the counter', () => {
    const tracker = new SequenceTracker();
    tracker.observe(1, 10);
    expect(tracker.observe(1, 10)).to.deep.equal({ kind: 'duplicate', last: 10 });
    expect(tracker.observe(1, 3)).to.deep.equal({ kind: 'duplicate', last: 10 });
    expect(tracker.observe(1, 11).kind).to.equal('in_order');
  });

  it('counts control replies in the same stream (ok at 3, snapshot at 4 is in order)', () => {
    const tracker = new SequenceTracker();
    tracker.observe(1, 1); // snapshot
    tracker.observe(1, 2); // delta
    expect(tracker.observe(1, 3).kind).to.equal('in_order'); // ok reply
    expect(tracker.observe(1, 4).kind).to.equal('in_order'); // get_snapshot snapshot
  });

  it('forgets a sid, and a new connection starts from nothing', () => {
    const tracker = new SequenceTracker();
    tracker.observe(1, 50);
    tracker.forget(1);
    expect(tracker.observe(1, 1).kind).to.equal('anchored');
    const next = new SequenceTracker();
    expect(next.observe(1, 1).kind).to.equal('anchored');
  });
});
