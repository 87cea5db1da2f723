/**
 * Order groups (ws-v2.md 15.2): a limit on the contracts an account's member orders may
 * match over a rolling 15 seconds. When the matched total reaches the limit the group
 * triggers: every member order is cancelled and new orders naming the group are refused
 * until it is reset. Pure bookkeeping with time passed in; the order desk does the
 * cancelling.
 */
export const ORDER_GROUP_WINDOW_MS = 15_000;
/** Kalshi's cap on groups per user */
export const MAX_ORDER_GROUPS = 25_000;

export interface OrderGroup {
  readonly id: string;
  readonly keyId: string;
  /** hundredths of a contract */
  limit: number;
  triggered: boolean;
  readonly createdMs: number;
  /** member orders that still rest */
  readonly members: Set<string>;
  /** matched contracts in the window, oldest first */
  readonly matches: Array<{ readonly tsMs: number; readonly count: number }>;
  matched: number;
}

export class OrderGroups {
  private readonly groups = new Map<string, OrderGroup>();
  private readonly perKey = new Map<string, number>();

  create(id: string, keyId: string, limit: number, nowMs: number): OrderGroup | undefined {
    if ((this.perKey.get(keyId) ?? 0) >= MAX_ORDER_GROUPS) return undefined;
    const group: OrderGroup = { id, keyId, limit, triggered: false, createdMs: nowMs, members: new Set(), matches: [], matched: 0 };
    this.groups.set(id, group);
    this.perKey.set(keyId, (this.perKey.get(keyId) ?? 0) + 1);
    return group;
  }

  /** The account's group with this id. */
  get(keyId: string, id: string): OrderGroup | undefined {
    const group = this.groups.get(id);
    return group && group.keyId === keyId ? group : undefined;
  }

  list(keyId: string): OrderGroup[] {
    return [...this.groups.values()].filter((group) => group.keyId === keyId);
  }

  delete(group: OrderGroup): void {
    if (!this.groups.delete(group.id)) return;
    this.perKey.set(group.keyId, (this.perKey.get(group.keyId) ?? 1) - 1);
  }

  /** Contracts matched within the window ending at nowMs. */
  matchedIn(group: OrderGroup, nowMs: number): number {
    while (group.matches.length > 0 && group.matches[0]!.tsMs <= nowMs - ORDER_GROUP_WINDOW_MS) group.matched -= group.matches.shift()!.count;
    return group.matched;
  }

  /** Counts `count` matched contracts; true when an untriggered group has now reached its limit. */
  addMatched(group: OrderGroup, count: number, nowMs: number): boolean {
    group.matches.push({ tsMs: nowMs, count });
    group.matched += count;
    return !group.triggered && this.matchedIn(group, nowMs) >= group.limit;
  }

  /** The counter back to 0 and new orders allowed again. */
  reset(group: OrderGroup): void {
    group.matches.length = 0;
    group.matched = 0;
    group.triggered = false;
  }
}
