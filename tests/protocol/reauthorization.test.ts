import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { connectPhoenix, eventually, join, wsBase } from '../helpers/sockets';

/**
 * Sockets authenticate once, at connect; every operation on them is then authorized with the
 * user's role and status as they are now, read from the database, as an HTTP request is. The bus
 * message that closes a demoted user's sockets is at most once, so correctness cannot hang on it.
 */
let srv: TestServer;
let api: Api;
let t: TestTenant;
let otherDepartment: string;
const clients: Client[] = [];
const sockets: any[] = [];

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'reauth');
  // A department the supervisor is not a member of: only their role lets them see it.
  otherDepartment = (await api.post('/api/v1/departments', { name: 'Elsewhere' }, t.owner)).body.data.id;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  for (const s of sockets.splice(0)) s.disconnect();
  // Put the supervisor back for the next test.
  await setUser(t.supervisor.id, { role: 'supervisor', status: 'active' });
});
afterAll(() => srv?.stop());

/**
 * Changes the user's row behind the services' back: no bus message is sent. Like the services,
 * it returns once this instance has heard PostgreSQL's notice of the change (what evicts the
 * actor cache); a write behind their back applies from that moment (README, Security model).
 */
async function setUser(id: string, fields: { role: string; status: string }) {
  const heard = srv.server.deps.actors.expectNotice(id);
  await srv.server.db.orm.em.fork().getConnection().execute('update users set role = ?, status = ? where id = ?', [fields.role, fields.status, id]);
  await heard(5000);
}

function gqlClient(token: string) {
  const closes: number[] = [];
  const c = createClient({
    url: `${wsBase(srv.url)}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
    connectionParams: { authorization: `Bearer ${token}`, tenant: t.slug },
    on: { closed: (e) => closes.push((e as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  clients.push(c);
  // The client closes an idle socket by itself (1000); an open subscription keeps this one socket
  // for the whole test, so every operation below runs on it.
  c.subscribe({ query: 'subscription { notifications { event } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  return { c, closes };
}

/** One operation's first answer: its data, or the code of its first error. */
function first(c: Client, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; code?: string }> {
  return new Promise((resolve) => {
    const stop = c.subscribe({ query, variables }, {
      next: (r: any) => {
        stop();
        resolve(r.errors ? { code: r.errors[0].extensions?.code } : { data: r.data });
      },
      error: (e: any) => resolve({ code: Array.isArray(e) ? e[0]?.extensions?.code : `close ${e?.code}` }),
      complete: () => undefined,
    });
  });
}

const MEMBERS = 'query($d: ID!) { departmentMembers(id: $d) { meta { totalCount } } }';
const QUEUE = 'subscription($d: ID!) { queueEvents(departmentId: $d) { event } }';

async function phoenix(token: string) {
  const socket = await connectPhoenix(srv.url, token);
  sockets.push(socket);
  return socket;
}

describe('a supervisor demoted while their sockets are open, with no bus message arriving', () => {
  it('graphql-ws: the next query and subscription run with the new role', async () => {
    const { c, closes } = gqlClient(t.supervisor.token);
    expect(await first(c, MEMBERS, { d: otherDepartment })).toEqual({ data: { departmentMembers: { meta: { totalCount: 0 } } } });
    expect(await first(c, QUEUE, { d: otherDepartment })).toEqual({ data: { queueEvents: { event: 'queue_update' } } });

    await setUser(t.supervisor.id, { role: 'attendant', status: 'active' });
    expect(await first(c, MEMBERS, { d: otherDepartment })).toEqual({ code: 'FORBIDDEN' });
    expect((await first(c, QUEUE, { d: otherDepartment })).code).toBe('FORBIDDEN');
    // The server refused the operations and closed nothing: the graphql-ws client itself closes
    // with 1000 after an operation ends in an `error` message (seen with graphql-ws 6.4), and
    // would reconnect; a close by the server would carry 4403 or 1008.
    expect(await first(c, '{ me { role } }')).toEqual({ data: { me: { role: 'attendant' } } });
    expect(closes.filter((code) => code !== 1000)).toEqual([]);
  });

  it('graphql-ws: a deactivated user is refused on the next operation', async () => {
    const { c } = gqlClient(t.supervisor.token);
    expect(await first(c, '{ me { id } }')).toEqual({ data: { me: { id: t.supervisor.id } } });
    await setUser(t.supervisor.id, { role: 'supervisor', status: 'inactive' });
    expect(await first(c, '{ me { id } }')).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('Phoenix: the next join is authorized with the new role', async () => {
    const socket = await phoenix(t.supervisor.token);
    expect((await join(socket.channel(`queue:${otherDepartment}`, {}))).status).toBe('ok');

    await setUser(t.supervisor.id, { role: 'attendant', status: 'active' });
    expect(await join(socket.channel(`presence:${otherDepartment}`, {}))).toEqual({ status: 'error', response: { reason: 'unauthorized' } });
    // Their own department still admits them: the socket is fine, the role is what changed.
    await api.post(`/api/v1/departments/${t.departmentId}/members`, { user_id: t.supervisor.id }, t.owner);
    expect((await join(socket.channel(`queue:${t.departmentId}`, {}))).status).toBe('ok');
    expect(socket.isConnected()).toBe(true);
    await api.request('DELETE', `/api/v1/departments/${t.departmentId}/members/${t.supervisor.id}`, { auth: t.owner });
  });

  it('Phoenix: a deactivated user is refused on the next join', async () => {
    const socket = await phoenix(t.supervisor.token);
    expect((await join(socket.channel(`notification:${t.supervisor.id}`, {}))).status).toBe('ok');
    await setUser(t.supervisor.id, { role: 'supervisor', status: 'inactive' });
    const refused = await join(socket.channel(`queue:${otherDepartment}`, {}));
    expect(refused.status).toBe('error');
    expect(refused.response.reason).not.toBe('join crashed');
  });
});

describe('a supervisor demoted through the API, so the bus message is sent', () => {
  it('their graphql-ws and Phoenix sockets are closed, and what they reconnect with is authorized anew', async () => {
    const { c, closes } = gqlClient(t.supervisor.token);
    expect(await first(c, MEMBERS, { d: otherDepartment })).toMatchObject({ data: expect.any(Object) });
    const socket = await phoenix(t.supervisor.token);
    const phoenixCloses: number[] = [];
    socket.onClose((e: { code: number }) => phoenixCloses.push(e.code));
    expect((await join(socket.channel(`queue:${otherDepartment}`, {}))).status).toBe('ok');

    expect((await api.put(`/api/v1/users/${t.supervisor.id}`, { role: 'attendant' }, t.manager)).status).toBe(200);
    await eventually(() => closes.length && phoenixCloses.length, 5000, 'both sockets closed');
    expect(closes[0]).toBe(4403);
    expect(phoenixCloses[0]).toBe(1008);

    // The old access token still verifies, but what it may do is read from the database.
    const again = gqlClient(t.supervisor.token);
    expect(await first(again.c, MEMBERS, { d: otherDepartment })).toEqual({ code: 'FORBIDDEN' });
  });
});
