import { expect } from 'chai';
import { scanFrame } from '../../src/gateway/frame-scan.js';

describe('scanFrame', () => {
  it('reads type, sid, seq and market_ticker of a delta', () => {
    const text = '{"type":"orderbook_delta","sid":1,"seq":42,"msg":{"market_ticker":"KX-A","price_dollars":"0.4200","delta_fp":"-5.00","side":"yes"}}';
    expect(scanFrame(text)).to.deep.equal({ type: 'orderbook_delta', id: undefined, sid: 1, seq: 42, ticker: 'KX-A' });
  });

  it('agrees with JSON.parse whatever the key order and whitespace', () => {
    const text = '{ "msg" : { "market_ticker" : "KX-B", "yes_dollars_fp": [["0.0100","1.00"]] } , "seq" : 7 , "id": 3, "sid" : 2 , "type" : "orderbook_snapshot" }\n';
    expect(scanFrame(text)).to.deep.equal({ type: 'orderbook_snapshot', id: 3, sid: 2, seq: 7, ticker: 'KX-B' });
  });

  it('does not take market_tickers (plural) or *_type keys for the fields it reads', () => {
    const text = '{"type":"ok","id":2,"sid":1,"seq":9,"msg":{"market_tickers":["A","B"],"event_type":"created"}}';
    expect(scanFrame(text)).to.deep.equal({ type: 'ok', id: 2, sid: 1, seq: 9, ticker: undefined });
  });

  it('reports frames without a sequence (ticker, fill) with sid only', () => {
    const text = '{"type":"ticker","sid":4,"msg":{"market_ticker":"KX-C","yes_bid_dollars":"0.4100"}}';
    expect(scanFrame(text)).to.deep.equal({ type: 'ticker', id: undefined, sid: 4, seq: undefined, ticker: 'KX-C' });
  });

  it('gives up on what it cannot read with certainty', () => {
    expect(scanFrame('not json at all')).to.equal(undefined);
    expect(scanFrame('{"type":"orderbook_delta","sid":1,"seq":4')).to.equal(undefined); // truncated
    expect(scanFrame('{"sid":1,"seq":4}')).to.equal(undefined); // no type
    expect(scanFrame('{"type":7}')).to.equal(undefined); // type not a string
    expect(scanFrame('{"type":"trade","sid":1,"seq":"4"}')).to.equal(undefined); // seq not a number
    expect(scanFrame('{"type":"trade","sid":1,"seq":4.5}')).to.equal(undefined); // seq not an integer
    expect(scanFrame('{"type":"tr\\"ade","sid":1}')).to.equal(undefined); // escaped string
    expect(scanFrame('[1,2]')).to.equal(undefined);
  });
});
