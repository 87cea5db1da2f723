import { expect } from 'chai';
import { once } from 'node:events';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LogProducer } from '../../src/log/producer.js';
import { toIntentRecord } from '../../src/log/intent-record.js';
import type { LoggerNotice, RecordsPosted } from '../../src/log/messages.js';
import { eventFor, intentFor } from './records.js';

/** Every post waiting on the logger's end of the channel. */
function posted(port: MessagePort): RecordsPosted[] {
  const messages: RecordsPosted[] = [];
  for (let queued = receiveMessageOnPort(port); queued !== undefined; queued = receiveMessageOnPort(port)) {
    messages.push(queued.message as RecordsPosted);
  }
  return messages;
}

/**
 * Sends a notice from the logger's end and waits until the producer's port delivered it
 * (the producer's own listener, registered first, has run by then).
 */
async function notify(loggerEnd: MessagePort, producerEnd: MessagePort, notice: LoggerNotice): Promise<void> {
  const delivered = once(producerEnd, 'message');
  loggerEnd.postMessage(notice);
  await delivered;
}

describe('log/producer', () => {
  let channel: MessageChannel;
  let producer: LogProducer;

  beforeEach(() => {
    channel = new MessageChannel();
    producer = new LogProducer(channel.port2);
  });
  afterEach(() => {
    producer.close();
    channel.port1.close();
  });

  it('serializes intents as the intent record and batches one turn into one post', async () => {
    producer.intent(intentFor('KXA-1', 0));
    producer.intent(intentFor('KXA-1', 1));
    producer.event(eventFor('KXA-1', 2));
    expect(posted(channel.port1)).to.deep.equal([]); // nothing before the turn ends
    await nextTurn();
    const messages = posted(channel.port1);
    expect(messages).to.have.length(1);
    expect(messages[0]!.droppedByProducer).to.equal(0);
    expect(messages[0]!.records).to.deep.equal([
      { stream: 'intent', level: 'info', line: JSON.stringify(toIntentRecord(intentFor('KXA-1', 0))) },
      { stream: 'intent', level: 'info', line: JSON.stringify(toIntentRecord(intentFor('KXA-1', 1))) },
      { stream: 'event', level: 'info', line: JSON.stringify(eventFor('KXA-1', 2)) },
    ]);
    expect(JSON.parse(messages[0]!.records[1]!.line)).to.include({ price: '0.0200', size: '5.00', prev_price: '0.4200' });
  });

  it('posts at once when 256 records wait, keeping their order', () => {
    for (let sequence = 0; sequence < 600; sequence += 1) producer.intent(intentFor('KXA-1', sequence));
    const messages = posted(channel.port1);
    expect(messages.map((message) => message.records.length)).to.deep.equal([256, 256]);
    producer.flush();
    const all = [...messages, ...posted(channel.port1)].flatMap((message) => message.records);
    expect(all.map((record) => (JSON.parse(record.line) as { reason: string }).reason)).to.deep.equal(
      Array.from({ length: 600 }, (_, sequence) => `sequence ${sequence}`),
    );
  });

  it('flush posts what is batched now; an empty flush posts nothing', () => {
    producer.flush();
    expect(posted(channel.port1)).to.deep.equal([]);
    producer.intent(intentFor('KXA-1', 0));
    producer.flush();
    expect(posted(channel.port1)).to.have.length(1);
  });

  it('skips events below the level the logger sets', async () => {
    await notify(channel.port1, channel.port2, { type: 'set_level', level: 'warn' });
    producer.event(eventFor('KXA-1', 0, 'debug'));
    producer.event(eventFor('KXA-1', 1, 'info'));
    producer.event(eventFor('KXA-1', 2, 'warn'));
    producer.event(eventFor('KXA-1', 3, 'error'));
    producer.intent(intentFor('KXA-1', 4));
    producer.flush();
    const [message] = posted(channel.port1);
    expect(message!.records.map((record) => record.level)).to.deep.equal(['warn', 'error', 'info']);
    expect(message!.droppedByProducer).to.equal(0);
  });

  it('while slowed down drops info and debug events (counted), never intents, warnings or errors', async () => {
    await notify(channel.port1, channel.port2, { type: 'slow_down' });
    producer.event(eventFor('KXA-1', 0, 'debug'));
    producer.event(eventFor('KXA-1', 1, 'info'));
    producer.event(eventFor('KXA-1', 2, 'warn'));
    producer.intent(intentFor('KXA-1', 3));
    producer.flush();
    const [slowed] = posted(channel.port1);
    expect(slowed!.records.map((record) => record.stream + ':' + record.level)).to.deep.equal(['event:warn', 'intent:info']);
    expect(slowed!.droppedByProducer).to.equal(2);

    await notify(channel.port1, channel.port2, { type: 'resume' });
    producer.event(eventFor('KXA-1', 4, 'info'));
    producer.flush();
    const [resumed] = posted(channel.port1);
    expect(resumed!.records).to.have.length(1);
    expect(resumed!.droppedByProducer).to.equal(0);
  });

  it('close flushes then closes the port; a record after close is an error', async () => {
    producer.intent(intentFor('KXA-1', 0));
    const closed = new Promise((resolve) => channel.port1.once('close', resolve));
    producer.close();
    expect(posted(channel.port1)).to.have.length(1);
    await closed;
    expect(() => producer.intent(intentFor('KXA-1', 1))).to.throw(/record after close/);
    producer.close(); // closing twice is harmless
  });

  it('drops records quietly once the logger has closed its end', async () => {
    const closed = new Promise((resolve) => channel.port2.once('close', resolve));
    channel.port1.close();
    await closed;
    expect(() => producer.intent(intentFor('KXA-1', 0))).to.not.throw();
    producer.flush();
  });
});
