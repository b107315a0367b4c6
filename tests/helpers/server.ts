import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startServer, type VokiServer } from '../../src/app';
import { createTestDatabase } from './database';

export interface TestServer {
  url: string;
  server: VokiServer;
  dbName: string;
  dataDir: string;
  stop(): Promise<void>;
}

const configFor = (databaseUrl: string, dataDir: string, env: Record<string, string>) => loadConfig({
  PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, DB_POOL_SIZE: '5',
  JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  // Tests send many requests from one address; the rate-limit tests turn limits back on.
  RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0',
  // One media worker on loopback, on whatever ports are free, so test servers can run side by side.
  MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_PORT: '0', ...env,
});

/**
 * Stops the test server and starts a new one on the same database and DATA_DIR (as a restart
 * would), with `env`; the caller closes it. The original's stop() then only drops the database.
 */
export async function restart(srv: TestServer, env: Record<string, string> = {}): Promise<VokiServer> {
  const url = srv.server.db.orm.config.get('clientUrl') as string;
  await srv.server.close();
  const config = configFor(url, srv.dataDir, env);
  return startServer(config, createLogger(config.logLevel));
}

/** The real server on a free loopback port, on its own fresh PostgreSQL database. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'voki-test-'));
  const config = configFor(db.url, dataDir, env);
  const server = await startServer(config, createLogger(config.logLevel));
  return {
    url: server.url,
    server,
    dbName: db.name,
    dataDir,
    async stop() {
      await server.close();
      await db.drop();
      if (!process.env.KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Another instance on the test server's database, with its own DATA_DIR and no Redis unless
 * `env` names one: what it learns from the first comes through PostgreSQL alone.
 */
export async function startAnotherInstance(srv: TestServer, env: Record<string, string> = {}): Promise<{ url: string; server: VokiServer; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'voki-test-'));
  const config = configFor(srv.server.db.url, dataDir, env);
  const server = await startServer(config, createLogger(config.logLevel));
  return {
    url: server.url,
    server,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
