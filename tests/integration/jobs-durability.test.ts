import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Api } from '../helpers/http';
import { createTestDatabase } from '../helpers/database';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { startReceiver } from '../helpers/receiver';
import { eventually } from '../helpers/sockets';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const dir = mkdtempSync(pathJoin(tmpdir(), 'voki-jobs-'));
const running: ServerProcess[] = [];
const closers: Array<() => Promise<void>> = [];

/** The built server, as `npm start` runs it, on the shared test database. */
async function server(env: Record<string, string> = {}) {
  const s = await spawnServer({
    DATABASE_URL: db.url, DATA_DIR: dir, JWT_SECRET: 'jobs-durability-secret-long-enough-0123456789', LOG_LEVEL: 'info',
    RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', MEDIA: 'off', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_RETRY_SCHEDULE: '1,1,1', JOB_MAINTENANCE_SECONDS: '1', OUTBOX_INTERVAL_MS: '100', ...env,
  });
  running.push(s);
  return s;
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function setUp(api: Api, prefix: string, url: string, events = ['call.queued']) {
  const t: TestTenant = await createTenant(api, prefix);
  const link = await createLink(api, t.supervisor, t.departmentId);
  const hook = await api.post('/api/v1/webhooks', { webhook: { url, events } }, t.manager);
  expect(hook.status).toBe(201);
  return { t, link, hook: hook.body.data as { id: string; secret: string } };
}

describe('durable background work, with the server killed by SIGKILL', () => {
  it('a delivery in flight when the server dies is attempted again after a restart, and completes once', async () => {
    let answer: 'hang' | 200 = 'hang';
    const r = await startReceiver(() => answer);
    closers.push(r.close);
    const first = await server();
    const { t, link, hook } = await setUp(new Api(first.url), 'killed', r.url);
    await joinQueue(new Api(first.url), link);
    await eventually(() => r.received.length === 1, 10000, 'the attempt in flight');
    expect(await first.stop('SIGKILL')).toBeNull();

    answer = 200;
    const second = await server();
    // pg-boss takes the dead worker's job for expired (the timeout plus 5 s) and runs it again.
    await eventually(() => r.received.length === 2, 30000, 'the attempt after the restart');
    const api = new Api(second.url);
    const log = await eventually(async () => {
      const d = (await api.get(`/api/v1/webhooks/${hook.id}/deliveries`, t.manager)).body.data;
      return d[0]?.status === 'delivered' ? d : undefined;
    }, 10000, 'delivered');
    expect(log).toHaveLength(1);
    expect(log[0].attempts).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(r.received).toHaveLength(2);
    expect(r.received[0].headers['webhook-id']).toBe(r.received[1].headers['webhook-id']);
    expect((new Webhook(hook.secret).verify(r.received[1].body, r.received[1].headers) as any).type).toBe('call.queued');
  });

  it('an event committed just before the crash is delivered after the restart (the outbox)', async () => {
    const r = await startReceiver();
    closers.push(r.close);
    // The relay practically off: the join commits its event, nothing picks it up before the kill.
    const first = await server({ OUTBOX_INTERVAL_MS: '3600000' });
    const { t, link, hook } = await setUp(new Api(first.url), 'outbox', r.url);
    const joined = await joinQueue(new Api(first.url), link);
    expect(await first.stop('SIGKILL')).toBeNull();
    expect(r.received).toHaveLength(0);

    await server();
    await eventually(() => r.received.length === 1, 15000, 'the event after the restart');
    const event = new Webhook(hook.secret).verify(r.received[0].body, r.received[0].headers) as any;
    expect(event).toMatchObject({ type: 'call.queued', data: { id: joined.callId, status: 'queued' } });
    expect(t.slug).toBeTruthy();
  });
});

describe('webhook URLs that would reach inside (SSRF), without WEBHOOK_ALLOW_PRIVATE', () => {
  let strict: ServerProcess;
  let api: Api;
  let t: TestTenant;
  beforeAll(async () => {
    strict = await spawnServer({
      DATABASE_URL: db.url, DATA_DIR: dir, JWT_SECRET: 'jobs-durability-secret-long-enough-0123456789', LOG_LEVEL: 'info',
      RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', MEDIA: 'off',
    });
    api = new Api(strict.url);
    t = await createTenant(api, 'ssrf');
  });
  afterAll(() => strict?.stop());

  it.each([
    'http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.1.2.3/', 'http://192.168.0.10/', 'http://172.20.0.1/',
    'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/',
  ])('refuses %s with 422', async (url) => {
    const res = await api.post('/api/v1/webhooks', { webhook: { url, events: ['*'] } }, t.manager);
    expect(res.status).toBe(422);
    expect(res.body.errors.url).toEqual(['must not point to a loopback, private or link-local address']);
  });
});
