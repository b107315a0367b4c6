import type { Role } from './roles';

/** What the actor read finds for an active user. */
export interface ActorRow {
  tenantId: string;
  role: Role;
  name: string;
}

/**
 * Active users as last read, so that a request does not spend a database round trip learning
 * what it learnt a moment ago. Correct only while every change reaches it: the services evict
 * at commit on their own instance, and PostgreSQL's change notices (actor-notices.ts) evict on
 * every instance, whoever wrote. While those notices are not being received the cache holds
 * nothing and every request reads the row.
 */
export class ActorCache {
  private readonly rows = new Map<string, { row: ActorRow; until: number }>();
  private readonly waiting = new Map<string, Set<NoticeWait>>();
  private receiving = false;
  // Bumped by every eviction: a read that began before one may have seen the old row.
  private generation = 0;

  constructor(private readonly ttlMs = 30_000, private readonly maxRows = 20_000) {}

  get(userId: string, tenantId: string): ActorRow | undefined {
    const hit = this.rows.get(userId);
    if (!hit) return undefined;
    if (hit.until < Date.now() || hit.row.tenantId !== tenantId) {
      this.rows.delete(userId);
      return undefined;
    }
    return hit.row;
  }

  /** Call before reading the row; pass the answer to store(). */
  begin(): number {
    return this.generation;
  }

  store(userId: string, row: ActorRow, begun: number) {
    if (!this.receiving || begun !== this.generation) return;
    if (this.rows.size >= this.maxRows) this.rows.delete(this.rows.keys().next().value as string);
    this.rows.set(userId, { row, until: Date.now() + this.ttlMs });
  }

  evict(userId: string) {
    this.generation++;
    this.rows.delete(userId);
  }

  /** A change notice named the user (the listener calls this). */
  noticed(userId: string) {
    this.evict(userId);
    for (const wait of this.waiting.get(userId) ?? []) wait.heard();
  }

  /** Another instance has evicted the user after their notice (the listener calls this). */
  acked(userId: string, instance: string) {
    for (const wait of this.waiting.get(userId) ?? []) wait.acked(instance);
  }

  /** The other instances listening now (the listener tells; none while it has not). */
  listeningPeers: () => string[] = () => [];

  /**
   * Call before committing a change to the user; await the answer after the commit. It resolves
   * once this instance has heard the notice and every other instance that was listening has
   * said it evicted the user, so a demotion answered after that applies to the next request
   * anywhere. Resolves at once while notices are not being received (nothing is cached anywhere
   * then), and after `timeoutMs` at most (an instance that went away says nothing).
   */
  expectNotice(userId: string): (timeoutMs?: number) => Promise<void> {
    if (!this.receiving) return async () => undefined;
    const wait = new NoticeWait(this.listeningPeers());
    const waits = this.waiting.get(userId) ?? new Set();
    waits.add(wait);
    this.waiting.set(userId, waits);
    return async (timeoutMs = 1000) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([wait.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      waits.delete(wait);
      if (!waits.size && this.waiting.get(userId) === waits) this.waiting.delete(userId);
    };
  }

  /** Whether change notices are arriving; either way, what was cached is dropped. */
  setLive(live: boolean) {
    this.generation++;
    this.rows.clear();
    this.receiving = live;
  }

  /** Whether change notices are arriving, so that what is read may be kept. */
  get live() {
    return this.receiving;
  }

  get size() {
    return this.rows.size;
  }
}

/** One change's wait: for its own notice and for every other instance's acknowledgement. */
class NoticeWait {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private own = false;
  private readonly pending: Set<string>;

  constructor(peers: string[]) {
    this.pending = new Set(peers);
    this.done = new Promise<void>((resolve) => (this.resolve = resolve));
  }

  heard() {
    this.own = true;
    this.settle();
  }

  acked(instance: string) {
    this.pending.delete(instance);
    this.settle();
  }

  private settle() {
    if (this.own && !this.pending.size) this.resolve();
  }
}
