import { SignJWT, base64url } from 'jose';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, PASSWORD, uniqueSlug, type TestTenant } from '../helpers/tenants';
import { TokenIssuer } from '../../src/auth/tokens';

const SECRET = new TextEncoder().encode('test-secret-that-is-long-enough-for-hs256-0123456789');

let srv: TestServer;
let api: Api;
let acme: TestTenant;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  acme = await createTenant(api, 'auth');
});
afterAll(() => srv?.stop());

describe('signup', () => {
  it('creates a tenant with its owner and returns tokens', async () => {
    const slug = uniqueSlug('fresh');
    const res = await api.post('/api/v1/signup', { company_name: 'Fresh Ltd', tenant: slug, name: 'Fi', email: 'FI@Fresh.test', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.data.tenant).toEqual({ slug, name: 'Fresh Ltd' });
    expect(res.body.data.user).toMatchObject({ name: 'Fi', email: 'fi@fresh.test', role: 'owner', status: 'active', department_ids: [] });
    expect(res.body.data.user.inserted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const me = await api.get('/api/v1/users/me', { token: res.body.data.access_token, tenant: slug });
    expect(me.status).toBe(200);
    expect(me.body.data.id).toBe(res.body.data.user.id);
  });

  it('refuses a taken slug and bad fields with 422 per field', async () => {
    const dup = await api.post('/api/v1/signup', { company_name: 'X', tenant: acme.slug, name: 'X', email: 'x@x.test', password: PASSWORD });
    expect(dup.status).toBe(422);
    expect(dup.body).toEqual({ errors: { tenant: ['has already been taken'] } });
    const bad = await api.post('/api/v1/signup', { company_name: '', tenant: 'Not A Slug', name: 'x', email: 'nope', password: 'short' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual({
      company_name: ["can't be blank"],
      tenant: ['must be lower-case letters, digits and dashes'],
      email: ['must be a valid email address'],
      password: ['must be at least 8 characters'],
    });
  });
});

describe('login', () => {
  it('answers the documented shape', async () => {
    const res = await api.post('/api/auth/login', { email: acme.manager.email, password: PASSWORD, tenant: acme.slug });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual(['access_token', 'refresh_token', 'user']);
    expect(res.body.data.user).toMatchObject({ id: acme.manager.id, email: acme.manager.email, role: 'manager' });
  });

  it.each([
    ['wrong password', { password: 'wrong-password' }],
    ['unknown email', { email: 'ghost@nowhere.test' }],
    ['unknown tenant', { tenant: 'no-such-tenant' }],
  ])('401 for %s', async (_name, override) => {
    const res = await api.post('/api/auth/login', { email: acme.manager.email, password: PASSWORD, tenant: acme.slug, ...override });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: { detail: expect.any(String) } });
  });

  it('422 when fields are missing', async () => {
    const res = await api.post('/api/auth/login', { email: acme.manager.email });
    expect(res.status).toBe(422);
    expect(res.body.errors).toMatchObject({ password: ["can't be blank"], tenant: ["can't be blank"] });
  });
});

describe('refresh rotation', () => {
  async function freshLogin() {
    const res = await api.post('/api/auth/login', { email: acme.supervisor.email, password: PASSWORD, tenant: acme.slug });
    return res.body.data as { access_token: string; refresh_token: string };
  }

  it('each refresh token works once and yields a working pair', async () => {
    const first = await freshLogin();
    const second = await api.post('/api/auth/refresh', { refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.data.refresh_token).not.toBe(first.refresh_token);
    const me = await api.get('/api/v1/users/me', { token: second.body.data.access_token, tenant: acme.slug });
    expect(me.status).toBe(200);
    const third = await api.post('/api/auth/refresh', { refresh_token: second.body.data.refresh_token });
    expect(third.status).toBe(200);
  });

  it('a reused refresh token is 401 and revokes the whole family', async () => {
    const first = await freshLogin();
    const second = await api.post('/api/auth/refresh', { refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    const replay = await api.post('/api/auth/refresh', { refresh_token: first.refresh_token });
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({ errors: { detail: 'Unauthorized' } });
    // The legitimate newest token of the family is dead too.
    const next = await api.post('/api/auth/refresh', { refresh_token: second.body.data.refresh_token });
    expect(next.status).toBe(401);
    // Other sessions of the same user are untouched.
    const other = await freshLogin();
    expect((await api.post('/api/auth/refresh', { refresh_token: other.refresh_token })).status).toBe(200);
  });

  it('two concurrent uses of one token: exactly one succeeds', async () => {
    const first = await freshLogin();
    const results = await Promise.all([1, 2, 3].map(() => api.post('/api/auth/refresh', { refresh_token: first.refresh_token })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(2);
  });

  it('logout revokes the family: 204, then the token is refused', async () => {
    const first = await freshLogin();
    const out = await api.post('/api/auth/logout', { refresh_token: first.refresh_token });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect((await api.post('/api/auth/refresh', { refresh_token: first.refresh_token })).status).toBe(401);
  });

  it('rejects garbage and access tokens presented as refresh tokens', async () => {
    expect((await api.post('/api/auth/refresh', { refresh_token: 'garbage' })).status).toBe(401);
    expect((await api.post('/api/auth/refresh', { refresh_token: acme.owner.token })).status).toBe(401);
    expect((await api.post('/api/auth/refresh', {})).status).toBe(422);
  });
});

describe('tenant header', () => {
  it('missing X-Tenant → 400; another tenant → 403; unknown tenant → 403', async () => {
    const noTenant = await api.request('GET', '/api/v1/users/me', { headers: { authorization: `Bearer ${acme.owner.token}` } });
    expect(noTenant.status).toBe(400);
    expect(noTenant.body.errors.detail).toMatch(/X-Tenant/);
    const other = await createTenant(api, 'other');
    expect((await api.get('/api/v1/users/me', { token: acme.owner.token, tenant: other.slug })).status).toBe(403);
    expect((await api.get('/api/v1/users/me', { token: acme.owner.token, tenant: 'does-not-exist' })).status).toBe(403);
  });
});

describe('token attacks are 401', () => {
  const me = (token: string) => api.get('/api/v1/users/me', { token, tenant: acme.slug });
  const claims = () => ({ tid: 'x', ten: acme.slug, role: 'owner', typ: 'access' });

  it('no token, and a malformed header', async () => {
    expect((await api.get('/api/v1/users/me')).status).toBe(401);
    const res = await api.request('GET', '/api/v1/users/me', { headers: { authorization: 'Basic abc', 'x-tenant': acme.slug } });
    expect(res.status).toBe(401);
  });

  it('alg: none', async () => {
    const [, payload] = acme.owner.token.split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    expect((await me(`${header}.${payload}.`)).status).toBe(401);
  });

  it('a valid token with a tampered payload (signature mismatch)', async () => {
    const [header, payload, signature] = acme.attendant.token.split('.');
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = base64url.encode(JSON.stringify({ ...body, role: 'owner' }));
    expect((await me(`${header}.${forged}.${signature}`)).status).toBe(401);
  });

  it('signed with another secret', async () => {
    const other = new TokenIssuer(new TextEncoder().encode('another-secret-entirely-0123456789abcdef'), 900, 900);
    const token = await other.access({ userId: acme.owner.id, tenantId: 'x', tenantSlug: acme.slug, role: 'owner' });
    expect((await me(token)).status).toBe(401);
  });

  it('expired', async () => {
    const [, payload] = acme.owner.token.split('.');
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const token = await new SignJWT({ ...body, exp: Math.floor(Date.now() / 1000) - 10 })
      .setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
    expect((await me(token)).status).toBe(401);
    // The same claims, unexpired, pass: the expiry alone made the difference.
    const fresh = await new SignJWT({ ...body, exp: Math.floor(Date.now() / 1000) + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
    expect((await me(fresh)).status).toBe(200);
  });

  it('HS512 with the right secret is still refused (algorithm pinned)', async () => {
    const [, payload] = acme.owner.token.split('.');
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const token = await new SignJWT(body).setProtectedHeader({ alg: 'HS512' }).sign(SECRET);
    expect((await me(token)).status).toBe(401);
  });

  it('a refresh token used as an access token', async () => {
    expect((await me(acme.owner.refreshToken)).status).toBe(401);
  });

  it('a customer token on an agent route', async () => {
    const issuer = new TokenIssuer(SECRET, 900, 900);
    const body = JSON.parse(Buffer.from(acme.owner.token.split('.')[1], 'base64url').toString());
    const customer = await issuer.customer({ tenantId: body.tid, callId: acme.departmentId, customerId: acme.owner.id }, 600);
    expect((await me(customer)).status).toBe(401);
    // And with the typ claim altered to "access" the audience still gives it away.
    const forged = await new SignJWT({ ...JSON.parse(Buffer.from(customer.split('.')[1], 'base64url').toString()), typ: 'access', ...claims(), tid: body.tid })
      .setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
    expect((await me(forged)).status).toBe(401);
  });
});

describe('deactivated users', () => {
  it('lose access at once and cannot log in or refresh', async () => {
    const t = await createTenant(api, 'deact');
    expect((await api.delete(`/api/v1/users/${t.attendant.id}`, t.manager)).status).toBe(204);
    expect((await api.get('/api/v1/users/me', t.attendant)).status).toBe(401);
    expect((await api.post('/api/auth/login', { email: t.attendant.email, password: PASSWORD, tenant: t.slug })).status).toBe(401);
    expect((await api.post('/api/auth/refresh', { refresh_token: t.attendant.refreshToken })).status).toBe(401);
  });
});

describe('users/me', () => {
  it('PUT changes the name and the password', async () => {
    const t = await createTenant(api, 'me');
    const res = await api.put('/api/v1/users/me', { user: { name: 'Renamed', password: 'a-new-password' } }, t.attendant);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'Renamed', role: 'attendant', department_ids: [t.departmentId] });
    expect((await api.post('/api/auth/login', { email: t.attendant.email, password: PASSWORD, tenant: t.slug })).status).toBe(401);
    expect((await api.post('/api/auth/login', { email: t.attendant.email, password: 'a-new-password', tenant: t.slug })).status).toBe(200);
    // The role cannot be raised through /users/me.
    const raise = await api.put('/api/v1/users/me', { role: 'owner' }, t.attendant);
    expect(raise.status).toBe(200);
    expect(raise.body.data.role).toBe('attendant');
    expect((await api.put('/api/v1/users/me', { password: 'short' }, t.attendant)).status).toBe(422);
  });
});
