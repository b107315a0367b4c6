import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000_core } from './Migration20261121000000_core';
import { Migration20261121010000_calls } from './Migration20261121010000_calls';
import { Migration20261121020000_realtime } from './Migration20261121020000_realtime';
import { Migration20261203000000_desk } from './Migration20261203000000_desk';
import { Migration20261203010000_jobs } from './Migration20261203010000_jobs';
import { Migration20261203020000_artifacts } from './Migration20261203020000_artifacts';
import { Migration20261204000000_actor_notices } from './Migration20261204000000_actor_notices';

/** Listed explicitly so the same set runs from TypeScript (tests) and from the build. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261121000000_core', class: Migration20261121000000_core },
  { name: 'Migration20261121010000_calls', class: Migration20261121010000_calls },
  { name: 'Migration20261121020000_realtime', class: Migration20261121020000_realtime },
  { name: 'Migration20261203000000_desk', class: Migration20261203000000_desk },
  { name: 'Migration20261203010000_jobs', class: Migration20261203010000_jobs },
  { name: 'Migration20261203020000_artifacts', class: Migration20261203020000_artifacts },
  { name: 'Migration20261204000000_actor_notices', class: Migration20261204000000_actor_notices },
];
