import { expect } from 'chai';
import fc from 'fast-check';
import { FillRecordError, formatFillRecord, parseFillRecord, toFillRecord } from '../../src/portfolio/fill-record.js';
import { FillError, MAX_TS_MS } from '../../src/portfolio/fill.js';
import type { Fill } from '../../src/portfolio/fill.js';

const FILL: Fill = {
  tsMs: 1_715_793_600_123,
  ticker: 'HIGHNY-22DEC23-B53.5',
  orderId: 'ee587a1c-8b87-4dcf-b721-9f6f790619fa',
  clientOrderId: 'my-order-1',
  side: 'no',
  action: 'sell',
  price: 42,
  count: 27_850,
  feeMicros: 3639,
  isTaker: true,
};

const LINE =
  '{"ts":"2024-05-15T17:20:00.123Z","ticker":"HIGHNY-22DEC23-B53.5","order_id":"ee587a1c-8b87-4dcf-b721-9f6f790619fa",' +
  '"client_order_id":"my-order-1","side":"no","action":"sell","price":"0.4200","count":"278.50","fee":"0.003639","is_taker":true}';

function withField(field: string, value: unknown): string {
  const record: Record<string, unknown> = JSON.parse(LINE);
  record[field] = value;
  return JSON.stringify(record);
}

function without(field: string): string {
  const record: Record<string, unknown> = JSON.parse(LINE);
  delete record[field];
  return JSON.stringify(record);
}

describe('portfolio/fill-record', () => {
  it('writes the journal line with the contract names and encodings, in order', () => {
    expect(toFillRecord(FILL)).to.deep.equal({
      ts: '2024-05-15T17:20:00.123Z',
      ticker: 'HIGHNY-22DEC23-B53.5',
      order_id: 'ee587a1c-8b87-4dcf-b721-9f6f790619fa',
      client_order_id: 'my-order-1',
      side: 'no',
      action: 'sell',
      price: '0.4200',
      count: '278.50',
      fee: '0.003639',
      is_taker: true,
    });
    expect(formatFillRecord(FILL)).to.equal(LINE);
  });

  it('writes null for a missing client order id and a zero fee at 6 decimals', () => {
    const { clientOrderId: _, ...rest } = FILL;
    const record = toFillRecord({ ...rest, feeMicros: 0, isTaker: false, price: 1, count: 1 });
    expect(record).to.include({ client_order_id: null, fee: '0.000000', is_taker: false, price: '0.0100', count: '0.01' });
  });

  it('reads a line back to the same fill', () => {
    expect(parseFillRecord(LINE)).to.deep.equal(FILL);
    const noClient = withField('client_order_id', null);
    const parsed = parseFillRecord(noClient);
    expect(parsed).to.not.have.property('clientOrderId');
    expect(formatFillRecord(parsed)).to.equal(noClient);
  });

  it('round-trips any fill, and any line it writes', () => {
    const anyFill = fc.record(
      {
        tsMs: fc.integer({ min: 0, max: MAX_TS_MS }),
        ticker: fc.string({ minLength: 1, maxLength: 30 }),
        orderId: fc.string({ minLength: 1, maxLength: 40 }),
        clientOrderId: fc.string({ maxLength: 20 }),
        side: fc.constantFrom<'yes' | 'no'>('yes', 'no'),
        action: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        price: fc.integer({ min: 1, max: 99 }),
        count: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        feeMicros: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        isTaker: fc.boolean(),
      },
      { requiredKeys: ['tsMs', 'ticker', 'orderId', 'side', 'action', 'price', 'count', 'feeMicros', 'isTaker'] },
    );
    fc.assert(
      fc.property(anyFill, (fill) => {
        const line = formatFillRecord(fill);
        const back = parseFillRecord(line);
        expect(back).to.deep.equal(fill);
        expect(formatFillRecord(back)).to.equal(line);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses what is not one JSON object', () => {
    expect(() => parseFillRecord('')).to.throw(FillRecordError, /not JSON/);
    expect(() => parseFillRecord('{"ts":')).to.throw(FillRecordError, /not JSON/);
    expect(() => parseFillRecord('[]')).to.throw(FillRecordError, /JSON object/);
    expect(() => parseFillRecord('null')).to.throw(FillRecordError, /JSON object/);
    expect(() => parseFillRecord('"x"')).to.throw(FillRecordError, /JSON object/);
    expect(() => parseFillRecord(undefined as unknown as string)).to.throw(FillRecordError, /line of text/);
  });

  it('refuses missing and unknown fields', () => {
    for (const field of ['ts', 'ticker', 'order_id', 'client_order_id', 'side', 'action', 'price', 'count', 'fee', 'is_taker']) {
      expect(() => parseFillRecord(without(field)), field).to.throw(FillRecordError, new RegExp(`missing field ${field}`));
    }
    expect(() => parseFillRecord(withField('trade_id', 'x'))).to.throw(FillRecordError, /unknown field "trade_id"/);
  });

  it('refuses each field in anything but its canonical form', () => {
    const cases: [string, unknown, RegExp][] = [
      ['ts', '2024-05-15T17:20:00Z', /ts must be an ISO-8601/],
      ['ts', '2024-05-15T17:20:00.123+00:00', /ts must be an ISO-8601/],
      ['ts', '2024-02-30T17:20:00.123Z', /ts must be a valid/],
      ['ts', 1_715_793_600_123, /ts must be/],
      ['ticker', '', /ticker must be a non-empty string/],
      ['order_id', 12, /order_id must be a non-empty string, got 12/],
      ['client_order_id', 5, /client_order_id must be a string or null/],
      ['side', 'YES', /side must be "yes" or "no"/],
      ['action', 'sell_to_close', /action must be "buy" or "sell"/],
      ['price', '0.42', /price must be a 4-decimal/],
      ['price', 0.42, /price must be a 4-decimal/],
      ['price', '0.4250', /price must be a 4-decimal/],
      ['price', '0.0000', /price must be a 4-decimal/],
      ['price', '1.0000', /price must be a 4-decimal/],
      ['count', '278.5', /count must be a positive 2-decimal/],
      ['count', '0.00', /count must be a positive 2-decimal/],
      ['count', '-1.00', /count must be a positive 2-decimal/],
      ['count', '1.001', /count must be a positive 2-decimal/],
      ['fee', '0.0036', /fee must be a non-negative 6-decimal/],
      ['fee', '-0.000001', /fee must be a non-negative 6-decimal/],
      ['fee', 'free', /fee must be a non-negative 6-decimal/],
      ['is_taker', 'true', /is_taker must be a boolean/],
    ];
    for (const [field, value, pattern] of cases) {
      expect(() => parseFillRecord(withField(field, value)), `${field}=${JSON.stringify(value)}`).to.throw(FillRecordError, pattern);
    }
  });

  it('refuses to write a fill that is not valid', () => {
    expect(() => toFillRecord({ ...FILL, price: 0 })).to.throw(FillError, /price/);
    expect(() => toFillRecord({ ...FILL, tsMs: MAX_TS_MS + 1 })).to.throw(FillError, /tsMs/);
  });
});
