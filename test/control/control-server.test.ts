import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlConfigError, startControlServer } from '../../src/control/control-server.js';
import type { ControlServer, ControlServerOptions } from '../../src/control/control-server.js';
import { FakeStateSource, RecordingActions, RecordingLog, stateAt, tickerOf } from './fake-engine.js';
import { json, request } from './http.js';

const TOKEN = 'server-test-token-abcdefghij';

describe('control server', () => {
  let dir: string;
  let source: FakeStateSource;
  let actions: RecordingActions;
  let log: RecordingLog;
  let server: ControlServer | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'control-server-'));
    source = new FakeStateSource({ markets: 4 });
    actions = new RecordingActions();
    log = new RecordingLog();
    server = undefined;
  });
  afterEach(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(options: Partial<ControlServerOptions> = {}): Promise<ControlServer> {
    server = await startControlServer({ port: 0, token: TOKEN, source, actions, log: log.log, uiDir: join(dir, 'no-page'), ...options });
    return server;
  }

  describe('configuration', () => {
    it('binds 127.0.0.1 by default on a free port and says its URL', async () => {
      const s = await start();
      expect(s.host).to.equal('127.0.0.1');
      expect(s.port).to.be.above(0);
      expect(s.url).to.equal(`http://127.0.0.1:${s.port}/`);
      expect((await request(`${s.url}api/state`)).status).to.equal(200);
    });

    it('refuses a non-loopback host without a token, before listening', async () => {
      for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
        const error = await start({ host, token: '', tokenFile: join(dir, 'token') }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, host).to.be.instanceOf(ControlConfigError);
        expect((error as Error).message).to.contain(`control.host ${host} is not loopback`);
      }
      expect(server).to.equal(undefined);
      // and wrote no token for it
      expect(
        await stat(join(dir, 'token')).then(
          () => true,
          () => false,
        ),
      ).to.equal(false);
    });

    it('refuses invalid ports, short tokens, a missing token file and silly event rates', async () => {
      const cases: Array<[Partial<ControlServerOptions>, RegExp]> = [
        [{ port: -1 }, /control\.port/],
        [{ port: 70000 }, /control\.port/],
        [{ port: 1.5 }, /control\.port/],
        [{ token: 'short' }, /at least 16/],
        [{ token: '' }, /no token file/],
        [{ eventsPerSecond: 0 }, /events per second/],
        [{ eventsPerSecond: 1000 }, /events per second/],
      ];
      for (const [options, message] of cases) {
        const error = await start(options).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, JSON.stringify(options)).to.be.instanceOf(ControlConfigError);
        expect((error as Error).message).to.match(message);
      }
    });

    it('generates a token when none is configured, writes it 0600 and returns it', async () => {
      const tokenFile = join(dir, 'run', 'control.token');
      const s = await start({ token: '', tokenFile });
      expect(s.tokenFile).to.equal(tokenFile);
      expect(s.token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(await readFile(tokenFile, 'utf8')).to.equal(`${s.token}\n`);
      expect((await stat(tokenFile)).mode & 0o777).to.equal(0o600);
      const reply = await request(`${s.url}api/pause`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` } });
      expect(reply.status).to.equal(200);
      expect(log.events.some((e) => e.message.includes(`token in ${tokenFile}`))).to.equal(true);
      expect(log.events.some((e) => e.message.includes(s.token))).to.equal(false);
    });

    it('says clearly when the port is taken', async () => {
      const first = await start();
      const error = await startControlServer({ port: first.port, token: TOKEN, source, actions, log: log.log }).then(
        async (s) => {
          await s.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ControlConfigError);
      expect((error as Error).message).to.contain(`cannot listen on 127.0.0.1:${first.port}`);
    });
  });

  describe('actions', () => {
    it('answers 401 with a JSON error and performs nothing without the token or with a wrong one', async () => {
      const s = await start();
      for (const headers of [
        {} as Record<string, string>,
        { authorization: 'Bearer wrong-token-wrong-token' },
        { authorization: `Basic ${TOKEN}` },
        { authorization: `Bearer ${TOKEN}0` },
      ]) {
        for (const action of ['pause', 'resume', 'flatten', 'kill']) {
          const reply = await request(`${s.url}api/${action}?ticker=${tickerOf(1)}`, { method: 'POST', headers });
          expect(reply.status, `${action} ${JSON.stringify(headers)}`).to.equal(401);
          expect(reply.headers['content-type']).to.match(/^application\/json/);
          expect(reply.headers['www-authenticate']).to.match(/^Bearer/);
          expect(json(reply)).to.deep.equal({ ok: false, error: 'missing or wrong bearer token' });
        }
      }
      expect(actions.calls).to.deep.equal([]);
      const refused = log.events.filter((e) => e.message.includes('refused'));
      expect(refused).to.have.length(16);
      expect(refused[0]!.data?.['who']).to.match(/^127\.0\.0\.1:\d+ \(no user agent\)$/);
    });

    it('performs the action once with the ticker and who asked, and logs both ends', async () => {
      const s = await start();
      actions.answer = { ok: true, message: 'paused 1 market' };
      const reply = await request(`${s.url}api/pause?ticker=${tickerOf(2)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'user-agent': 'ops-console/1.0' },
      });
      expect(reply.status).to.equal(200);
      expect(json(reply)).to.deep.equal({ ok: true, action: 'pause', ticker: tickerOf(2), message: 'paused 1 market' });
      expect(actions.calls).to.have.length(1);
      expect(actions.calls[0]!.action).to.equal('pause');
      expect(actions.calls[0]!.ticker).to.equal(tickerOf(2));
      expect(actions.calls[0]!.who).to.match(/^127\.0\.0\.1:\d+ \(ops-console\/1\.0\)$/);
      const entries = log.events.filter((e) => e.data?.['action'] === 'pause');
      expect(entries.map((e) => e.message)).to.deep.equal([
        `pause ${tickerOf(2)} requested by ${actions.calls[0]!.who}`,
        `pause ${tickerOf(2)}: done: paused 1 market`,
      ]);
      expect(entries.every((e) => e.ticker === tickerOf(2))).to.equal(true);
    });

    it('without a ticker the action is for every market', async () => {
      const s = await start();
      const reply = await request(`${s.url}api/kill`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(reply.status).to.equal(200);
      expect(json(reply)['ticker']).to.equal(null);
      expect(actions.calls.map((c) => [c.action, c.ticker])).to.deep.equal([['kill', undefined]]);
    });

    it('refuses unknown and malformed tickers, more than one ticker, and GET, performing nothing', async () => {
      const s = await start();
      const auth = { authorization: `Bearer ${TOKEN}` };
      const cases: Array<[string, string, number, RegExp]> = [
        ['POST', 'api/flatten?ticker=KXNOPE-1', 404, /no configured market KXNOPE-1/],
        ['POST', 'api/flatten?ticker=', 400, /not a ticker/],
        ['POST', 'api/flatten?ticker=%3Cscript%3E', 400, /not a ticker/],
        ['POST', `api/flatten?ticker=${tickerOf(0)}&ticker=${tickerOf(1)}`, 400, /at most one ticker/],
        ['GET', 'api/kill', 405, /takes POST/],
        ['POST', 'api/explode', 404, /no route/],
      ];
      for (const [method, path, status, message] of cases) {
        const reply = await request(`${s.url}${path}`, { method, headers: auth });
        expect(reply.status, path).to.equal(status);
        expect(String(json(reply)['error'])).to.match(message);
      }
      expect(actions.calls).to.deep.equal([]);
    });

    it('passes on a refusal by the engine as 409, and a failure as 500, logging each', async () => {
      const s = await start();
      actions.answer = { ok: false, message: 'already halted' };
      const refused = await request(`${s.url}api/resume`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(refused.status).to.equal(409);
      expect(json(refused)).to.include({ ok: false, message: 'already halted' });
      actions.perform = async () => {
        throw new Error('execution actor unreachable');
      };
      const failed = await request(`${s.url}api/flatten`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(failed.status).to.equal(500);
      expect(json(failed)['error']).to.equal('execution actor unreachable');
      expect(log.events.some((e) => e.level === 'warn' && e.message === 'resume all markets: not done: already halted')).to.equal(true);
      expect(log.events.some((e) => e.level === 'error' && e.message === 'flatten all markets failed: execution actor unreachable')).to.equal(true);
    });
  });

  describe('reads', () => {
    it('GET /api/state is the sample as JSON', async () => {
      const s = await start();
      source.step = 4;
      const reply = await request(`${s.url}api/state`);
      expect(reply.status).to.equal(200);
      expect(reply.headers['cache-control']).to.equal('no-store');
      expect(JSON.parse(reply.body)).to.deep.equal(stateAt(4, 4));
    });

    it('a broken sampler gives 500 with its message, not a crash', async () => {
      const s = await start();
      source.failure = new Error('sampler gone');
      const reply = await request(`${s.url}api/state`);
      expect(reply.status).to.equal(500);
      expect(json(reply)['error']).to.contain('sampler gone');
      source.failure = undefined;
      expect((await request(`${s.url}api/state`)).status).to.equal(200);
    });

    it('refuses a Host header that is not a loopback name (DNS rebinding)', async () => {
      const s = await start();
      const rebound = await request(`${s.url}api/state`, { headers: { host: `evil.example:${s.port}` } });
      expect(rebound.status).to.equal(403);
      const local = await request(`${s.url}api/state`, { headers: { host: `localhost:${s.port}` } });
      expect(local.status).to.equal(200);
      const posted = await request(`${s.url}api/kill`, { method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${TOKEN}` } });
      expect(posted.status).to.equal(403);
      expect(actions.calls).to.deep.equal([]);
    });

    it('says the page is not built (503) while the API still works', async () => {
      const s = await start();
      const page = await request(s.url);
      expect(page.status).to.equal(503);
      expect(page.body).to.contain('npm run build:ui');
      expect(log.events.some((e) => e.level === 'warn' && e.message.startsWith('status page not served'))).to.equal(true);
    });

    it('serves the built page with a policy that allows only its own script, style and server', async () => {
      const ui = join(dir, 'ui');
      await mkdir(ui);
      await writeFile(join(ui, 'index.html'), '<!doctype html><title>t</title>');
      await writeFile(join(ui, 'app.js'), 'console.log(1)');
      await writeFile(join(ui, 'app.css'), 'body{}');
      const s = await start({ uiDir: ui });
      const page = await request(s.url);
      expect(page.status).to.equal(200);
      expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).to.contain("script-src 'self'");
      expect(page.headers['content-security-policy']).to.contain("connect-src 'self'");
      expect(page.body).to.equal('<!doctype html><title>t</title>');
      expect((await request(`${s.url}app.js`)).headers['content-type']).to.equal('text/javascript; charset=utf-8');
      expect((await request(`${s.url}app.css`)).body).to.equal('body{}');
      expect((await request(`${s.url}index.html`)).status).to.equal(200);
      expect((await request(`${s.url}app.js`, { method: 'POST' })).status).to.equal(405);
    });

    it('close() ends open event streams and stops listening', async () => {
      const s = await start();
      const { request: httpRequest } = await import('node:http');
      const ended = new Promise<string>((resolve, reject) => {
        httpRequest(`${s.url}events`, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () => resolve(text));
          res.on('error', reject);
        })
          .on('error', reject)
          .end();
      });
      while (source.calls === 0) await new Promise((resolve) => setImmediate(resolve));
      await s.close();
      server = undefined;
      expect(await ended).to.contain('event: state');
      const after = await request(`${s.url}api/state`).then(
        () => 'answered',
        () => 'refused',
      );
      expect(after).to.equal('refused');
    });
  });
});
