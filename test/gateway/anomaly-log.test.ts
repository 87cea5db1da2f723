import { expect } from 'chai';
import { AnomalyLog } from '../../src/gateway/anomaly-log.js';
import type { RuntimeEvent } from '../../src/log/runtime-event.js';

describe('AnomalyLog', () => {
  it('counts every anomaly but logs only the first ones of a kind, then one in N, with the frame cut short', () => {
    const logged: RuntimeEvent[] = [];
    const log = new AnomalyLog((event) => logged.push(event), 3, 10);
    for (let index = 0; index < 25; index++) log.record('malformed_frame', 'frame is not JSON', `garbage ${index} ${'x'.repeat(400)}`);
    log.record('unknown_type', 'unknown frame type "x"', '{"type":"x"}');
    expect(log.totals()).to.deep.equal({ malformed_frame: 25, unknown_type: 1 });
    expect(logged.map((event) => event.data?.count)).to.deep.equal([1, 2, 3, 10, 20, 1]);
    expect(logged[3]!.message).to.equal('frame is not JSON (10 so far)');
    expect(String(logged[0]!.data?.frame)).to.match(/^garbage 0 x+\.\.\. \(410 chars\)$/);
    expect(String(logged[0]!.data?.frame).length).to.be.below(330);
  });
});
