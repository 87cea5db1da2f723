import { expect } from 'chai';
import fc from 'fast-check';
import { formatEventJson, type LogEvent } from '../../src/log/log-event.js';

const TICKER_MSG = {
  market_ticker: 'KXA-26DEC31-T1',
  price_dollars: '0.4300',
  yes_bid_dollars: '0.4200',
  yes_ask_dollars: '0.4400',
  volume_fp: '1200.00',
  note: 'quote "}{" and \\ and \u00e9',
  ts: 1_800_000_000,
};
const TRADE_MSG = {
  trade_id: 't-1',
  market_ticker: 'KXA-26DEC31-T1',
  yes_price_dollars: '0.4300',
  no_price_dollars: '0.5700',
  count_fp: '5.00',
  taker_side: 'yes',
  ts: 1_800_000_000,
};

const eventWith = (kind: string, data: Record<string, unknown>): LogEvent => ({
  ts: '2027-01-15T08:00:00.000Z',
  level: 'info',
  kind,
  ticker: 'KXA-26DEC31-T1',
  message: `a "${kind}" update`,
  data,
});

describe('log/log-event', () => {
  it('writes an event without dataJson exactly as JSON.stringify did', () => {
    const event = eventWith('ticker', TICKER_MSG);
    expect(formatEventJson(event)).to.equal(JSON.stringify(event));
  });

  for (const [kind, msg] of [
    ['ticker', TICKER_MSG],
    ['trade', TRADE_MSG],
  ] as const) {
    it(`writes a ${kind} event with dataJson as the same line as before (same bytes for compact text, the same object otherwise)`, () => {
      const before = eventWith(kind, msg);
      const compact = formatEventJson({ ...before, dataJson: JSON.stringify(msg) });
      expect(compact).to.equal(JSON.stringify(before));
      const spaced = formatEventJson({ ...before, dataJson: JSON.stringify(msg, null, 1) });
      expect(JSON.parse(spaced)).to.deep.equal(JSON.parse(JSON.stringify(before)));
    });
  }

  it('leaves out an absent ticker, as JSON.stringify did', () => {
    const { ticker: _ticker, ...event } = eventWith('trade', TRADE_MSG);
    const line = formatEventJson({ ...event, dataJson: JSON.stringify(TRADE_MSG) });
    expect(line).to.equal(JSON.stringify(event));
    expect(JSON.parse(line)).to.not.have.property('ticker');
  });

  it('gives the same object as serializing data, for any data and message (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (data, message) => {
        const event: LogEvent = { ts: '2027-01-15T08:00:00.000Z', level: 'info', kind: 'trade', ticker: 'T', message, data };
        expect(JSON.parse(formatEventJson({ ...event, dataJson: JSON.stringify(data) }))).to.deep.equal(JSON.parse(JSON.stringify(event)));
      }),
    );
  });
});
