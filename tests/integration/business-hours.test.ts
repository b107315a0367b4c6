import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;

const ALL_DAY = [['00:00', '24:00']];
const everyDay = { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY };

/** Today's date on the wall clocks of `zone`, as YYYY-MM-DD. */
const localToday = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());

/**
 * Kiritimati is UTC+14 all year: its "today" is often the UTC tomorrow. Closed today there and
 * open all day otherwise, the department opens at the next local midnight, 14 hours before the
 * UTC midnight of the same date.
 */
const ZONE = 'Pacific/Kiritimati';
function closedToday() {
  const today = localToday(ZONE);
  const [y, m, d] = today.split('-').map(Number);
  const opens = new Date(Date.UTC(y, m - 1, d + 1) - 14 * 3600_000).toISOString().replace('.000Z', 'Z');
  return { hours: { timezone: ZONE, weekly: everyDay, closed_dates: [today] }, opens };
}

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'hours');
});
afterAll(() => srv?.stop());

async function department(body: Record<string, unknown>) {
  const res = await api.post('/api/v1/departments', { department: { name: 'Plantão', ...body } }, t.supervisor);
  expect(res.status).toBe(201);
  return res.body.data;
}

describe('business hours on departments (CONTRACT §9)', () => {
  it('stores a schedule, answers it in both casings, and defaults to always open', async () => {
    const plain = await department({});
    expect(plain).toMatchObject({ routing: 'manual', max_calls_per_agent: 1, business_hours: null });
    const d = await department({ business_hours: { timezone: 'America/Sao_Paulo', weekly: { mon: [['09:00', '18:00']] }, closed_dates: ['2026-12-25'] } });
    expect(d.business_hours).toEqual({
      timezone: 'America/Sao_Paulo',
      weekly: { mon: [['09:00', '18:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      closed_dates: ['2026-12-25'],
    });
    const gql = await api.graphql(
      'query($id: ID!) { department(id: $id) { businessHours { timezone weekly { mon sun } closedDates } } }', { id: d.id }, t.supervisor);
    expect(gql.body.data.department.businessHours).toEqual({ timezone: 'America/Sao_Paulo', weekly: { mon: [['09:00', '18:00']], sun: [] }, closedDates: ['2026-12-25'] });
  });

  it.each([
    [{ timezone: 'America/Nowhere', weekly: {} }, 'time zone'],
    [{ timezone: 'UTC', weekly: { mon: [['9am', '18:00']] } }, 'is not a ["HH:MM", "HH:MM"] range'],
    [{ timezone: 'UTC', weekly: { tue: [['09:00', '12:00'], ['11:30', '13:00']] } }, 'overlap'],
    [{ timezone: 'UTC', weekly: { wed: [['18:00', '09:00']] } }, 'must end after it starts'],
  ])('refuses an invalid schedule with 422 under business_hours: %j', async (hours, message) => {
    const res = await api.post('/api/v1/departments', { department: { name: 'X', business_hours: hours } }, t.supervisor);
    expect(res.status).toBe(422);
    expect(res.body.errors.business_hours.join(' ')).toContain(message);
    const gql = await api.graphql('mutation($d: CreateDepartmentInput!) { createDepartment(department: $d) { id } }',
      { d: { name: 'X', businessHours: { timezone: hours.timezone, weekly: hours.weekly } } }, t.supervisor);
    expect(gql.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { businessHours: [expect.stringContaining(message)] } });
  });

  it('validates max_calls_per_agent between 1 and 50', async () => {
    for (const bad of [0, 51]) {
      const res = await api.post('/api/v1/departments', { department: { name: 'X', max_calls_per_agent: bad } }, t.supervisor);
      expect(res.status).toBe(422);
      expect(res.body.errors.max_calls_per_agent).toEqual(['must be between 1 and 50']);
    }
  });

  it('validate says open or closed and when it opens; join while closed is a 409 that says when', async () => {
    const d = await department({ business_hours: { timezone: ZONE, weekly: everyDay } });
    const link = await createLink(api, t.supervisor, d.id);
    const open = await api.get(`/api/v1/call/${link}/validate`);
    expect(open.body.data).toMatchObject({ valid: true, is_open: true, next_open_at: null });

    const { hours, opens } = closedToday();
    expect((await api.put(`/api/v1/departments/${d.id}`, { department: { business_hours: hours } }, t.supervisor)).status).toBe(200);
    const closed = await api.get(`/api/v1/call/${link}/validate`);
    expect(closed.body.data).toMatchObject({ valid: true, is_open: false, next_open_at: opens });

    const refused = await api.post(`/api/v1/call/${link}/join`, { name: 'Noite' });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ errors: { detail: 'Department is closed', next_open_at: opens } });
    const gql = await api.graphql('mutation($t: String!) { joinQueue(token: $t, customer: {name: "Noite"}) { callId } }', { t: link });
    expect(gql.body.errors[0]).toMatchObject({ message: 'Department is closed', extensions: { code: 'CONFLICT', nextOpenAt: opens } });
    // A refused join spends no use of the link and queues nobody.
    const calls = await api.get(`/api/v1/calls?department_id=${d.id}`, t.supervisor);
    expect(calls.body.meta.total_count).toBe(0);

    // Back to always open.
    expect((await api.put(`/api/v1/departments/${d.id}`, { department: { business_hours: null } }, t.supervisor)).body.data.business_hours).toBeNull();
    expect((await api.post(`/api/v1/call/${link}/join`, { name: 'Dia' })).status).toBe(200);
  });

  it('a schedule that never opens has no next opening', async () => {
    const d = await department({ business_hours: { timezone: 'UTC', weekly: {} } });
    const link = await createLink(api, t.supervisor, d.id);
    expect((await api.get(`/api/v1/call/${link}/validate`)).body.data).toMatchObject({ is_open: false, next_open_at: null });
    expect((await api.post(`/api/v1/call/${link}/join`, { name: 'X' })).body).toEqual({ errors: { detail: 'Department is closed', next_open_at: null } });
  });

  it('customers already waiting at closing time keep their place', async () => {
    const d = await department({});
    const link = await createLink(api, t.supervisor, d.id);
    const first = await joinQueue(api, link, { name: 'Primeira' });
    const second = await joinQueue(api, link, { name: 'Segunda' });
    await api.put(`/api/v1/departments/${d.id}`, { department: { business_hours: closedToday().hours } }, t.supervisor);
    // Several timer sweeps later (1 s apart on the test server) both are still queued, in order.
    await new Promise((r) => setTimeout(r, 2500));
    const polls = [await api.get(`/api/v1/call/status/${first.callId}`), await api.get(`/api/v1/call/status/${second.callId}`)];
    expect(polls.map((p) => [p.body.data.status, p.body.data.position])).toEqual([['queued', 1], ['queued', 2]]);
    expect((await api.post(`/api/v1/calls/${first.callId}/assign`, {}, t.supervisor)).status).toBe(200);
    expect((await api.get(`/api/v1/call/status/${second.callId}`)).body.data.position).toBe(1);
  });
});
