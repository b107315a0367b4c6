import { Api } from '../helpers/http';
import { adminQuery } from '../helpers/database';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, PASSWORD, type TestTenant } from '../helpers/tenants';

describe('database outage', () => {
  let srv: TestServer;
  let api: Api;
  let t: TestTenant;

  beforeAll(async () => {
    srv = await startTestServer();
    api = new Api(srv.url);
    t = await createTenant(api, 'ops');
  });
  afterAll(() => srv?.stop());

  /**
   * The server's background sweeps reconnect within a second, so a connection may come back
   * between the terminate and the rename: try again until the rename gets in first.
   */
  async function rename(from: string, to: string) {
    for (let attempt = 1; ; attempt++) {
      await adminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${from}'`);
      try {
        return await adminQuery(`alter database ${from} rename to ${to}`);
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
      }
    }
  }

  it('answers 503 (never 500) while the database is gone, and recovers after', async () => {
    const hidden = `${srv.dbName}_away`;
    await rename(srv.dbName, hidden);
    try {
      const health = await api.get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable' });
      expect(health.headers.get('retry-after')).toBe('5');
      const rest = await api.get('/api/v1/tags', t.attendant);
      expect(rest.status).toBe(503);
      expect(rest.body).toEqual({ errors: { detail: 'Service unavailable' } });
      expect(rest.headers.get('retry-after')).toBeTruthy();
      const gql = await api.graphql('{ tags { data { id } } }', undefined, t.attendant);
      expect(gql.body.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await rename(hidden, srv.dbName);
    }
    expect((await api.get('/health')).status).toBe(200);
    expect((await api.get('/api/v1/tags', t.attendant)).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  it('finishes requests already in flight, then refuses new connections', async () => {
    const srv = await startTestServer();
    const api = new Api(srv.url);
    const t = await createTenant(api, 'bye');
    let received = 0;
    const allReceived = new Promise<void>((resolve) => srv.server.httpServer.on('request', () => ++received === 5 && resolve()));
    const inFlight = Array.from({ length: 5 }, () => api.post('/api/auth/login', { email: t.attendant.email, password: PASSWORD, tenant: t.slug }));
    await allReceived;
    const closing = srv.stop();
    const replies = await Promise.all(inFlight);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await closing;
    await expect(fetch(`${srv.url}/health`)).rejects.toThrow();
  });
});

describe('signals', () => {
  it('the built server on PostgreSQL exits 0 on SIGTERM, with one orderly stop', async () => {
    const { spawnServer } = await import('../helpers/process');
    const { createTestDatabase } = await import('../helpers/database');
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const db = await createTestDatabase();
    try {
      const proc = await spawnServer({ DATABASE_URL: db.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'voki-sig-')) });
      expect((await fetch(`${proc.url}/health`)).status).toBe(200);
      expect(await proc.stop('SIGTERM')).toBe(0);
      expect(proc.output().match(/"msg":"voki stopped"/g)).toHaveLength(1);
    } finally {
      await db.drop();
    }
  });
});
