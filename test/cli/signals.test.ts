import { expect } from 'chai';
import { nextStopSignal } from '../../src/cli/signals.js';

describe('stop signals', () => {
  it('resolves with the first of SIGINT and SIGTERM, and release removes its handlers', async () => {
    const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    const signal = nextStopSignal();
    expect(process.listenerCount('SIGINT')).to.equal(before.SIGINT + 1);
    expect(process.listenerCount('SIGTERM')).to.equal(before.SIGTERM + 1);
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(await signal.received).to.equal('SIGTERM');
    signal.release();
    expect(process.listenerCount('SIGINT')).to.equal(before.SIGINT);
    expect(process.listenerCount('SIGTERM')).to.equal(before.SIGTERM);
  });
});
