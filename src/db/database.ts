import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { ormOptions } from '../../mikro-orm.config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded/postgres';
import type { Config } from '../config';
import type { Logger } from '../logger';

/** Any fixed number; names the migration lock among the database's advisory locks. */
const MIGRATION_LOCK = 72_4201;

export interface Database {
  orm: MikroORM;
  embedded: boolean;
  /** The connection URL (the embedded database's too), for clients beside the ORM (the job queue). */
  url: string;
  /** True when a trivial query answers; used by /health. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL 17 under DATA_DIR, then migrates. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      password: config.embeddedDbPassword,
      log,
      onFatal(error) {
        log.fatal({ err: error }, 'the database is gone: exiting so that a supervisor can start the server afresh');
        process.exit(1);
      },
    });
    url = embedded.url;
    log.info({ dataDir: config.dataDir }, 'using the embedded PostgreSQL 17');
  }
  const orm = await MikroORM.init(ormOptions(url, config.dbPoolSize, log));
  await migrateAlone(url, async () => {
    const applied = await orm.getMigrator().up();
    if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  });
  return {
    orm,
    embedded: !!embedded,
    url,
    async ping() {
      try {
        await orm.em.getConnection().execute('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/**
 * Several instances may start at once on a fresh database: one migrates (ours, and the job
 * queue's schema) while the others wait for it.
 */
export async function migrateAlone(url: string, migrate: () => Promise<void>) {
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate();
  } finally {
    await lock.end().catch(() => undefined);
  }
}
