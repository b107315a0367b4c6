/** What Phoenix Presence shows per socket; `phx_ref` names one socket's entry. */
export interface PresenceMeta {
  phx_ref: string;
  phx_ref_prev?: string;
  name: string;
  status: PresenceStatus;
  current_call_id: string | null;
  online_at: number;
}

export const PRESENCE_STATUSES = ['online', 'busy', 'away'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** `{user_id: {metas: [...]}}`: several sockets of one user are one key with several metas. */
export type PresenceState = Record<string, { metas: PresenceMeta[] }>;

export interface PresenceEntry {
  /** Names the socket's entry for its whole life (its meta's `phx_ref` changes on each update). */
  key: string;
  userId: string;
  meta: PresenceMeta;
  /** The instance holding the socket; its death expires the entry. */
  instance: string;
}

/**
 * Where presences live: this process's memory, or Redis shared by every instance. Removal is
 * atomic, so when two instances race to expire one entry exactly one of them announces it.
 */
export interface PresenceBackend {
  put(departmentId: string, entry: PresenceEntry): Promise<void>;
  /** Swaps in `entry` only while the stored one still has meta `expectedRef` (a concurrent update loses). */
  replace(departmentId: string, entry: PresenceEntry, expectedRef: string): Promise<boolean>;
  remove(departmentId: string, key: string): Promise<PresenceEntry | undefined>;
  /** Live entries only (those of dead instances are left out even before they are reaped). */
  entries(departmentId: string): Promise<PresenceEntry[]>;
  departmentsOf(userId: string): Promise<string[]>;
  /** Removes the entries of instances that stopped renewing their lease. */
  reap(): Promise<Array<{ departmentId: string; entry: PresenceEntry }>>;
  close(): Promise<void>;
}

export function stateOf(entries: PresenceEntry[]): PresenceState {
  const state: PresenceState = {};
  for (const e of entries) (state[e.userId] ??= { metas: [] }).metas.push(e.meta);
  return state;
}
