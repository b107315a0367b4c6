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
  private readonly waiting = new Map<string, Set<() => void>>();
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
    for (const done of this.waiting.get(userId) ?? []) done();
    this.waiting.delete(userId);
  }

  /**
   * Call before committing a change to the user; await the answer after the commit. PostgreSQL
   * hands a notice to every listening instance at once, so once this instance has heard it the
   * others have it too: a demotion answered after that applies to the next request anywhere.
   * Resolves at once while notices are not being received (nothing is cached anywhere then),
   * and after `timeoutMs` at most.
   */
  expectNotice(userId: string): (timeoutMs?: number) => Promise<void> {
    if (!this.receiving) return async () => undefined;
    let done!: () => void;
    const heard = new Promise<void>((resolve) => (done = resolve));
    const waiters = this.waiting.get(userId) ?? new Set();
    waiters.add(done);
    this.waiting.set(userId, waiters);
    return async (timeoutMs = 1000) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([heard, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      waiters.delete(done);
      if (!waiters.size && this.waiting.get(userId) === waiters) this.waiting.delete(userId);
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
