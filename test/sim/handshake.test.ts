import { expect } from 'chai';
import { authHeaders } from '../../src/protocol/auth.js';
import { AUTH_HEADERS, WS_PATH } from '../../src/protocol/wire.js';
import { SimHarness, TestClient, refusal, testKey } from './sim-client.js';

describe('sim/handshake', () => {
  let harness: SimHarness;

  before(async () => {
    harness = await SimHarness.start({ maxSkewMs: 5000 });
  });

  after(() => harness.close());

  const signed = (nowMs = harness.clock.now()) => authHeaders(testKey().keyId, testKey().privateKey, nowMs);

  it('accepts a correctly signed upgrade on /trade-api/ws/v2 and answers commands', async () => {
    expect(harness.sim.url).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/trade-api\/ws\/v2$/);
    expect(harness.sim.restUrl).to.equal(`http://127.0.0.1:${harness.sim.port}/trade-api/v2`);
    const client = await harness.connect();
    const [reply] = await client.command('list_subscriptions');
    expect(reply).to.deep.include({ type: 'ok', msg: [] });
  });

  for (const missing of Object.values(AUTH_HEADERS)) {
    it(`refuses with 401 when ${missing} is missing`, async () => {
      const headers = signed();
      delete headers[missing];
      const answer = await refusal(harness.sim.url, headers);
      expect(answer).to.deep.equal({ status: 401, body: `missing header ${missing}` });
    });
  }

  it('refuses an unknown key id', async () => {
    const headers = { ...signed(), [AUTH_HEADERS.key]: 'not-a-registered-key' };
    expect(await refusal(harness.sim.url, headers)).to.deep.equal({ status: 401, body: 'unknown key id' });
  });

  it('refuses a signature made with another key, or over another message', async () => {
    const otherKey = testKey(1);
    const foreign = authHeaders(otherKey.keyId, otherKey.privateKey, harness.clock.now());
    const headers = { ...signed(), [AUTH_HEADERS.signature]: foreign[AUTH_HEADERS.signature]! };
    expect(await refusal(harness.sim.url, headers)).to.deep.equal({ status: 401, body: 'bad signature' });
    const wrongPath = authHeaders(testKey().keyId, testKey().privateKey, harness.clock.now(), 'GET', '/trade-api/ws/v1');
    expect(await refusal(harness.sim.url, wrongPath)).to.deep.equal({ status: 401, body: 'bad signature' });
    const garbage = { ...signed(), [AUTH_HEADERS.signature]: 'AAAA' };
    expect(await refusal(harness.sim.url, garbage)).to.deep.equal({ status: 401, body: 'bad signature' });
  });

  it('refuses a timestamp too far from now, including one in seconds', async () => {
    const now = harness.clock.now();
    for (const timestamp of [now - 6000, now + 6000, Math.floor(now / 1000)]) {
      expect(await refusal(harness.sim.url, signed(timestamp))).to.deep.equal({ status: 401, body: 'timestamp too far from now' });
    }
    const client = await TestClient.connect(harness.sim.url, testKey(), now - 4000);
    expect(client.closed).to.equal(false);
    await client.close();
  });

  it('accepts a key registered while running', async () => {
    const late = testKey(1);
    expect(await refusal(harness.sim.url, authHeaders(late.keyId, late.privateKey, harness.clock.now()))).to.have.property('status', 401);
    harness.sim.registerKey(late.keyId, late.publicKeyPem);
    const client = await harness.connect(late);
    const [reply] = await client.command('list_subscriptions');
    expect(reply!.type).to.equal('ok');
  });

  it('answers 404 on any other path', async () => {
    const url = harness.sim.url.replace(WS_PATH, '/trade-api/ws/v3');
    expect(await refusal(url, signed())).to.deep.equal({ status: 404, body: 'unknown path' });
  });

  it('refuses unsigned REST calls with 401 and a JSON reason', async () => {
    const response = await fetch(`${harness.sim.restUrl}/portfolio/events/orders`, { method: 'POST', body: '{}' });
    expect(response.status).to.equal(401);
    expect(await response.json()).to.deep.equal({ code: 'unauthorized', message: `missing header ${AUTH_HEADERS.key}`, details: '' });
  });
});
