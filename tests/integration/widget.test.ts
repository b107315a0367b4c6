import { createHmac } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { completeCall, createLink, joinQueue } from '../helpers/calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;

const TURN_SECRET = 'turn-shared-secret-for-tests';

beforeAll(async () => {
  srv = await startTestServer({
    PUBLIC_URL: 'https://voki.example.com', TURN_SECRET,
    TURN_URLS: 'turn:turn.example.com:3478?transport=udp, turn:turn.example.com:3478?transport=tcp',
  });
  api = new Api(srv.url);
  t = await createTenant(api, 'widget');
  link = await createLink(api, t.supervisor, t.departmentId);
});
afterAll(() => srv?.stop());

const INVALID_LINK = { errors: { detail: 'Invalid or expired access link' } };

describe('validate', () => {
  it('answers the documented shape', async () => {
    await api.put('/api/v1/company', { company: { primary_color: '#6366f1', logo_url: 'https://cdn.example/logo.png' } }, t.owner);
    const res = await api.get(`/api/v1/call/${link}/validate`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      valid: true, department_name: 'Suporte Técnico', company_name: 'widget Inc', company_logo_url: 'https://cdn.example/logo.png',
      primary_color: '#6366f1', queue_size: expect.any(Number), estimated_wait_time: expect.any(Number), online_agents: 0,
      is_open: true, next_open_at: null,
    });
    expect(res.body.data.estimated_wait_time).toBeGreaterThanOrEqual(0);
  });

  it('unknown, revoked, expired, used-up links and inactive departments → the documented 404', async () => {
    expect((await api.get('/api/v1/call/no-such-token/validate')).body).toEqual(INVALID_LINK);
    const revoked = await api.post('/api/v1/links', { department_id: t.departmentId }, t.supervisor);
    await api.delete(`/api/v1/links/${revoked.body.data.id}`, t.supervisor);
    expect((await api.get(`/api/v1/call/${revoked.body.data.token}/validate`)).body).toEqual(INVALID_LINK);

    const expiring = await createLink(api, t.supervisor, t.departmentId, { expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await api.get(`/api/v1/call/${expiring}/validate`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const expired = await api.get(`/api/v1/call/${expiring}/validate`);
    expect(expired.status).toBe(404);
    expect(expired.body).toEqual(INVALID_LINK);
    expect((await api.post(`/api/v1/call/${expiring}/join`, { name: 'Late' })).body).toEqual(INVALID_LINK);

    const once = await createLink(api, t.supervisor, t.departmentId, { max_uses: 1 });
    await joinQueue(api, once);
    expect((await api.get(`/api/v1/call/${once}/validate`)).body).toEqual(INVALID_LINK);

    const dept = (await api.post('/api/v1/departments', { name: 'Closing' }, t.supervisor)).body.data.id;
    const closing = await createLink(api, t.supervisor, dept);
    await api.delete(`/api/v1/departments/${dept}`, t.supervisor);
    expect((await api.post(`/api/v1/call/${closing}/join`, { name: 'X' })).body).toEqual(INVALID_LINK);
  });
});

describe('join', () => {
  it('queues a call with its position, wait estimate and a websocket token for that call only', async () => {
    const dept = (await api.post('/api/v1/departments', { name: 'Join' }, t.supervisor)).body.data.id;
    const token = await createLink(api, t.supervisor, dept);
    const first = await api.post(`/api/v1/call/${token}/join`, { name: 'Carlos Ferreira', email: 'carlos@email.com', reason: 'Support with configuration' });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body.data).sort()).toEqual(['call_id', 'estimated_wait_time', 'position', 'status', 'websocket_token', 'websocket_url']);
    expect(first.body.data).toMatchObject({ status: 'queued', position: 1, websocket_url: 'wss://voki.example.com/socket/websocket' });
    const claims = decodeJwt(first.body.data.websocket_token);
    expect(claims).toMatchObject({ typ: 'customer', call: first.body.data.call_id, aud: 'voki:customer' });
    // The customer token opens no agent route.
    expect((await api.get('/api/v1/users/me', { token: first.body.data.websocket_token, tenant: t.slug })).status).toBe(401);

    const second = await joinQueue(api, token, { name: 'Maria' });
    const third = await joinQueue(api, token, { name: 'João' });
    expect([second.position, third.position]).toEqual([2, 3]);
    const waits = await Promise.all([first.body.data.call_id, second.callId, third.callId].map((id) => api.get(`/api/v1/call/status/${id}`)));
    const estimates = waits.map((w) => w.body.data.estimated_wait_time);
    expect(estimates[0]).toBeLessThan(estimates[1]);
    expect(estimates[1]).toBeLessThan(estimates[2]);

    // Leaving the queue moves everyone behind up.
    expect((await api.post(`/api/v1/call/cancel/${first.body.data.call_id}`)).body.data).toEqual({ call_id: first.body.data.call_id, status: 'cancelled' });
    expect((await api.get(`/api/v1/call/status/${third.callId}`)).body.data.position).toBe(2);
  });

  it('finds a returning customer by email', async () => {
    const a = await joinQueue(api, link, { name: 'Return Customer', email: 'Return@Example.com' });
    const b = await joinQueue(api, link, { name: 'Return C.', email: 'return@example.com', phone: '+5511999998888' });
    const calls = await api.get(`/api/v1/calls?search=return@example.com`, t.supervisor);
    expect(calls.body.data.map((c: any) => c.id).sort()).toEqual([a.callId, b.callId].sort());
    expect(calls.body.data.every((c: any) => c.customer_name === 'Return C.' && c.customer_phone === '+5511999998888')).toBe(true);
  });

  it('validates the body: name required, email well-formed, sizes bounded', async () => {
    const res = await api.post(`/api/v1/call/${link}/join`, { email: 'not-an-email', phone: 'x'.repeat(41) });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveProperty('name');
    const bad = await api.post(`/api/v1/call/${link}/join`, { name: 'Ok', email: 'nope', phone: 'x'.repeat(41) });
    expect(bad.body.errors).toEqual({ email: ['must be a valid email address'], phone: ['must be at most 40 characters'] });
  });

  it('max_uses holds when customers join at the same moment', async () => {
    const token = await createLink(api, t.supervisor, t.departmentId, { max_uses: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => api.post(`/api/v1/call/${token}/join`, { name: `C${i}` })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(results.filter((r) => r.status === 404)).toHaveLength(7);
    const links = await api.get('/api/v1/links?page_size=100', t.supervisor);
    expect(links.body.data.find((l: any) => l.token === token).uses).toBe(3);
  });
});

describe('under load with a small pool', () => {
  it('many simultaneous joins never deadlock the connection pool', async () => {
    const small = await startTestServer({ DB_POOL_SIZE: '2' });
    try {
      const smallApi = new Api(small.url);
      const s = await createTenant(smallApi, 'pool');
      const token = await createLink(smallApi, s.supervisor, s.departmentId);
      const joins = await Promise.all(Array.from({ length: 30 }, (_, i) => smallApi.post(`/api/v1/call/${token}/join`, { name: `P${i}` })));
      expect(joins.map((r) => r.status)).toEqual(Array(30).fill(200));
      // Once the burst has settled, the positions are exactly 1..30.
      const settled = await Promise.all(joins.map((r) => smallApi.get(`/api/v1/call/status/${r.body.data.call_id}`)));
      expect(settled.map((r) => r.body.data.position).sort((x: number, y: number) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      await small.stop();
    }
  });
});

describe('status, cancel and evaluate', () => {
  it('status of a call that is not queued has no position; unknown ids → 404', async () => {
    const { callId } = await joinQueue(api, link);
    await api.post(`/api/v1/calls/${callId}/assign`, {}, t.attendant);
    expect((await api.get(`/api/v1/call/status/${callId}`)).body.data).toEqual({ call_id: callId, status: 'assigned', position: null, estimated_wait_time: null });
    expect((await api.get('/api/v1/call/status/6f1c2d1e-1111-4111-8111-111111111111')).status).toBe(404);
    expect((await api.get('/api/v1/call/status/not-a-uuid')).status).toBe(404);
  });

  it('only a queued call can be cancelled (409 otherwise)', async () => {
    const { callId } = await joinQueue(api, link);
    expect((await api.post(`/api/v1/call/cancel/${callId}`)).status).toBe(200);
    expect((await api.post(`/api/v1/call/cancel/${callId}`)).status).toBe(409);
  });

  it('evaluates completed calls only, once, with a rating from 1 to 5', async () => {
    const { callId } = await joinQueue(api, link);
    expect((await api.post(`/api/v1/call/evaluate/${callId}`, { rating: 5 })).status).toBe(409);
    await completeCall(api, t.attendant, callId, 'Resolved');
    for (const rating of [0, 6, 4.5]) {
      const bad = await api.post(`/api/v1/call/evaluate/${callId}`, { rating });
      expect(bad.status).toBe(422);
      expect(Object.keys(bad.body.errors)).toEqual(['rating']);
    }
    const ok = await api.post(`/api/v1/call/evaluate/${callId}`, { rating: 5, comment: 'Excellent service! Issue resolved quickly.' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ data: { message: 'Evaluation submitted successfully' } });
    expect((await api.post(`/api/v1/call/evaluate/${callId}`, { rating: 4 })).status).toBe(409);
    expect((await api.get(`/api/v1/calls/${callId}`, t.supervisor)).body.data.rating).toBe(5);
  });
});

describe('TURN credentials', () => {
  const check = (data: any, user: string) => {
    const [expiry, who] = data.username.split(':');
    expect(who).toBe(user);
    expect(Number(expiry)).toBeGreaterThan(Date.now() / 1000 + 86400 - 60);
    expect(Number(expiry)).toBeLessThanOrEqual(Date.now() / 1000 + 86400 + 1);
    expect(data.credential).toBe(createHmac('sha1', TURN_SECRET).update(data.username).digest('base64'));
    expect(data.ttl).toBe(86400);
    expect(data.urls).toEqual(['turn:turn.example.com:3478?transport=udp', 'turn:turn.example.com:3478?transport=tcp']);
  };

  it('public: expiry:anonymous, HMAC-SHA1 of the username with TURN_SECRET (coturn use-auth-secret)', async () => {
    const res = await api.get('/api/v1/call/turn-credentials');
    expect(res.status).toBe(200);
    check(res.body.data, 'anonymous');
  });

  it('authenticated: expiry:user_id, and 401 without a token', async () => {
    const res = await api.get('/api/v1/turn/credentials', t.attendant);
    check(res.body.data, t.attendant.id);
    expect((await api.get('/api/v1/turn/credentials')).status).toBe(401);
  });
});
