import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { loadRecording } from '../../src/replay/recording-reader.js';
import { scanFrame } from '../../src/protocol/frame-scan.js';

describe('scanFrame', () => {
  it('reads type, sid, seq and market_ticker of a delta', () => {
    const text = '{"type":"orderbook_delta","sid":1,"seq":42,"msg":{"market_ticker":"KX-A","price_dollars":"0.4200","delta_fp":"-5.00","side":"yes"}}';
    expect(scanFrame(text)).to.deep.equal({ type: 'orderbook_delta', id: undefined, sid: 1, seq: 42, ticker: 'KX-A' });
  });

  it('agrees with JSON.parse whatever the key order and whitespace', () => {
    const text =
      '{ "msg" : { "market_ticker" : "KX-B", "yes_dollars_fp": [["0.0100","1.00"]] } , "seq" : 7 , "id": 3, "sid" : 2 , "type" : "orderbook_snapshot" }\n';
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

describe('scanFrame, single pass', () => {
  it('reads the id of snapshots (a get_snapshot reply names its command) and of control replies', () => {
    const snapshot = '{"type":"orderbook_snapshot","sid":2,"seq":3,"msg":{"market_ticker":"KX-D","yes_dollars_fp":[]},"id":11}';
    expect(scanFrame(snapshot)).to.deep.equal({ type: 'orderbook_snapshot', id: 11, sid: 2, seq: 3, ticker: 'KX-D' });
    const error = '{"id":5,"type":"error","msg":{"code":6,"msg":"Already subscribed"}}';
    expect(scanFrame(error)).to.deep.equal({ type: 'error', id: 5, sid: undefined, seq: undefined, ticker: undefined });
  });

  it('takes the first occurrence of a key, as a search per key would', () => {
    const text = '{"type":"trade","sid":3,"seq":8,"msg":{"market_ticker":"KX-E","note":"\\"seq\\":99","market_ticker_2":"x"}}';
    expect(scanFrame(text)).to.deep.equal({ type: 'trade', id: undefined, sid: 3, seq: 8, ticker: 'KX-E' });
  });

  it('finds keys after the payload when they come last', () => {
    const text = '{"msg":{"market_ticker":"KX-F","price_dollars":"0.5000","delta_fp":"1.00","side":"no"},"seq":12,"sid":1,"type":"orderbook_delta"}';
    expect(scanFrame(text)).to.deep.equal({ type: 'orderbook_delta', id: undefined, sid: 1, seq: 12, ticker: 'KX-F' });
  });

  it('reads seq and id of unknown types, so the gateway can report them with what they carry', () => {
    const text = '{"type":"brand_new","id":4,"sid":9,"seq":2,"msg":{"market_ticker":"KX-G"}}';
    expect(scanFrame(text)).to.deep.equal({ type: 'brand_new', id: 4, sid: 9, seq: 2, ticker: 'KX-G' });
  });

  it('gives up on an unreadable key the frame type needs, and on negative or huge integers it cannot hold', () => {
    expect(scanFrame('{"type":"orderbook_snapshot","sid":1,"seq":1,"id":"x","msg":{"market_ticker":"KX-H"}}')).to.equal(undefined);
    expect(scanFrame('{"type":"trade","sid":1,"seq":1234567890123456,"msg":{"market_ticker":"KX-H"}}')).to.equal(undefined);
    expect(scanFrame('{"type":"trade","sid":-1,"seq":5,"msg":{"market_ticker":"KX-H"}}')).to.deep.equal({
      type: 'trade',
      id: undefined,
      sid: -1,
      seq: 5,
      ticker: 'KX-H',
    });
  });

  it('agrees with JSON.parse on every frame of the fixture recordings', async () => {
    for (const name of ['sim-current.jsonl.gz', 'sim-legacy-cents.jsonl.gz']) {
      const { entries } = await loadRecording(fileURLToPath(new URL(`../fixtures/recordings/${name}`, import.meta.url)));
      let frames = 0;
      for (const entry of entries) {
        if (entry.kind !== 'frame') continue;
        frames++;
        const parsed = JSON.parse(entry.text) as { type: string; id?: number; sid?: number; seq?: number; msg?: { market_ticker?: string } };
        const header = scanFrame(entry.text);
        expect(header, entry.text).to.not.equal(undefined);
        expect(header!.type).to.equal(parsed.type);
        if (parsed.type === 'subscribed') continue; // its sid is in msg: control replies are parsed in full
        expect(header!.sid).to.equal(parsed.sid);
        expect(header!.ticker).to.equal(parsed.msg?.market_ticker);
        if (header!.seq !== undefined || parsed.type !== 'ticker') expect(header!.seq).to.equal(parsed.seq);
        if (header!.id !== undefined) expect(header!.id).to.equal(parsed.id);
        if (parsed.type === 'orderbook_snapshot' || parsed.type === 'subscribed' || parsed.type === 'ok') expect(header!.id).to.equal(parsed.id);
      }
      expect(frames).to.be.greaterThan(1000);
    }
  });

  it('agrees with JSON.parse on generated frames in any key order, or gives up', () => {
    const key = fc.constantFrom('type', 'id', 'sid', 'seq', 'msg', 'market_ticker', 'ts_ms', 'price_dollars');
    const value = fc.oneof(
      fc.integer({ min: -1000, max: 1_000_000 }),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('orderbook_delta', 'trade', 'ticker', 'orderbook_snapshot', 'ok'),
    );
    const object = fc.dictionary(key, value, { maxKeys: 6 });
    fc.assert(
      fc.property(object, object, fc.boolean(), (top, msg, spaced) => {
        const text = JSON.stringify({ ...top, msg }, undefined, spaced ? 1 : undefined);
        const header = scanFrame(text);
        const parsed = JSON.parse(text) as Record<string, unknown> & { msg: Record<string, unknown> };
        if (header === undefined) return;
        // the scan finds the first occurrence of a key: at the top level only when it comes before msg, or msg lacks it
        const firstOf = (name: string): unknown => {
          const top = Object.keys(parsed).indexOf(name);
          const inMsg = Object.keys(parsed.msg).indexOf(name);
          if (inMsg >= 0 && (top < 0 || Object.keys(parsed).indexOf('msg') < top)) return parsed.msg[name];
          return top >= 0 ? parsed[name] : undefined;
        };
        expect(header.type).to.equal(firstOf('type'));
        expect(header.sid).to.equal(firstOf('sid'));
        expect(header.ticker).to.equal(firstOf('market_ticker'));
        if (header.seq !== undefined) expect(header.seq).to.equal(firstOf('seq'));
        if (header.id !== undefined) expect(header.id).to.equal(firstOf('id'));
      }),
      { numRuns: 2000 },
    );
  });
});
