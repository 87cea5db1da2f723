/**
 * Faults on demand. On the socket: drop the connection, skip a seq number, send a malformed
 * frame, send a delta for an unknown market, or stall; each fires every K frames sent to a
 * connection, at given times (ms since the simulator started, on its clock), or when
 * triggered. On REST writes (order entry, order groups): answer 503 without doing anything
 * (rest_error), answer nothing for a while and then close the connection without doing
 * anything (rest_timeout), or do the request and then close the connection without an
 * answer (rest_lost: the order was placed, the client cannot know); each fires on every
 * K-th write, on the first write after given times, or on the next write when triggered.
 */
import { after, type Clock, type TimerHandle } from '../clock/clock.js';

export const FAULT_KINDS = ['drop', 'skip_seq', 'malformed', 'unknown_market', 'stall'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const REST_FAULT_KINDS = ['rest_error', 'rest_timeout', 'rest_lost'] as const;
export type RestFaultKind = (typeof REST_FAULT_KINDS)[number];

export interface FaultSpec {
  readonly kind: FaultKind | RestFaultKind;
  /** fire on a connection after every K frames sent to it (REST kinds: on every K-th write) */
  readonly everyMessages?: number;
  /** fire on every connection at these times (ms since start, simulator clock); REST kinds: on the next write after each */
  readonly atMs?: readonly number[];
  /** stall length, default 5000 ms; for rest_timeout how long nothing is answered, default 30000 ms */
  readonly stallMs?: number;
}

/** What happens to one REST write. */
export type RestFault = { readonly kind: 'rest_error' } | { readonly kind: 'rest_timeout'; readonly holdMs: number } | { readonly kind: 'rest_lost' };

export const DEFAULT_REST_TIMEOUT_MS = 30_000;

function isRestKind(kind: string): kind is RestFaultKind {
  return (REST_FAULT_KINDS as readonly string[]).includes(kind);
}

/** What a fault acts on: one client connection. */
export interface FaultTarget {
  drop(): void;
  skipSeq(): void;
  sendMalformed(): void;
  sendUnknownMarketDelta(): void;
  stall(durationMs: number): void;
}

export const DEFAULT_STALL_MS = 5000;

export class FaultController {
  private readonly specs: FaultSpec[] = [];
  private readonly targets = new Map<FaultTarget, number>();
  private readonly timers: TimerHandle[] = [];
  private startMs: number | undefined;
  private firing = false;
  readonly fired: Record<FaultKind, number> = { drop: 0, skip_seq: 0, malformed: 0, unknown_market: 0, stall: 0 };
  readonly restFired: Record<RestFaultKind, number> = { rest_error: 0, rest_timeout: 0, rest_lost: 0 };
  /** REST faults due on the next writes, in order */
  private readonly armed: RestFault[] = [];
  private restWrites = 0;

  constructor(private readonly clock: Clock) {}

  /** Starts the timed faults; times count from this call. */
  start(specs: readonly FaultSpec[]): void {
    this.startMs = this.clock.now();
    for (const spec of specs) this.add(spec);
  }

  add(spec: FaultSpec): void {
    validateFaultSpec(spec);
    this.specs.push(spec);
    if (spec.atMs && this.startMs !== undefined) {
      const elapsed = this.clock.now() - this.startMs;
      for (const atMs of spec.atMs) {
        this.timers.push(after(this.clock, () => this.trigger(spec.kind, spec.stallMs), Math.max(0, atMs - elapsed)));
      }
    }
  }

  /** Removes every fault spec and pending timed fault. */
  clear(): void {
    for (const timer of this.timers.splice(0)) this.clock.clearTimer(timer);
    this.specs.length = 0;
    this.armed.length = 0;
  }

  /** Fires a socket fault now on every connection; a REST fault on the next write. */
  trigger(kind: FaultKind | RestFaultKind, stallMs?: number): void {
    if (isRestKind(kind)) {
      this.armed.push(restFault(kind, stallMs));
      return;
    }
    for (const target of [...this.targets.keys()]) this.fire(target, kind, stallMs);
  }

  /** The fault (if any) for the REST write being handled now; counts it. */
  restWrite(): RestFault | undefined {
    this.restWrites += 1;
    let fault = this.armed.shift();
    for (const spec of this.specs) {
      if (fault || !isRestKind(spec.kind) || spec.everyMessages === undefined) continue;
      if (this.restWrites % spec.everyMessages === 0) fault = restFault(spec.kind, spec.stallMs);
    }
    if (fault) this.restFired[fault.kind] += 1;
    return fault;
  }

  attach(target: FaultTarget): void {
    this.targets.set(target, 0);
  }

  detach(target: FaultTarget): void {
    this.targets.delete(target);
  }

  /** Counts a frame sent to a target and fires the every-K faults that fall due. */
  frameSent(target: FaultTarget): void {
    if (this.firing) return;
    const count = (this.targets.get(target) ?? 0) + 1;
    this.targets.set(target, count);
    for (const spec of this.specs) {
      if (isRestKind(spec.kind)) continue;
      if (spec.everyMessages !== undefined && count % spec.everyMessages === 0) this.fire(target, spec.kind, spec.stallMs);
    }
  }

  private fire(target: FaultTarget, kind: FaultKind, stallMs: number | undefined): void {
    if (!this.targets.has(target)) return;
    this.fired[kind] += 1;
    this.firing = true;
    try {
      switch (kind) {
        case 'drop':
          target.drop();
          break;
        case 'skip_seq':
          target.skipSeq();
          break;
        case 'malformed':
          target.sendMalformed();
          break;
        case 'unknown_market':
          target.sendUnknownMarketDelta();
          break;
        case 'stall':
          target.stall(stallMs ?? DEFAULT_STALL_MS);
          break;
      }
    } finally {
      this.firing = false;
    }
  }
}

function restFault(kind: RestFaultKind, holdMs: number | undefined): RestFault {
  return kind === 'rest_timeout' ? { kind, holdMs: holdMs ?? DEFAULT_REST_TIMEOUT_MS } : { kind };
}

export function validateFaultSpec(spec: FaultSpec): void {
  if (!(FAULT_KINDS as readonly string[]).includes(spec.kind) && !isRestKind(spec.kind))
    throw new RangeError(`unknown fault kind ${JSON.stringify(spec.kind)}`);
  if (spec.everyMessages !== undefined && (!Number.isInteger(spec.everyMessages) || spec.everyMessages < 1)) {
    throw new RangeError(`fault ${spec.kind}: every must be a positive integer`);
  }
  if (spec.atMs !== undefined && !spec.atMs.every((ms) => Number.isFinite(ms) && ms >= 0)) {
    throw new RangeError(`fault ${spec.kind}: times must be non-negative milliseconds`);
  }
  if (spec.everyMessages === undefined && (spec.atMs === undefined || spec.atMs.length === 0)) {
    throw new RangeError(`fault ${spec.kind}: give every=K or at=MS[,MS...]`);
  }
  if (spec.stallMs !== undefined && (!Number.isFinite(spec.stallMs) || spec.stallMs < 0)) {
    throw new RangeError(`fault ${spec.kind}: ms must be non-negative`);
  }
}

/**
 * Parses the command-line form `KIND:every=K`, `KIND:at=MS,MS`, with `:ms=N` for stalls,
 * e.g. `drop:every=500`, `stall:at=2000,8000:ms=3000`.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const [kind, ...options] = text.split(':');
  let everyMessages: number | undefined;
  let atMs: number[] | undefined;
  let stallMs: number | undefined;
  for (const option of options) {
    const [name, value = ''] = option.split('=');
    if (name === 'every') everyMessages = Number(value);
    else if (name === 'at') atMs = value.split(',').map(Number);
    else if (name === 'ms') stallMs = Number(value);
    else throw new RangeError(`fault ${text}: unknown option ${JSON.stringify(name)} (use every=, at=, ms=)`);
  }
  const spec: FaultSpec = {
    kind: kind as FaultKind | RestFaultKind,
    ...(everyMessages !== undefined ? { everyMessages } : {}),
    ...(atMs !== undefined ? { atMs } : {}),
    ...(stallMs !== undefined ? { stallMs } : {}),
  };
  validateFaultSpec(spec);
  return spec;
}
