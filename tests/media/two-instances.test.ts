import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { Api } from '../helpers/http';
import { createTestDatabase } from '../helpers/database';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { collect, connectPhoenix, eventually, join, quiet } from '../helpers/sockets';
import { closeLeftoverSockets, TestPeer } from '../helpers/webrtc';
import { tokenSubject } from '../helpers/media-calls';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const GRACE_S = 3;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let one: ServerProcess;
let two: ServerProcess;
let api: Api;
let t: TestTenant;
let link: string;
const dirs: string[] = [];
const sockets: any[] = [];
const peers: TestPeer[] = [];

/** Two instances behind an imaginary balancer: one database, one Redis. */
async function instance() {
  const dir = mkdtempSync(pathJoin(tmpdir(), 'voki-media2-'));
  dirs.push(dir);
  return spawnServer({
    DATABASE_URL: db.url, REDIS_URL, JWT_SECRET: 'two-instance-media-secret-long-enough-0123456789', DATA_DIR: dir,
    RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', PRESENCE_LEASE_MS: '1500', RECONNECT_GRACE: String(GRACE_S), TIMER_INTERVAL_MS: '200',
  });
}
const open = async (url: string, token: string) => {
  const s = await connectPhoenix(url, token);
  sockets.push(s);
  return s;
};

beforeAll(async () => {
  db = await createTestDatabase();
  [one, two] = await Promise.all([instance(), instance()]);
  api = new Api(one.url);
  t = await createTenant(api, 'media2');
  link = await createLink(api, t.supervisor, t.departmentId);
}, 120000);
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  closeLeftoverSockets();
  await Promise.all([one?.stop(), two?.stop()]);
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function activeCall() {
  const joined = await joinQueue(api, link, { name: 'Two Sides' });
  expect((await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant)).status).toBe(200);
  expect((await api.post(`/api/v1/calls/${joined.callId}/start`, undefined, t.attendant)).status).toBe(200);
  return { ...joined, customerId: tokenSubject(joined.websocketToken) };
}

function peer(channel: any) {
  const p = new TestPeer(channel, ['audio', 'video']);
  peers.push(p);
  return p;
}

