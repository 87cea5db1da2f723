/**
 * CPU time of every thread of a process, from /proc (Linux): what each thread of the
 * engine and of the replay server actually ran, as opposed to a profile's samples, which
 * also count the time a thread waited for a core.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux) */
const TICKS_PER_SECOND = 100;

export interface ThreadCpu {
  readonly tid: number;
  /** user + system CPU time so far, ms */
  readonly cpuMs: number;
}

/** Every thread of `pid` with its CPU time so far; empty where /proc is not there. */
export function threadCpu(pid: number): ThreadCpu[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const threads: ThreadCpu[] = [];
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // the fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      threads.push({ tid: Number(tid), cpuMs: (ticks * 1000) / TICKS_PER_SECOND });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

/** CPU each thread ran between two readings, ms, busiest first (threads that ran nothing are left out). */
export function cpuBetween(before: readonly ThreadCpu[], after: readonly ThreadCpu[]): ThreadCpu[] {
  const start = new Map(before.map((thread) => [thread.tid, thread.cpuMs]));
  return after
    .map((thread) => ({ tid: thread.tid, cpuMs: thread.cpuMs - (start.get(thread.tid) ?? 0) }))
    .filter((thread) => thread.cpuMs > 0)
    .sort((a, b) => b.cpuMs - a.cpuMs);
}

/** CPU per measured frame by thread (µs): the engine's main thread, its other threads busiest first, the replay server's process. */
export function cpuPerFrame(result: {
  readonly framesMeasured: number;
  readonly durationMs: number;
  readonly threadCpuMs: { readonly engine: readonly ThreadCpu[]; readonly feed: readonly ThreadCpu[]; readonly enginePid: number };
}): string {
  const perFrame = (ms: number): string => ((ms * 1000) / result.framesMeasured).toFixed(2);
  const { engine, feed, enginePid } = result.threadCpuMs;
  const sum = (threads: readonly ThreadCpu[]): number => threads.reduce((total, thread) => total + thread.cpuMs, 0);
  const main = engine.find((thread) => thread.tid === enginePid)?.cpuMs ?? 0;
  // threads under 2% of the measured time are left out of the list (they count in the totals)
  const others = engine.filter((thread) => thread.tid !== enginePid && thread.cpuMs >= 0.02 * result.durationMs);
  const cores = (sum(engine) + sum(feed)) / result.durationMs;
  return (
    `CPU µs/frame: engine main thread ${perFrame(main)}, other threads [${others.map((thread) => perFrame(thread.cpuMs)).join(', ')}], ` +
    `engine in all ${perFrame(sum(engine))}; replay server ${perFrame(sum(feed))}; cores busy ${cores.toFixed(2)}`
  );
}
