import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { startLogger } from '../../src/log/logger-actor.js';
import { LogProducer } from '../../src/log/producer.js';
import { INTENT_KINDS } from '../../src/strategy/intent.js';
import { jsonLines } from './files.js';
import type { ProducerTask } from './producer-task.js';
import { eventFor, intentFor } from './records.js';

const TASK_EXTENSION = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

/** For each ticker, the sequence numbers in file order. */
function sequencesByTicker(records: Array<Record<string, unknown>>, sequenceOf: (record: Record<string, unknown>) => number): Map<string, number[]> {
  const byTicker = new Map<string, number[]>();
  for (const record of records) {
    const ticker = record['ticker'] as string;
    const sequences = byTicker.get(ticker) ?? [];
    sequences.push(sequenceOf(record));
    byTicker.set(ticker, sequences);
  }
  return byTicker;
}

function range(length: number, step = 1): number[] {
  return Array.from({ length }, (_, index) => index * step);
}

describe('log/logger-actor (real worker threads)', function () {
  this.timeout(60_000);
  let directory: string;
  let intentsFile: string;
  let eventsFile: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-logger-'));
    intentsFile = join(directory, 'logs', 'intents.jsonl');
    eventsFile = join(directory, 'logs', 'events.jsonl');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('takes thousands of records from several ports and threads at once, keeps per-ticker order, loses nothing on stop', async () => {
    // a high-water mark above the burst: this test is about order and loss, the next one about dropping
    const logger = await startLogger({ intentsFile, eventsFile, level: 'info', console: 'off', highWaterMark: 100_000 });
    const producerThreads = new Piscina({
      filename: new URL(`./producer-task.${TASK_EXTENSION}`, import.meta.url).href,
      minThreads: 2,
      maxThreads: 2,
      concurrentTasksPerWorker: 1,
      atomics: 'disabled',
    });
    const intentsPerTicker = 2_000;
    const threadTickers = [
      ['KXTHREADA-26DEC31-T1', 'KXTHREADA-26DEC31-T2'],
      ['KXTHREADB-26DEC31-T1', 'KXTHREADB-26DEC31-T2'],
    ];
    try {
      const threads = threadTickers.map((tickers, index) => {
        const ports = tickers.map(() => logger.connectProducer());
        const task: ProducerTask = { tickers, ports, intentsPerTicker, close: index === 0 };
        return producerThreads.run(task, { transferList: ports });
      });
      // the main thread produces on its own ports meanwhile
      const mainTickers = ['KXMAIN-26DEC31-T1', 'KXMAIN-26DEC31-T2'];
      const mainProducers = mainTickers.map(() => new LogProducer(logger.connectProducer()));
      for (let sequence = 0; sequence < intentsPerTicker; sequence += 1) {
        mainProducers.forEach((producer, index) => {
          producer.intent(intentFor(mainTickers[index]!, sequence));
          if (sequence % 2 === 0) producer.event(eventFor(mainTickers[index]!, sequence));
        });
      }
      const produced = (await Promise.all(threads)).reduce((sum, count) => sum + count, 0);
      // the main thread's records go out with Stop right behind them, on another port:
      // Stop overtakes records still queued on the producer ports
      mainProducers.forEach((producer) => producer.flush());
      const counts = await logger.stop();

      const tickers = [...threadTickers.flat(), ...mainTickers];
      const totalIntents = produced + mainTickers.length * intentsPerTicker;
      expect(totalIntents).to.equal(tickers.length * intentsPerTicker);
      expect(counts).to.deep.equal({ intents: totalIntents, events: totalIntents / 2, fills: 0, dropped: 0 });

      const intents = jsonLines(intentsFile);
      const events = jsonLines(eventsFile);
      expect(intents).to.have.length(totalIntents);
      expect(events).to.have.length(totalIntents / 2);
      const intentOrder = sequencesByTicker(intents, (record) => Number((record['reason'] as string).split(' ')[1]));
      const eventOrder = sequencesByTicker(events, (record) => (record['data'] as { sequence: number }).sequence);
      for (const ticker of tickers) {
        expect(intentOrder.get(ticker), ticker).to.deep.equal(range(intentsPerTicker));
        expect(eventOrder.get(ticker), ticker).to.deep.equal(range(intentsPerTicker / 2, 2));
      }
      for (const intent of intents) {
        expect(INTENT_KINDS).to.include(intent['kind']);
        expect(intent).to.have.keys(['ts', 'ticker', 'kind', 'side', 'action', 'price', 'size', 'reason', ...('prev_price' in intent ? ['prev_price'] : [])]);
      }
      for (const event of events) expect(event).to.have.keys(['ts', 'level', 'kind', 'ticker', 'message', 'data']);
      mainProducers.forEach((producer) => producer.close());
    } finally {
      await producerThreads.destroy();
    }
  });

  it('writes every record posted right before stop (Stop travels on another port than the records)', async () => {
    const logger = await startLogger({ intentsFile, eventsFile, level: 'info', console: 'off', highWaterMark: 1_000_000 });
    const producers = [new LogProducer(logger.connectProducer()), new LogProducer(logger.connectProducer())];
    const perProducer = 20_000;
    for (let sequence = 0; sequence < perProducer; sequence += 1) {
      producers.forEach((producer, index) => producer.intent(intentFor(`KXBURST-26DEC31-T${index}`, sequence)));
    }
    producers.forEach((producer) => producer.close());
    const counts = await logger.stop();
    expect(counts.intents).to.equal(2 * perProducer);
    const order = sequencesByTicker(jsonLines(intentsFile), (record) => Number((record['reason'] as string).split(' ')[1]));
    expect(order.get('KXBURST-26DEC31-T0')).to.deep.equal(range(perProducer));
    expect(order.get('KXBURST-26DEC31-T1')).to.deep.equal(range(perProducer));
  });

  it('still stops cleanly when a producer keeps posting after stop', async () => {
    const logger = await startLogger({ intentsFile, eventsFile, level: 'info', console: 'off' });
    const producer = new LogProducer(logger.connectProducer());
    for (let sequence = 0; sequence < 1_000; sequence += 1) producer.intent(intentFor('KXLATE-26DEC31-T1', sequence));
    producer.flush();
    const stopped = logger.stop();
    let late = 1_000;
    const keepPosting = setInterval(() => {
      producer.intent(intentFor('KXLATE-26DEC31-T1', late));
      late += 1;
      producer.flush();
    }, 1);
    try {
      const counts = await stopped;
      expect(counts.intents).to.be.at.least(1_000);
      const order = sequencesByTicker(jsonLines(intentsFile), (record) => Number((record['reason'] as string).split(' ')[1]));
      expect(order.get('KXLATE-26DEC31-T1')).to.deep.equal(range(counts.intents));
    } finally {
      clearInterval(keepPosting);
      producer.close();
    }
  });

  it('slows producers down and drops events (counted) above its high-water mark, but keeps every intent', async () => {
    const logger = await startLogger({ intentsFile, eventsFile, level: 'debug', console: 'off', highWaterMark: 2 });
    const producer = new LogProducer(logger.connectProducer());
    const records = 20_000;
    for (let sequence = 0; sequence < records; sequence += 1) {
      producer.intent(intentFor('KXA-26DEC31-T1', sequence));
      producer.event(eventFor('KXA-26DEC31-T1', sequence, 'debug'));
      if (sequence % 1_000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    producer.close();
    const counts = await logger.stop();
    expect(counts.intents).to.equal(records);
    expect(counts.dropped).to.be.greaterThan(0);
    expect(counts.events + counts.dropped).to.equal(records);
    expect(jsonLines(intentsFile)).to.have.length(records);
    expect(jsonLines(eventsFile)).to.have.length(counts.events);
  });

  it('fails to start, clearly, when a log file cannot be created', async () => {
    const blocker = join(directory, 'blocker');
    writeFileSync(blocker, '');
    let failure: unknown;
    try {
      await startLogger({ intentsFile: join(blocker, 'intents.jsonl'), eventsFile, level: 'info', console: 'off' });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error).message).to.match(/^logger failed to start: cannot open log file .*blocker\/intents\.jsonl/);
  });

  it('refuses new producers once stopped, and stop is idempotent', async () => {
    const logger = await startLogger({ intentsFile, eventsFile, level: 'info', console: 'off' });
    const stopped = logger.stop();
    expect(() => logger.connectProducer()).to.throw('logger is stopped');
    expect(logger.stop()).to.equal(stopped);
    expect(await stopped).to.deep.equal({ intents: 0, events: 0, fills: 0, dropped: 0 });
  });
});
