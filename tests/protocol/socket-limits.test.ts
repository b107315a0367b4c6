import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { eventually, rawSocket, wsBase } from '../helpers/sockets';

let srv: TestServer;
let api: Api;
let t: TestTenant;

beforeAll(async () => {
  srv = await startTestServer({ ACCESS_TOKEN_TTL: '3', WS_RATE: '20' });
  api = new Api(srv.url);
  t = await createTenant(api, 'limits');
});
afterAll(() => srv?.stop());

describe('sockets live no longer than their token, and obey the HTTP query limits', () => {
  it('closes a Phoenix socket when its access token expires (the client then refreshes and reconnects)', async () => {
    const login = await api.post('/api/auth/login', { email: t.attendant.email, password: 'correct-horse-battery', tenant: t.slug });
    const { ws, closed } = await rawSocket(`${wsBase(srv.url)}/socket/websocket?vsn=2.0.0&token=${login.body.data.access_token}`);
    const keepAlive = setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify([null, 'hb', 'phoenix', 'heartbeat', {}])), 500);
    const result = await closed;
    clearInterval(keepAlive);
    expect(result).toEqual({ code: 1008, reason: 'token expired' });
  }, 15000);

  it('closes a graphql-ws socket with 4403 when its token expires, and refuses over-aliased operations as HTTP does', async () => {
    const login = await api.post('/api/auth/login', { email: t.attendant.email, password: 'correct-horse-battery', tenant: t.slug });
    let closedWith: { code: number; reason: string } | undefined;
    const client = createClient({
      url: `${wsBase(srv.url)}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
      connectionParams: { authorization: `Bearer ${login.body.data.access_token}` },
      on: { closed: (e: any) => (closedWith ??= { code: e.code, reason: e.reason }) },
      onNonLazyError: () => undefined,
    });
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: me { id }`).join(" ");
    const result: any[] = [];
    client.subscribe({ query: `{ ${aliases} }` }, { next: (r) => result.push(r), error: (e) => result.push({ error: e }), complete: () => undefined });
    await eventually(() => result.length, 5000, 'an answer');
    expect(JSON.stringify(result[0])).toMatch(/Aliases limit/);
    await eventually(() => closedWith, 10000, 'expiry close');
    expect(closedWith).toEqual({ code: 4403, reason: 'Token expired' });
    await client.dispose();
  }, 15000);

  it('closes a graphql-ws socket that floods, with 1008, as the Phoenix endpoint does', async () => {
    const ws = new WebSocket(`${wsBase(srv.url)}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    for (let i = 0; i < 200; i++) ws.send(JSON.stringify({ type: 'ping' }));
    expect(await closed).toBe(1008);
  });

  it('closes every socket of a user who is deactivated, on both endpoints', async () => {
    // Tokens live 3 s in this file: the owner logs in afresh.
    const ownerLogin = await api.post('/api/auth/login', { email: t.owner.email, password: 'correct-horse-battery', tenant: t.slug });
    const owner = { token: ownerLogin.body.data.access_token, tenant: t.slug };
    const email = `temp@${t.slug}.test`;
    const created = await api.post('/api/v1/users', { user: { name: 'Temp', email, password: 'correct-horse-battery', role: 'attendant' } }, owner);
    expect(created.status).toBe(201);
    const login = await api.post('/api/auth/login', { email, password: 'correct-horse-battery', tenant: t.slug });
    const token = login.body.data.access_token;
    const phoenix = await rawSocket(`${wsBase(srv.url)}/socket/websocket?vsn=2.0.0&token=${token}`);
    let gqlClosed: { code: number; reason: string } | undefined;
    const client = createClient({
      url: `${wsBase(srv.url)}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
      connectionParams: { authorization: `Bearer ${token}` },
      on: { closed: (e: any) => (gqlClosed ??= { code: e.code, reason: e.reason }) },
      onNonLazyError: () => undefined,
    });
    const me: any[] = [];
    client.subscribe({ query: '{ me { id } }' }, { next: (r) => me.push(r), error: () => undefined, complete: () => undefined });
    await eventually(() => me.length, 2000, 'graphql-ws connected');
    expect((await api.request('DELETE', `/api/v1/users/${created.body.data.id}`, { auth: owner })).status).toBe(204);
    expect(await phoenix.closed).toEqual({ code: 1008, reason: 'session revoked' });
    await eventually(() => gqlClosed, 2000, 'graphql-ws closed');
    expect(gqlClosed).toEqual({ code: 4403, reason: 'Session revoked' });
    await client.dispose();
  });
});
