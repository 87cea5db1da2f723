import { expect } from 'chai';
import type { ActorCommand } from '../../src/actors/messages.js';
import { ActorOutbox } from '../../src/actors/actor-outbox.js';

/** `posted` holds the messages without their receipt stamp; `stamps` the stamps of the batches, in order. */
function harness(options: { maxBatch: number; maxOutstanding: number; resumeBelow: number }) {
  const posted: ActorCommand[] = [];
  const stamps: Array<number | undefined> = [];
  const deferred: Array<() => void> = [];
  const clock = { nowMs: 1_000 };
  const record = (message: ActorCommand): void => {
    if (message.kind !== 'DeliverFrames') {
      posted.push(message);
      return;
    }
    const { receivedAt, ...rest } = message;
    stamps.push(receivedAt);
    posted.push(rest);
  };
  const outbox = new ActorOutbox({ postMessage: record }, { ...options, defer: (flush) => deferred.push(flush), now: () => clock.nowMs });
  const endTurn = (): void => {
    for (const flush of deferred.splice(0)) flush();
  };
  return { posted, stamps, clock, outbox, endTurn };
}

describe('ActorOutbox', () => {
  it('stamps each batch with the receipt time of its first frame (decision latency is measured from it)', () => {
    const { stamps, clock, outbox, endTurn } = harness({ maxBatch: 2, maxOutstanding: 1000, resumeBelow: 10 });
    outbox.push('a');
    clock.nowMs = 1_000.25;
    outbox.push('b'); // fills the first batch: posted at once
    outbox.push('c');
    clock.nowMs = 1_000.5;
    outbox.push('d');
    clock.nowMs = 1_002;
    outbox.push('e');
    endTurn();
    expect(stamps).to.deep.equal([1_000, 1_000.25, 1_002]);
  });

  it('batches the frames of one turn into one post', () => {
    const { posted, outbox, endTurn } = harness({ maxBatch: 100, maxOutstanding: 1000, resumeBelow: 10 });
    outbox.push('a');
    outbox.push('b');
    outbox.push('c');
    expect(posted).to.deep.equal([]);
    endTurn();
    expect(posted).to.deep.equal([{ kind: 'DeliverFrames', frames: ['a', 'b', 'c'] }]);
  });

  it('posts a full batch at once, without waiting for the turn to end', () => {
    const { posted, outbox, endTurn } = harness({ maxBatch: 2, maxOutstanding: 1000, resumeBelow: 10 });
    for (const frame of ['a', 'b', 'c', 'd', 'e']) outbox.push(frame);
    expect(posted).to.deep.equal([
      { kind: 'DeliverFrames', frames: ['a', 'b'] },
      { kind: 'DeliverFrames', frames: ['c', 'd'] },
    ]);
    endTurn();
    expect(posted.at(-1)).to.deep.equal({ kind: 'DeliverFrames', frames: ['e'] });
  });

  it('keeps a command after the frames queued before it', () => {
    const { posted, outbox } = harness({ maxBatch: 100, maxOutstanding: 1000, resumeBelow: 10 });
    outbox.push('a');
    outbox.command({ kind: 'MarkStale', tickers: ['T'], reason: 'sequence_gap' });
    expect(posted).to.deep.equal([
      { kind: 'DeliverFrames', frames: ['a'] },
      { kind: 'MarkStale', tickers: ['T'], reason: 'sequence_gap' },
    ]);
  });

  it('refuses frames past the credit bound and resumes once the actor has caught up', () => {
    const { outbox, endTurn } = harness({ maxBatch: 10, maxOutstanding: 5, resumeBelow: 2 });
    for (let index = 0; index < 5; index++) expect(outbox.push(`f${index}`)).to.equal('queued');
    expect(outbox.push('f5')).to.equal('refused');
    expect(outbox.overloaded).to.equal(true);
    endTurn();
    expect(outbox.acknowledge(2)).to.equal(false); // 3 outstanding: still above 2
    expect(outbox.push('late')).to.equal('refused');
    expect(outbox.acknowledge(1)).to.equal(true); // drained
    expect(outbox.overloaded).to.equal(false);
    expect(outbox.push('again')).to.equal('queued');
    expect(outbox.outstanding).to.equal(3);
  });

  it('posts nothing after close', () => {
    const { posted, outbox, endTurn } = harness({ maxBatch: 100, maxOutstanding: 1000, resumeBelow: 10 });
    outbox.push('a');
    outbox.close();
    endTurn();
    outbox.command({ kind: 'MarkStale', tickers: ['T'], reason: 'disconnected' });
    expect(outbox.push('b')).to.equal('refused');
    expect(posted).to.deep.equal([]);
  });
});
