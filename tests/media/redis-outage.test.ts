import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink } from '../helpers/calls';
import { eventually } from '../helpers/sockets';
import { mediaWorld } from '../helpers/media-calls';
import { freePort } from '../../src/free-port';

/**
 * With REDIS_URL set, which instance holds a call's room is known to Redis alone. Here the
 * server has a Redis of its own, which the test kills and starts again.
 */
let redis: ChildProcess | undefined;
let redisPort: number;
let srv: TestServer;
let api: Api;
let t: TestTenant;
const world = mediaWorld(() => srv.url);
const { peer } = world;

async function startRedis() {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(() => new Promise<boolean>((resolve) => {
    const probe = connect(redisPort, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
    probe.unref();
    setTimeout(() => probe.destroy(), 200);
  }), 5000, 'redis listening');
}

async function stopRedis() {
  const r = redis;
  redis = undefined;
  if (!r || r.exitCode !== null) return;
  await new Promise((resolve) => r.once('exit', resolve).kill('SIGKILL'));
}

beforeAll(async () => {
  redisPort = await freePort();
  await startRedis();
  srv = await startTestServer({ REDIS_URL: `redis://127.0.0.1:${redisPort}` });
  api = new Api(srv.url);
  t = await createTenant(api, 'sfu-redis');
}, 60000);
afterAll(async () => {
  await world.afterAll();
  await srv?.stop();
  await stopRedis();
});

it('Redis gone: an offer is refused with a reply to try again, media already flowing goes on, and signalling works once Redis is back', async () => {
  const call = await world.activeCall(api, t, await createLink(api, t.supervisor, t.departmentId), 'Redis Outage');
  const { customerId, customer: customerChannel } = call;
  const customer = peer(customerChannel, ['audio', 'video']);
  const agent = peer(call.agent, ['audio', 'video']);
  expect((await customer.start()).status).toBe('ok');
  expect((await agent.start()).status).toBe('ok');
  customer.startMedia();
  agent.startMedia();
  await eventually(() => agent.from(customerId, 'video') > 5, 10000, 'media before the outage');

  await stopRedis();
  const refused = await peer(customerChannel, ['audio', 'video']).start();
  expect(refused).toEqual({ status: 'error', response: expect.objectContaining({ code: 'CONFLICT', reason: expect.stringMatching(/try again/) }) });
  const before = agent.from(customerId, 'video');
  await eventually(() => agent.from(customerId, 'video') > before + 5, 10000, 'media during the outage');

  await startRedis();
  const again = await eventually(async () => {
    const reply = await peer(customerChannel, ['audio', 'video']).start();
    return reply.status === 'ok' ? reply : undefined;
  }, 15000, 'an offer answered once Redis is back');
  expect(again).toEqual({ status: 'ok', response: {} });
}, 60000);

it('the server stops while Redis is gone', async () => {
  await world.afterEach();
  await stopRedis();
  const server = srv;
  srv = undefined as unknown as TestServer;
  await server.stop();
}, 30000);
