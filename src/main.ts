import './production-env';
import 'reflect-metadata';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startServer } from './app';

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  for (const name of config.generatedSecrets) {
    log.warn({ setting: name, dataDir: config.dataDir }, `${name} is not set: using a generated one stored in DATA_DIR`);
  }
  const server = await startServer(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'voki failed to start', error: String(error?.message ?? error) }));
  process.exit(1);
});
