import { defineConfig, ReflectMetadataProvider } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from './src/entities';
import { MIGRATIONS } from './src/db/migrations';

/** Where the ORM and its query builder write; the server passes its structured logger. */
export interface OrmLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The ORM options for one database URL; the server, the tests and `npm run migrate` share them. */
export function ormOptions(clientUrl: string, poolSize = 10, log?: OrmLog) {
  const text = (m: unknown) => (m instanceof Error ? m.message : String(m));
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: poolSize },
    discovery: { warnWhenNoEntities: true },
    forceUtcTimezone: true,
    // Every table carries tenant_id and its own filter; joining a referenced table only to
    // filter it again defeats the partial indexes (the queue position count among them).
    autoJoinRefsForFilters: false,
    debug: false,
    ...(log && {
      logger: (message: string) => log.info({ component: 'orm' }, message),
      // Knex reports pool trouble on its own logger; keep those lines structured too.
      driverOptions: {
        log: {
          warn: (m: unknown) => log.warn({ component: 'knex' }, text(m)),
          error: (m: unknown) => log.error({ component: 'knex' }, text(m)),
          deprecate: (m: unknown) => log.warn({ component: 'knex' }, text(m)),
          debug: () => undefined,
        },
      },
    }),
    // Entities are read through explicit forks; the global context is never used by requests.
    allowGlobalContext: false,
  });
}

export default ormOptions(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/voki');
