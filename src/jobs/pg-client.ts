import type { Pool, PoolClient } from 'pg';

const guarded = new WeakSet<PoolClient>();

/**
 * Runs `work` in one transaction on a pooled connection. A connection the server terminates
 * while checked out emits 'error' on its client: that is listened for here (the query that was
 * running fails anyway), so it cannot surface as an unhandled error and stop the process.
 */
export async function inPgTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  if (!guarded.has(client)) {
    client.on('error', () => undefined);
    guarded.add(client);
  }
  let failed = false;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    failed = true;
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    // After a failure the connection may be dead: it is not handed out again.
    client.release(failed);
  }
}