describe('media across two instances', () => {
  it('each instance logs its workers at start and on SIGUSR2', async () => {
    const line = (out: string) => out.split('\n').filter((l) => l.includes('"msg":"media workers"'));
    expect(line(one.output())).toHaveLength(1);
    expect(JSON.parse(line(one.output())[0]).workers).toEqual([expect.objectContaining({ index: 0, pid: expect.any(Number), rooms: 0, transports: 0, producers: 0, consumers: 0, cpu_percent: expect.any(Number) })]);
    one.child.kill('SIGUSR2');
    await eventually(() => line(one.output()).length === 2, 5000, 'a second report');
  });

  it('customer on one instance, agent on the other: media both ways, and back after the customer reconnects to the other instance', async () => {
    const call = await activeCall();
    const customerChannel = (await open(one.url, call.websocketToken)).channel(`call:${call.callId}`, {});
    const agentChannel = (await open(two.url, t.attendant.token)).channel(`call:${call.callId}`, {});
    expect((await join(customerChannel)).status).toBe('ok');
    expect((await join(agentChannel)).status).toBe('ok');
    const disconnected = collect(agentChannel, 'peer_disconnected');
    const reconnected = collect(agentChannel, 'peer_reconnected');
    const customer = peer(customerChannel);
    const agent = peer(agentChannel);
    expect(await customer.start()).toEqual({ status: 'ok', response: {} });
    expect(await agent.start()).toEqual({ status: 'ok', response: {} });
    customer.startMedia();
    agent.startMedia();
    await eventually(() => agent.from(call.customerId, 'video') > 5 && agent.from(call.customerId, 'audio') > 5, 15000, 'agent receives the customer');
    await eventually(() => customer.from(t.attendant.id, 'video') > 5 && customer.from(t.attendant.id, 'audio') > 5, 15000, 'customer receives the agent');

    // The customer's connection drops; they come back within the grace on the other instance, with a new RTCPeerConnection.
    await customer.close();
    sockets[0].disconnect();
    await eventually(() => disconnected.length, 10000, 'peer_disconnected');
    const back = (await open(two.url, call.websocketToken)).channel(`call:${call.callId}`, {});
    expect((await join(back)).status).toBe('ok');
    await eventually(() => reconnected.length, 10000, 'peer_reconnected');
    const again = peer(back);
    expect(await again.start()).toEqual({ status: 'ok', response: {} });
    again.startMedia();
    const before = agent.from(call.customerId, 'video');
    await eventually(() => agent.from(call.customerId, 'video') > before + 5, 15000, 'agent receives the reconnected customer');
    await eventually(() => again.from(t.attendant.id, 'audio') > 5, 15000, 'the reconnected customer receives the agent');
    expect((await api.get(`/api/v1/calls/${call.callId}`, t.attendant)).body.data.status).toBe('active');
  });

  it('a participant connected to both instances is not gone when one of the two sockets drops', async () => {
    const call = await activeCall();
    const agentChannel = (await open(one.url, t.attendant.token)).channel(`call:${call.callId}`, {});
    expect((await join(agentChannel)).status).toBe('ok');
    const disconnected = collect(agentChannel, 'peer_disconnected');
    const first = await open(one.url, call.websocketToken);
    expect((await join(first.channel(`call:${call.callId}`, {}))).status).toBe('ok');
    const second = await open(two.url, call.websocketToken);
    expect((await join(second.channel(`call:${call.callId}`, {}))).status).toBe('ok');
    first.disconnect();
    // Past the grace and a few timer sweeps: had the grace started, the call would have ended.
    await quiet(GRACE_S * 1000 + 1500);
    expect(disconnected).toEqual([]);
    expect((await api.get(`/api/v1/calls/${call.callId}`, t.attendant)).body.data.status).toBe('active');
    second.disconnect();
    await eventually(() => disconnected.length, 10000, 'peer_disconnected once the last socket goes');
    expect(disconnected[0]).toEqual({ user_id: call.customerId, role: 'customer' });
  });
});

describe('an instance that dies', () => {
  it('takes its rooms with it; the participants reconnect to the other instance, offer again, and media flows there', async () => {
    const call = await activeCall();
    const customerChannel = (await open(one.url, call.websocketToken)).channel(`call:${call.callId}`, {});
    const agentChannel = (await open(one.url, t.attendant.token)).channel(`call:${call.callId}`, {});
    expect((await join(customerChannel)).status).toBe('ok');
    expect((await join(agentChannel)).status).toBe('ok');
    const first = [peer(customerChannel), peer(agentChannel)];
    for (const p of first) expect(await p.start()).toEqual({ status: 'ok', response: {} });
    first[0].startMedia();
    await eventually(() => first[1].from(call.customerId, 'video') > 5, 15000, 'media through instance one');
    await one.stop('SIGKILL');
    for (const p of first) await p.close();
    const api2 = new Api(two.url);
    const customer2 = (await open(two.url, call.websocketToken)).channel(`call:${call.callId}`, {});
    const agent2 = (await open(two.url, t.attendant.token)).channel(`call:${call.callId}`, {});
    expect((await join(customer2)).status).toBe('ok');
    expect((await join(agent2)).status).toBe('ok');
    const again = [peer(customer2), peer(agent2)];
    // The dead instance's lease lapses within PRESENCE_LEASE_MS; until then its room is still
    // "owned", and an offer is refused once the owner has not answered (CONFLICT, try again).
    if ((await again[0].start()).status !== 'ok') await eventually(async () => (await again[0].offer()).status === 'ok', 20000, 'the room taken over');
    expect(await again[1].start()).toEqual({ status: 'ok', response: {} });
    for (const p of again) p.startMedia();
    await eventually(() => again[1].from(call.customerId, 'video') > 5 && again[0].from(t.attendant.id, 'audio') > 5, 15000, 'media through instance two');
    expect((await api2.get(`/api/v1/calls/${call.callId}`, t.attendant)).body.data.status).toBe('active');
  });
});
