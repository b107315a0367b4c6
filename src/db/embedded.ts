import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite persisted under DATA_DIR, served over the Postgres wire protocol on a loopback port,
 * so the ORM uses exactly the driver it uses against a real server. The socket server must
 * accept as many connections as the pool opens, or pooled connections are refused.
 */
export async function startEmbeddedPostgres(dataDir: string, poolSize: number): Promise<EmbeddedPostgres> {
  // Both packages are ESM-only; Node 20.19+ loads them through import().
  const { PGlite: PGliteCtor } = (await import('@electric-sql/pglite')) as unknown as { PGlite: typeof PGlite };
  const { PGLiteSocketServer: ServerCtor } = (await import('@electric-sql/pglite-socket')) as unknown as {
    PGLiteSocketServer: typeof PGLiteSocketServer;
  };
  const dir = join(dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const db = await PGliteCtor.create(dir);
  const server = new ServerCtor({ db, host: '127.0.0.1', port: 0, maxConnections: poolSize + 2 });
  await server.start();
  const [, port] = server.getServerConn().split(':');
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
