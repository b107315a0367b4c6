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

/** The real server on a free loopback port, on its own fresh PostgreSQL database. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'voki-test-'));
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, DATA_DIR: dataDir, DB_POOL_SIZE: '5',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests send many requests from one address; the rate-limit tests turn limits back on.
    RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', ...env,
  });
  const server = await startServer(config, createLogger(config.logLevel));
  return {
    url: server.url,
    server,
    dbName: db.name,
    dataDir,
    async stop() {
      await server.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
