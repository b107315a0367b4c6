import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let other: TestTenant;
let sales: string;

const PERIOD = 'date_from=2026-02-01T00:00:00Z&date_to=2026-02-28';
type Shape = { dept: 'support' | 'sales' | 'other'; status: string; at: string; agent?: 'attendant' | 'supervisor'; wait?: number; duration?: number; rating?: number };

/**
 * Calls whose figures are set in SQL (the lifecycle itself is tested elsewhere), so the expected
 * dashboard below can be worked out by hand.
 */
const CALLS: Shape[] = [
  { dept: 'support', status: 'completed', at: '2026-02-15T14:05:00Z', agent: 'attendant', wait: 30, duration: 300, rating: 5 },
  { dept: 'support', status: 'completed', at: '2026-02-15T14:40:00Z', agent: 'attendant', wait: 90, duration: 200, rating: 4 },
  { dept: 'sales', status: 'completed', at: '2026-02-15T15:10:00Z', agent: 'supervisor', wait: 10, duration: 100 },
  { dept: 'support', status: 'missed', at: '2026-02-16T09:00:00Z', wait: 600 },
  { dept: 'sales', status: 'cancelled', at: '2026-02-16T09:30:00Z' },
  { dept: 'support', status: 'abandoned', at: '2026-02-16T09:45:00Z' },
  { dept: 'support', status: 'active', at: '2026-02-16T10:00:00Z', agent: 'attendant', wait: 20 },
  { dept: 'support', status: 'completed', at: '2026-03-05T10:00:00Z', agent: 'attendant', wait: 5, duration: 50, rating: 1 },
  { dept: 'other', status: 'completed', at: '2026-02-15T14:10:00Z', wait: 5, duration: 50, rating: 1 },
];

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'dash');
  other = await createTenant(api, 'dash-rival');
  sales = (await api.post('/api/v1/departments', { name: 'Vendas' }, t.supervisor)).body.data.id;
  const links = {
    support: await createLink(api, t.supervisor, t.departmentId),
    sales: await createLink(api, t.supervisor, sales),
    other: await createLink(api, other.supervisor, other.departmentId),
  };
  const db = srv.server.db.orm.em.getConnection();
  for (const c of CALLS) {
    const { callId } = await joinQueue(api, links[c.dept], { name: 'Dash Customer' });
    const at = new Date(c.at);
    const started = c.agent ? new Date(at.getTime() + (c.wait ?? 0) * 1000) : null;
    await db.execute(
      `update calls set status = ?, inserted_at = ?, user_id = ?, started_at = ?, wait_time = ?, duration = ?, rating = ?,
         completed_at = ? where id = ?`,
      [c.status, at, c.agent ? t[c.agent].id : null, started, c.wait ?? null, c.duration ?? null, c.rating ?? null,
        c.duration && started ? new Date(started.getTime() + c.duration * 1000) : null, callId],
    );
  }
});
afterAll(() => srv?.stop());

describe('GET /api/v1/analytics/dashboard (CONTRACT §8)', () => {
  it('answers the figures worked out by hand for the period', async () => {
    const res = await api.get(`/api/v1/analytics/dashboard?${PERIOD}`, t.manager);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      period: { from: '2026-02-01T00:00:00Z', to: '2026-02-28T23:59:59Z' },
      totals: { calls: 7, queued: 0, assigned: 0, active: 1, completed: 3, missed: 1, cancelled: 1, abandoned: 1 },
      // (30 + 90 + 10) / 3 = 43.3; (300 + 200 + 100) / 3; (5 + 4) / 2 (the third has no rating)
      average_wait_time: 43, average_duration: 200, average_rating: 4.5,
      // started within 60 s: 30 s, 10 s, 20 s, not 90 s; over 4 started + 1 missed + 1 abandoned
      service_level: 50,
      by_department: [
        { department_id: t.departmentId, department_name: 'Suporte Técnico', calls: 5, completed: 2, missed: 1, average_wait_time: 60, average_duration: 250, average_rating: 4.5 },
        { department_id: sales, department_name: 'Vendas', calls: 2, completed: 1, missed: 0, average_wait_time: 10, average_duration: 100, average_rating: null },
      ],
      by_agent: [
        { user_id: t.attendant.id, user_name: 'dash attendant', calls: 3, completed: 2, average_duration: 250, average_rating: 4.5 },
        { user_id: t.supervisor.id, user_name: 'dash supervisor', calls: 1, completed: 1, average_duration: 100, average_rating: null },
      ],
      by_hour: [
        { hour: '2026-02-15T14:00:00Z', calls: 2 }, { hour: '2026-02-15T15:00:00Z', calls: 1 },
        { hour: '2026-02-16T09:00:00Z', calls: 3 }, { hour: '2026-02-16T10:00:00Z', calls: 1 },
      ],
    });
  });

  it('narrows to one department; an empty period has nulls, not zeros, for what cannot be averaged', async () => {
    const one = await api.get(`/api/v1/analytics/dashboard?${PERIOD}&department_id=${sales}`, t.manager);
    expect(one.body.data.totals).toEqual({ calls: 2, queued: 0, assigned: 0, active: 0, completed: 1, missed: 0, cancelled: 1, abandoned: 0 });
    expect(one.body.data.service_level).toBe(100);
    const empty = await api.get('/api/v1/analytics/dashboard?date_from=2025-01-01&date_to=2025-01-31', t.manager);
    expect(empty.body.data).toMatchObject({ average_wait_time: null, average_duration: null, average_rating: null, service_level: null, by_department: [], by_agent: [], by_hour: [] });
    expect(empty.body.data.totals.calls).toBe(0);
  });

  it('defaults to the 30 days before now; is for managers; refuses a period that ends before it starts', async () => {
    const res = await api.get('/api/v1/analytics/dashboard', t.manager);
    const { from, to } = res.body.data.period;
    expect(Math.abs(Date.now() - Date.parse(to))).toBeLessThan(60_000);
    expect(Date.parse(to) - Date.parse(from)).toBe(30 * 24 * 3600 * 1000);
    expect((await api.get(`/api/v1/analytics/dashboard?${PERIOD}`, t.supervisor)).status).toBe(403);
    const backwards = await api.get('/api/v1/analytics/dashboard?date_from=2026-03-01&date_to=2026-02-01', t.manager);
    expect(backwards.status).toBe(422);
  });

  it('GraphQL answers the same object', async () => {
    const gql = await api.graphql('{ analyticsDashboard(dateFrom: "2026-02-01T00:00:00Z", dateTo: "2026-02-28") { totals { calls completed } serviceLevel byHour { hour calls } } }', undefined, t.manager);
    expect(gql.body.data.analyticsDashboard).toEqual({
      totals: { calls: 7, completed: 3 }, serviceLevel: 50,
      byHour: [{ hour: '2026-02-15T14:00:00Z', calls: 2 }, { hour: '2026-02-15T15:00:00Z', calls: 1 }, { hour: '2026-02-16T09:00:00Z', calls: 3 }, { hour: '2026-02-16T10:00:00Z', calls: 1 }],
    });
  });
});
