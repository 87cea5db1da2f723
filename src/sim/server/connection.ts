/**
 * One authenticated WebSocket connection: corked sends (one socket write per burst),
 * a stall switch that holds frames back for a while, liveness for the ping loop.
 *
 * Data frames are encoded here (an unmasked, uncompressed text frame: the server never
 * negotiates compression) and written to the TCP socket as one buffer each, instead of
 * through ws's sender (a Buffer of the text, a header, two socket writes): half the
 * server's CPU per frame, which matters when the server shares a machine with the engine
 * it feeds. Pings, pongs and close frames still go through ws; every write is a whole
 * frame, so they interleave at frame boundaries only.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { after, type Clock, type TimerHandle } from '../../clock/clock.js';

const FIN_TEXT = 0x81;
/** WebSocket.OPEN */
const OPEN = 1;

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength < 65_536 ? 4 : 10;
}

/** The bytes of the text frame that carries `text`. */
export function textFrameLength(text: string): number {
  const length = Buffer.byteLength(text, 'utf8');
  return headerLength(length) + length;
}

/** A server-to-client WebSocket text frame (RFC 6455 section 5.2: FIN, opcode 1, no mask). */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  fillTextFrame(text, length, frame);
  return frame;
}

/** Writes the text frame of `text` into `frame`, which must be textFrameLength(text) bytes long. */
export function writeTextFrame(text: string, frame: Buffer): void {
  const length = Buffer.byteLength(text, 'utf8');
  const size = headerLength(length) + length;
  if (frame.length !== size) throw new RangeError(`a frame of ${length} bytes takes ${size} bytes, not ${frame.length}`);
  fillTextFrame(text, length, frame);
}

/** Header and payload of the text frame of `text`, whose UTF-8 length is `length`, into `frame` (of the right size). */
function fillTextFrame(text: string, length: number, frame: Buffer): void {
  frame[0] = FIN_TEXT;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, headerLength(length), 'utf8');
}

export class Connection {
  /** set by the ping loop, cleared when a pong arrives */
  awaitingPong = false;
  framesSent = 0;
  bytesSent = 0;
  private corked = false;
  private stallTimer: TimerHandle | undefined;
  private held: string[] = [];
  /** the summed length of `held` */
  private heldLength = 0;
  /** pings from the client that came during a stall: a frozen exchange answers them only after it */
  private heldPongs: Buffer[] = [];
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    readonly id: number,
    readonly keyId: string,
    private readonly socket: WebSocket,
    private readonly rawSocket: Socket,
    private readonly clock: Clock,
  ) {
    socket.on('pong', () => {
      this.awaitingPong = false;
    });
    // the server answers pings itself (autoPong is off), so that a stall also holds the pongs
    socket.on('ping', (payload: Buffer) => {
      if (this.stallTimer !== undefined) this.heldPongs.push(payload);
      else this.pong(payload);
    });
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.terminate());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Bytes queued in the socket and not yet written to the kernel. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount + this.heldLength;
  }

  onMessage(handler: (text: string) => void): void {
    this.socket.on('message', (data) => {
      handler(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    });
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  send(text: string): void {
    this.sendEncoded(text, undefined);
  }

  /** Sends `text`, whose text frame is already encoded in `frame` (textFrame(text)); a replay prepares them once. */
  sendEncoded(text: string, frame: Buffer | undefined): void {
    if (this.closed) return;
    this.framesSent += 1;
    this.bytesSent += text.length;
    if (this.stallTimer !== undefined) {
      this.held.push(text);
      this.heldLength += text.length;
      return;
    }
    this.write(text, frame);
  }

  ping(payload: string): void {
    if (this.closed || this.stallTimer !== undefined) return;
    this.awaitingPong = true;
    this.socket.ping(payload);
  }

  private pong(payload: Buffer): void {
    if (this.closed || this.socket.readyState !== OPEN) return;
    this.socket.pong(payload);
  }

  /** Holds every outgoing frame (and ping, and pong) for durationMs, then flushes them in order. */
  stall(durationMs: number): void {
    if (this.closed) return;
    if (this.stallTimer !== undefined) this.clock.clearTimer(this.stallTimer);
    this.stallTimer = after(
      this.clock,
      () => {
        this.stallTimer = undefined;
        const held = this.held;
        this.held = [];
        this.heldLength = 0;
        for (const text of held) this.write(text);
        const pongs = this.heldPongs;
        this.heldPongs = [];
        for (const payload of pongs) this.pong(payload);
      },
      durationMs,
    );
  }

  /** Drops the TCP connection without a close handshake. */
  terminate(): void {
    if (this.closed) return;
    this.socket.terminate();
    this.markClosed();
  }

  /** Closes with a close frame. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.close(code, reason);
    this.markClosed();
  }

  private write(text: string, frame?: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.rawSocket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.rawSocket.uncork();
      });
    }
    // as ws's own send does, nothing goes out once the socket is closing or closed
    if (this.socket.readyState !== OPEN) return;
    this.rawSocket.write(frame ?? textFrame(text));
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.stallTimer !== undefined) this.clock.clearTimer(this.stallTimer);
    this.stallTimer = undefined;
    this.held = [];
    this.heldLength = 0;
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}
