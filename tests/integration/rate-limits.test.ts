import { randomBytes } from 'node:crypto';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/** A fresh client address per test, so counters left in Redis by earlier runs never interfere. */
const freshIp = () => `10.${[1, 2, 3].map(() => randomBytes(1)[0]).join('.')}`;
const badLogin = { email: 'nobody@x.test', password: 'wrong-password', tenant: 'nobody' };

describe('one instance', () => {
  let srv: TestServer;
  let api: Api;
  beforeAll(async () => {
    srv = await startTestServer({ RATE_LIMIT_AUTH: '5', RATE_LIMIT_PUBLIC: '4' });
    api = new Api(srv.url);
  });
  afterAll(() => srv?.stop());

  it('/api/auth/*: 5 per minute per IP, then 429 with Retry-After, shared with GraphQL', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.post('/api/auth/login', badLogin)).status);
    statuses.push((await api.post('/api/auth/refresh', { refresh_token: 'x' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const limited = await api.post('/api/auth/login', badLogin);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ errors: { detail: 'Too many requests' } });
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    const gql = await api.graphql('mutation { login(input: { email: "a@b.co", password: "x", tenant: "y" }) { accessToken } }');
    expect(gql.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    // Authenticated routes have no limit, and the public bucket is separate.
    expect((await api.get('/api/v1/call/turn-credentials')).status).toBe(200);
  });

});

describe('public routes', () => {
  it('have their own budget; X-Forwarded-For is not believed without TRUST_PROXY', async () => {
    // A server of its own, so no earlier request has spent any of the budget.
    const srv = await startTestServer({ RATE_LIMIT_AUTH: '5', RATE_LIMIT_PUBLIC: '4' });
    try {
      const api = new Api(srv.url);
      for (let i = 0; i < 5; i++) expect((await api.post('/api/auth/login', badLogin)).status).toBe(401);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await api.request('GET', '/api/v1/call/no-such-link/validate', { headers: { 'x-forwarded-for': freshIp() } });
        statuses.push(res.status);
      }
      // Spending the whole auth budget left the public one untouched.
      expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
    } finally {
      await srv.stop();
    }
  });
});

describe('behind a proxy', () => {
  it('with TRUST_PROXY each forwarded client has its own budget', async () => {
    const srv = await startTestServer({ RATE_LIMIT_PUBLIC: '2', TRUST_PROXY: 'true' });
    try {
      const api = new Api(srv.url);
      const [a, b] = [freshIp(), freshIp()];
      const hit = (ip: string) => api.request('GET', '/api/v1/call/turn-credentials', { headers: { 'x-forwarded-for': ip } }).then((r) => r.status);
      expect([await hit(a), await hit(a), await hit(a)]).toEqual([200, 200, 429]);
      expect([await hit(b), await hit(b)]).toEqual([200, 200]);
    } finally {
      await srv.stop();
    }
  });
});

describe('two instances sharing Redis', () => {
  it('enforce one limit between them', async () => {
    const env = { REDIS_URL, RATE_LIMIT_AUTH: '5', TRUST_PROXY: '1' };
    const [one, two] = await Promise.all([startTestServer(env), startTestServer(env)]);
    try {
      const apis = [new Api(one.url), new Api(two.url)];
      const ip = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await apis[i % 2].request('POST', '/api/auth/login', { body: badLogin, headers: { 'x-forwarded-for': ip } });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});
