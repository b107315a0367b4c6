import { defineConfig, ReflectMetadataProvider } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from './src/entities';
import { MIGRATIONS } from './src/db/migrations';

/** The ORM options for one database URL; the server, the tests and `npm run migrate` share them. */
export function ormOptions(clientUrl: string, poolSize = 10) {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: poolSize },
    discovery: { warnWhenNoEntities: true },
    forceUtcTimezone: true,
    debug: false,
    // Entities are read through explicit forks; the global context is never used by requests.
    allowGlobalContext: false,
  });
}

export default ormOptions(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/voki');
