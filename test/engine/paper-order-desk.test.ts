import { expect } from 'chai';
import type { Intent } from '../../src/strategy/intent.js';
import { orderPlan, PaperOrderDesk } from '../../src/engine/paper-order-desk.js';
import type { RuntimeEvent } from '../../src/log/runtime-event.js';
import { parseRsaPrivateKey } from '../../src/protocol/auth.js';
import { generateKeyPair, startSimulator } from '../../src/sim/index.js';

const intent = (fields: Partial<Intent>): Intent => ({
  tsMs: 0, ticker: 'KXTEST-26DEC31-T1', kind: 'quote', side: 'yes', action: 'buy', price: 40, size: 500, reason: 'test', ...fields,
});

describe('PaperOrderDesk', () => {
  it('quotes everything on the YES leg: buying NO at q is an ask at 100 - q', () => {
    expect(orderPlan(intent({ side: 'yes', action: 'buy', price: 43 }))).to.deep.equal({ side: 'bid', price: 43 });
    expect(orderPlan(intent({ side: 'no', action: 'buy', price: 54 }))).to.deep.equal({ side: 'ask', price: 46 });
    expect(orderPlan(intent({ side: 'yes', action: 'sell', price: 45 }))).to.deep.equal({ side: 'ask', price: 45 });
    expect(orderPlan(intent({ side: 'no', action: 'sell', price: 60 }))).to.deep.equal({ side: 'bid', price: 40 });
  });

  it('rests a signed post-only order at the simulator and cancels it again', async () => {
    const ticker = 'KXTEST-26DEC31-T1';
    const simulator = await startSimulator({ tickers: [ticker], seed: 3, autoRun: false, pingIntervalMs: 0 });
    try {
      const key = generateKeyPair();
      simulator.registerKey(key.keyId, key.publicKeyPem);
      const events: RuntimeEvent[] = [];
      const desk = new PaperOrderDesk(simulator.restUrl, key.keyId, parseRsaPrivateKey(key.privateKeyPem), (event) => events.push(event), { now: () => Date.now() });
      const book = simulator.bookSnapshot(ticker);
      const bestYes = book.yes.at(-1)!;
      const price = bestYes[0] - 1;
      const sizeAt = (): number => simulator.bookSnapshot(ticker).yes.find(([level]) => level === price)?.[1] ?? 0;
      const before = sizeAt();
      desk.submit([intent({ ticker, price, size: 700 })]);
      await desk.drain();
      expect(sizeAt()).to.equal(before + 700);
      desk.submit([intent({ ticker, kind: 'cancel', price, size: 700 })]);
      await desk.drain();
      expect(sizeAt()).to.equal(before);
      expect(events.filter((event) => event.kind === 'paper_order_failed')).to.deep.equal([]);
    } finally {
      await simulator.close();
    }
  });
});
