import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { verifyMessage } from '../../../src/protocol/auth.js';
import { AUTH_HEADERS, WS_PATH } from '../../../src/protocol/wire.js';
import { classifyRefusal, HandshakeRefused, openSocket, signedOpener } from '../../../src/adapters/kalshi/handshake.js';

type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

async function listen(onUpgrade: UpgradeHandler): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => response.end());
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}${WS_PATH}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function refuse(status: number, body: string): UpgradeHandler {
  return (_request, socket) => {
    socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };
}

describe('handshake', () => {
  it('classifies refusals: bad key or signature fatal, stale timestamp and overload retryable', () => {
    expect(classifyRefusal(401, 'bad signature')).to.equal('bad_credentials');
    expect(classifyRefusal(401, 'unknown key id')).to.equal('bad_credentials');
    expect(classifyRefusal(401, 'timestamp too far from now')).to.equal('stale_timestamp');
    expect(classifyRefusal(404, 'unknown path')).to.equal('rejected');
    expect(classifyRefusal(429, '')).to.equal('unavailable');
    expect(classifyRefusal(503, '')).to.equal('unavailable');
    expect(new HandshakeRefused(401, 'bad signature', 'bad_credentials', 'k').fatal).to.equal(true);
    expect(new HandshakeRefused(401, 'timestamp too far from now', 'stale_timestamp', 'k').fatal).to.equal(false);
    expect(new HandshakeRefused(503, '', 'unavailable', 'k').fatal).to.equal(false);
  });

  it('signs fresh headers on every attempt, and the signature verifies with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const seen: Array<{ key: string; timestamp: string; valid: boolean }> = [];
    const sockets = new WebSocketServer({ noServer: true });
    const { server, url } = await listen((request, socket, head) => {
      const key = String(request.headers[AUTH_HEADERS.key.toLowerCase()]);
      const timestamp = String(request.headers[AUTH_HEADERS.timestamp.toLowerCase()]);
      const signature = String(request.headers[AUTH_HEADERS.signature.toLowerCase()]);
      seen.push({ key, timestamp, valid: verifyMessage(publicKey, `${timestamp}GET${WS_PATH}`, signature) });
      sockets.handleUpgrade(request, socket, head, (webSocket) => webSocket.close());
    });
    let now = 1_700_000_000_000;
    const open = signedOpener(url, 'key-1', privateKey, { now: () => now });
    try {
      const first = await open();
      first.terminate();
      now += 1234;
      const second = await open();
      second.terminate();
      expect(seen).to.deep.equal([
        { key: 'key-1', timestamp: '1700000000000', valid: true },
        { key: 'key-1', timestamp: '1700000001234', valid: true },
      ]);
    } finally {
      sockets.close();
      await close(server);
    }
  });

  it('rejects a 401 for a bad key with a fatal error naming the key id', async () => {
    const { server, url } = await listen(refuse(401, 'bad signature'));
    try {
      const error = await openSocket({ url, keyId: 'my-key-id', headers: {}, handshakeTimeoutMs: 2000 }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).to.be.instanceOf(HandshakeRefused);
      const refused = error as HandshakeRefused;
      expect(refused.fatal).to.equal(true);
      expect(refused.status).to.equal(401);
      expect(refused.message).to.contain('"my-key-id"').and.to.contain('bad signature');
    } finally {
      await close(server);
    }
  });

  it('rejects a 401 for a stale timestamp as retryable', async () => {
    const { server, url } = await listen(refuse(401, 'timestamp too far from now'));
    try {
      const error = await openSocket({ url, keyId: 'k', headers: {}, handshakeTimeoutMs: 2000 }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).to.be.instanceOf(HandshakeRefused);
      expect((error as HandshakeRefused).refusal).to.equal('stale_timestamp');
      expect((error as HandshakeRefused).fatal).to.equal(false);
    } finally {
      await close(server);
    }
  });

  it('rejects with a plain connect error when nothing listens', async () => {
    const { server, url } = await listen(refuse(500, ''));
    await close(server);
    const error = await openSocket({ url, keyId: 'k', headers: {}, handshakeTimeoutMs: 2000 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(Error);
    expect(error).not.to.be.instanceOf(HandshakeRefused);
  });
});
