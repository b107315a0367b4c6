import 'reflect-metadata';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { openDatabase } from './database';

/** `npm run migrate`: apply pending migrations to DATABASE_URL (or the embedded database) and exit. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config, log);
  await db.close();
  log.info('migrations up to date');
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 'error', msg: 'migration failed', error: String(error?.message ?? error) }));
  process.exit(1);
});
