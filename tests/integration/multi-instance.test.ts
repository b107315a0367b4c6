import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { Api } from '../helpers/http';
import { createTestDatabase } from '../helpers/database';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { Presence, collect, connectPhoenix, eventually, join, quiet } from '../helpers/sockets';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const JWT_SECRET = 'multi-instance-secret-that-is-long-enough-0123456789';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let one: ServerProcess;
let two: ServerProcess;
let apiOne: Api;
let apiTwo: Api;
let t: TestTenant;
let link: string;
const dirs: string[] = [];
const sockets: any[] = [];

/** Two built servers, one PostgreSQL database, one Redis: what two instances behind a balancer share. */
async function instance() {
  const dir = mkdtempSync(pathJoin(tmpdir(), 'voki-multi-'));
  dirs.push(dir);
  return spawnServer({
    DATABASE_URL: db.url, REDIS_URL, JWT_SECRET, DATA_DIR: dir, LOG_LEVEL: 'info', TIMER_INTERVAL_MS: '200',
    RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', PRESENCE_LEASE_MS: '1500', RECONNECT_GRACE: '1',
  });
}
const open = async (url: string, token: string) => {
  const s = await connectPhoenix(url, token);
  sockets.push(s);
  return s;
};

beforeAll(async () => {
  db = await createTestDatabase();
  one = await instance();
  two = await instance();
  apiOne = new Api(one.url);
  apiTwo = new Api(two.url);
  t = await createTenant(apiOne, 'multi');
  link = await createLink(apiOne, t.supervisor, t.departmentId);
}, 120000);
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The attendant goes online on instance one; resolves once a supervisor on two sees it. */
async function agentOnOneSeenOnTwo(): Promise<() => string[]> {
  const watcher = await open(two.url, t.supervisor.token);
  const channel = watcher.channel(`presence:${t.departmentId}`, { status: 'away' });
  const presence = new Presence(channel);
  expect((await join(channel)).status).toBe('ok');
  const agent = await open(one.url, t.attendant.token);
  expect((await join(agent.channel(`presence:${t.departmentId}`, {}))).status).toBe('ok');
  const online = () => presence.list((id: string) => id) as string[];
  await eventually(() => online().includes(t.attendant.id), 5000, 'agent seen across instances');
  return online;
}

describe('two instances sharing Redis behave as one', () => {
  it('a customer joins on one, the agent on the other hears customer_joined; the customer hears the assignment made on the other', async () => {
    const agent = await open(two.url, t.attendant.token);
    const queue = agent.channel(`queue:${t.departmentId}`, {});
    const joinedEvents = collect(queue, 'customer_joined');
    expect((await join(queue)).status).toBe('ok');
    const joined = await joinQueue(apiOne, link, { name: 'Across' });
    await eventually(() => joinedEvents.find((e) => e.call_id === joined.callId), 5000, 'customer_joined on the other instance');

    const customer = await open(one.url, joined.websocketToken);
    const call = customer.channel(`call:${joined.callId}`, {});
    const assigned = collect(call, 'call_assigned');
    expect((await join(call)).status).toBe('ok');
    await apiTwo.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant);
    await eventually(() => assigned.length, 5000, 'call_assigned across instances');
  });

  it('shares presence: an agent online on one counts on the other, and the widget sees them', async () => {
    await agentOnOneSeenOnTwo();
    expect((await apiTwo.get(`/api/v1/call/${link}/validate`)).body.data.online_agents).toBe(1);
  });

  it('sends an appointment reminder once, though both instances sweep', async () => {
    const s1 = await open(one.url, t.attendant.token);
    const s2 = await open(two.url, t.attendant.token);
    const seen: any[] = [];
    for (const s of [s1, s2]) {
      const inbox = s.channel(`notification:${t.attendant.id}`, {});
      inbox.on('appointment_reminder', (p: any) => seen.push(p));
      expect((await join(inbox)).status).toBe('ok');
    }
    const scheduled = new Date(Date.now() + 5 * 60000).toISOString();
    const created = await apiOne.post('/api/v1/appointments', { appointment: { title: 'Once', scheduled_at: scheduled } }, t.attendant);
    expect(created.status).toBe(201);
    // Each socket hears it once: two deliveries of one reminder.
    await eventually(() => seen.length >= 2, 5000, 'reminder');
    await quiet(1000);
    expect(seen.filter((p) => p.appointment_id === created.body.data.id)).toHaveLength(2);
  });

  it('runs the reconnection grace across instances: the customer drops on one, the agent on the other sees the call end', async () => {
    const joined = await joinQueue(apiOne, link, { name: 'Grace' });
    await apiOne.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant);
    await apiOne.post(`/api/v1/calls/${joined.callId}/start`, undefined, t.attendant);
    const agent = await open(two.url, t.attendant.token);
    const agentCall = agent.channel(`call:${joined.callId}`, {});
    const down = collect(agentCall, 'peer_disconnected');
    const ended = collect(agentCall, 'call_ended');
    expect((await join(agentCall)).status).toBe('ok');
    const customer = await open(one.url, joined.websocketToken);
    expect((await join(customer.channel(`call:${joined.callId}`, {}))).status).toBe('ok');
    customer.disconnect();
    await eventually(() => down.length, 5000, 'peer_disconnected on the other instance');
    await eventually(() => ended.length, 8000, 'call_ended after the grace');
    expect(ended).toEqual([{ reason: 'disconnect' }]);
    expect((await apiTwo.get(`/api/v1/calls/${joined.callId}`, t.attendant)).body.data.end_reason).toBe('disconnect');
  });

  it('expires the presences of an instance that crashed', async () => {
    const online = await agentOnOneSeenOnTwo();
    await one.stop('SIGKILL');
    await eventually(() => !online().includes(t.attendant.id), 10000, 'agent expired');
    expect((await apiTwo.get(`/api/v1/call/${link}/validate`)).body.data.online_agents).toBe(0);
  });
});
