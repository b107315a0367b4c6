import { Client } from 'pg';
import { Api } from '../helpers/http';
import { startAnotherInstance, startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { eventually } from '../helpers/sockets';
import { APPLICATION_NAME } from '../../src/db/actor-notices';

/**
 * Who a token's user is comes from a cache on each instance. Whatever changes a user's role or
 * status, on whichever instance or behind the services' back, applies to the next request.
 * The two instances here share only PostgreSQL (no Redis, so no bus message between them).
 */
let srv: TestServer;
let other: Awaited<ReturnType<typeof startAnotherInstance>>;
let one: Api;
let two: Api;
let t: TestTenant;
let elsewhere: string;
let psql: Client;

beforeAll(async () => {
  srv = await startTestServer();
  other = await startAnotherInstance(srv);
  one = new Api(srv.url);
  two = new Api(other.url);
  t = await createTenant(one, 'actors');
  // Only the supervisor's role lets them read this department's members.
  elsewhere = (await one.post('/api/v1/departments', { name: 'Elsewhere' }, t.owner)).body.data.id;
  psql = new Client({ connectionString: srv.server.db.url });
  await psql.connect();
}, 60000);
afterEach(async () => {
  await typed("update users set role = 'supervisor', status = 'active' where id = $1 and (role <> 'supervisor' or status <> 'active')", 0);
});

/**
 * A statement about the supervisor typed into psql, behind the services' back, that changes
 * something the trigger watches in `rows` rows; returns once both instances have heard
 * PostgreSQL's notice of it.
 */
async function typed(sql: string, rows: 0 | 1 = 1) {
  const heard = [srv.server, other.server].map((s) => s.deps.actors.expectNotice(t.supervisor.id));
  const { rowCount } = await psql.query(sql, [t.supervisor.id]);
  if (rows) expect(rowCount).toBe(1);
  await Promise.all(heard.map((h) => h(rowCount ? 3000 : 0)));
}
afterAll(async () => {
  await psql?.end();
  await other?.stop();
  await srv?.stop();
});

const members = (api: Api) => api.get(`/api/v1/departments/${elsewhere}/members`, t.supervisor).then((r) => r.status);
const cached = (api: 'one' | 'two') => (api === 'one' ? srv.server : other.server).deps.actors;

it('serves repeated requests from the cache, and a change typed into psql applies once its notice is in', async () => {
  expect(await members(one)).toBe(200);
  expect(cached('one').get(t.supervisor.id, await tenantId())).toMatchObject({ role: 'supervisor' });

  await typed("update users set role = 'attendant' where id = $1");
  expect(cached('one').get(t.supervisor.id, await tenantId())).toBeUndefined();
  expect(await members(one)).toBe(403);
  await typed("update users set role = 'supervisor', status = 'inactive' where id = $1");
  expect((await one.get('/api/v1/users/me', t.supervisor)).status).toBe(401);
});

it('each instance knows the other is listening (a change waits for its eviction)', async () => {
  await eventually(() => cached('one').listeningPeers().length === 1 && cached('two').listeningPeers().length === 1, 5000, 'each knows the other');
  expect(cached('one').listeningPeers()).not.toEqual(cached('two').listeningPeers());
});

it('a demotion through the API on one instance applies to the next request on the other', async () => {
  expect(await members(two)).toBe(200);
  expect(cached('two').get(t.supervisor.id, await tenantId())).toBeDefined();

  expect((await one.put(`/api/v1/users/${t.supervisor.id}`, { role: 'attendant' }, t.manager)).status).toBe(200);
  expect(await members(two)).toBe(403);
  expect((await two.get('/api/v1/users/me', t.supervisor)).body.data.role).toBe('attendant');
});

it('a renamed user is evicted everywhere (the actor carries the name)', async () => {
  expect(await members(two)).toBe(200);
  expect(cached('two').get(t.supervisor.id, await tenantId())).toBeDefined();
  expect((await one.put('/api/v1/users/me', { name: 'Renamed Supervisor' }, t.supervisor)).status).toBe(200);
  // The answer came once the other instance had said it evicted the old name, so it is gone there.
  expect(cached('one').get(t.supervisor.id, await tenantId())).toBeUndefined();
  expect(cached('two').get(t.supervisor.id, await tenantId())).toBeUndefined();
});

it('while its listener is cut off an instance keeps nothing and reads every actor, then listens again', async () => {
  expect(await members(one)).toBe(200);
  const { rows } = await psql.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()', [APPLICATION_NAME]);
  // One listener per instance, both on this database.
  expect(rows).toHaveLength(2);
  await eventually(() => !cached('one').live, 5000, 'the cache turned off');
  expect(cached('one').size).toBe(0);

  // No notice can arrive now (at one); the role is read from the row.
  await typed("update users set role = 'attendant' where id = $1");
  expect(await members(one)).toBe(403);

  await eventually(() => cached('one').live, 5000, 'the listener came back');
  await typed("update users set role = 'supervisor' where id = $1");
  expect(await members(one)).toBe(200);
  expect(cached('one').get(t.supervisor.id, await tenantId())).toMatchObject({ role: 'supervisor' });
});

let tenant: string | undefined;
async function tenantId() {
  tenant ??= (await psql.query('select tenant_id from users where id = $1', [t.supervisor.id])).rows[0].tenant_id as string;
  return tenant;
}

it('stays on across its checks: each one hears the notice it sent itself', async () => {
  expect(cached('one').live).toBe(true);
  // Two check periods (2 s each): a listener that did not hear its own probe would have turned off.
  await new Promise((r) => setTimeout(r, 4500));
  expect([cached('one').live, cached('two').live]).toEqual([true, true]);
  expect(await members(one)).toBe(200);
  expect(cached('one').get(t.supervisor.id, await tenantId())).toMatchObject({ role: 'supervisor' });
});
