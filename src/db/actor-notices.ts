import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { ActorCache } from '../auth/actor-cache';
import type { Logger } from '../logger';

const CHANNEL = 'voki_actor';
/** A notice's payload that names no user: a listener's check (`probe:<instance>:<n>`). */
const PROBE = 'probe:';
/** A listener's word that it evicted a user it was told of (`ack:<instance>:<user>`). */
const ACK = 'ack:';
/** How the listener's connection shows in pg_stat_activity. */
export const APPLICATION_NAME = 'voki actor notices';

export interface ActorNotices {
  /** Resolves once the first LISTEN is in place (or failed: the cache then stays off). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps one connection listening for the users trigger's notices and evicts what they name.
 * The connection is checked every `checkMs`: a listener that cannot prove it hears notices turns
 * the cache off until it has listened again, since a notice it missed would leave a role stale.
 */
export function listenForActorChanges(url: string, cache: ActorCache, log: Logger, checkMs = 2000): ActorNotices {
  let client: Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  // The checks' own notices (see below); every instance hears every probe, so each knows its own
  // and learns from the others' which instances are listening.
  const self = randomUUID();
  const mine = `${PROBE}${self}:`;
  const peers = new Map<string, number>();
  cache.listeningPeers = () => {
    const since = Date.now() - 2.5 * checkMs;
    for (const [id, at] of peers) if (at < since) peers.delete(id);
    return [...peers.keys()];
  };
  let probe = 0;
  let heard = 0;
  let firstReady!: () => void;
  const ready = new Promise<void>((resolve) => (firstReady = resolve));

  const drop = (why: string, err?: unknown) => {
    const old = client;
    client = undefined;
    cache.setLive(false);
    old?.removeAllListeners();
    old?.on('error', () => undefined);
    old?.end().catch(() => undefined);
    if (closed) return;
    log.warn({ err: err instanceof Error ? err.message : err }, `actor cache off (${why}); reading every actor until the listener is back`);
    clearTimeout(retry);
    retry = setTimeout(connect, 1000);
    retry.unref();
  };

  async function connect() {
    if (closed) return;
    const c = new Client({ connectionString: url, keepAlive: true, application_name: APPLICATION_NAME, connectionTimeoutMillis: 5000 });
    client = c;
    c.on('error', (err) => drop('listener error', err));
    c.on('end', () => client === c && drop('listener closed'));
    c.on('notification', ({ payload }) => {
      if (!payload) return;
      if (payload.startsWith(mine)) heard = Math.max(heard, Number(payload.slice(mine.length)));
      else if (payload.startsWith(PROBE)) peers.set(payload.slice(PROBE.length, payload.lastIndexOf(':')), Date.now());
      else if (payload.startsWith(ACK)) {
        const [from, userId] = payload.slice(ACK.length).split(':');
        if (from !== self) cache.acked(userId, from);
      } else {
        cache.noticed(payload);
        // The instance that made the change waits for this before it answers.
        c.query('select pg_notify($1, $2)', [CHANNEL, `${ACK}${self}:${payload}`]).catch(() => undefined);
      }
    });
    try {
      await c.connect();
      await c.query(`listen ${CHANNEL}`);
      if (client !== c) return;
      heard = probe;
      cache.setLive(true);
      // Known to the other instances at once, not at the first check.
      await c.query('select pg_notify($1, $2)', [CHANNEL, `${mine}${probe}`]);
    } catch (err) {
      if (client === c) drop('listener could not connect', err);
    } finally {
      firstReady();
    }
  }

  // Each check sends a notice of its own and must hear it back before the next one: proof that
  // this session really is listening (a pooler in transaction mode accepts LISTEN and then
  // delivers nothing), and that it answers at all (a hung query is never heard back either).
  const check = setInterval(() => {
    const c = client;
    if (!c || !cache.live) return;
    if (probe > heard) return drop('listener did not hear its own notice');
    c.query('select pg_notify($1, $2)', [CHANNEL, `${mine}${++probe}`]).catch((err) => {
      if (client === c) drop('listener check failed', err);
    });
  }, checkMs);
  check.unref();

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      clearInterval(check);
      clearTimeout(retry);
      const c = client;
      client = undefined;
      cache.setLive(false);
      await c?.end().catch(() => undefined);
    },
  };
}
