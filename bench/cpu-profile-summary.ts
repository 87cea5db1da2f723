/**
 * Where a thread's time goes, from a V8 `.cpuprofile` (node --cpu-prof): self time per
 * function and per area (the project's folders, each dependency, Node's internals, the
 * garbage collector, idle).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface TimeShare {
  readonly name: string;
  readonly ms: number;
  /** of the busy (non-idle) time */
  readonly share: number;
}

export interface ProfileSummary {
  /** the thread, named by what dominates it */
  readonly thread: string;
  readonly totalMs: number;
  readonly idleMs: number;
  readonly areas: TimeShare[];
  readonly functions: TimeShare[];
}

function area(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1]!;
  const project = /\/(src|bench)\/([^/]+)\//.exec(url);
  if (project) return `${project[1]}/${project[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

/** Function and file; the line only where it means something (tsx-compiled sources report line 1). */
function label(node: ProfileNode): string {
  const { url, functionName, lineNumber } = node.callFrame;
  const file = url.split('/').at(-1) ?? '';
  const name = functionName || '(anonymous)';
  if (file === '') return name;
  return lineNumber > 0 ? `${name} ${file}:${lineNumber + 1}` : `${name} ${file}`;
}

function add(totals: Map<string, number>, name: string, ms: number): void {
  totals.set(name, (totals.get(name) ?? 0) + ms);
}

function shares(totals: Map<string, number>, busyMs: number, limit: number): TimeShare[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), share: ms / busyMs }));
}

/** Names a thread by what it spends its time in: main, execution actor, shard actor, logger, or the module loader's hooks thread (tsx). */
function threadName(file: string, areas: readonly TimeShare[]): string {
  if (/\.0\.\d+\.cpuprofile$/.test(file)) return 'main (gateway)';
  // the REST client's undici: only the execution actor sends requests
  if (areas.some((share) => share.name === 'undici' || share.name === 'src/execution')) return 'execution actor';
  const project = areas.find((share) => share.name.startsWith('src/'))?.name;
  if (project === 'src/actors' || project === 'src/book' || project === 'src/strategy' || project === 'src/protocol') return 'shard actor';
  if (project === 'src/log' || areas.some((share) => share.name === 'winston')) return 'logger';
  if (areas.some((share) => share.name === 'tsx')) return 'module loader hooks (tsx)';
  return 'worker';
}

export function summarizeProfile(file: string, limit = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const node = nodes.get(id)!;
    totalMs += ms;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    add(byArea, area(node), ms);
    add(byFunction, label(node), ms);
  });
  const busyMs = totalMs - idleMs;
  const areas = shares(byArea, busyMs, limit);
  return { thread: threadName(file, areas), totalMs: Math.round(totalMs), idleMs: Math.round(idleMs), areas, functions: shares(byFunction, busyMs, limit) };
}

/** Every thread's profile in `directory` (one --cpu-prof run), the main thread first, then the busiest. */
export function threadProfiles(directory: string, limit = 12): ProfileSummary[] {
  const summaries = readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => summarizeProfile(join(directory, name), limit));
  return summaries.sort((a, b) => Number(b.thread.startsWith('main')) - Number(a.thread.startsWith('main')) || b.totalMs - b.idleMs - (a.totalMs - a.idleMs));
}

export function busyPercent(profile: ProfileSummary): string {
  return `${Math.round((100 * (profile.totalMs - profile.idleMs)) / profile.totalMs)}% busy`;
}
