import { parse } from 'csv-parse/sync';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let first: string;
const GENERATED = 10_050;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'export');
  first = (await joinQueue(api, await createLink(api, t.supervisor, t.departmentId), { name: 'Eva, "the first"', email: 'eva@example.com' })).callId;
  const db = srv.server.db.orm.em.getConnection();
  await db.execute(`update calls set notes = '=HYPERLINK("http://evil")', inserted_at = now() - interval '1 day' where id = ?`, [first]);
  // More calls than the old cap of 10,000, made in SQL: the export must stream every one.
  await db.execute(
    `insert into calls (id, tenant_id, department_id, customer_id, status, wait_time, duration, inserted_at)
     select gen_random_uuid(), c.tenant_id, c.department_id, c.customer_id, 'completed', 5, g, now() - make_interval(secs => g)
       from calls c, generate_series(1, ?) g where c.id = ?`, [GENERATED, first]);
}, 60000);
afterAll(() => srv?.stop());

const exportCsv = (query = '') => fetch(`${srv.url}/api/v1/calls/export${query}`, { headers: { authorization: `Bearer ${t.supervisor.token}`, 'x-tenant': t.slug } });

describe('GET /api/v1/calls/export', () => {
  it('streams every matching call, oldest first, with the list item’s keys as the header', async () => {
    const res = await exportCsv();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows: string[][] = parse(await res.text());
    expect(rows[0]).toEqual(['id', 'status', 'department_id', 'department_name', 'user_id', 'user_name', 'customer_name', 'customer_email',
      'customer_phone', 'duration', 'wait_time', 'rating', 'notes', 'has_recording', 'started_at', 'completed_at', 'inserted_at']);
    expect(rows).toHaveLength(1 + GENERATED + 1);
    const [, oldest, next] = rows;
    expect(oldest[0]).toBe(first);
    // Quotes and commas survive the round trip; a formula is neutralised.
    expect(oldest[6]).toBe('Eva, "the first"');
    expect(oldest[12]).toBe(`'=HYPERLINK("http://evil")`);
    expect(next.slice(1, 4)).toEqual(['completed', t.departmentId, 'Suporte Técnico']);
    expect(next[16]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(next[13]).toBe('false');
    const ids = new Set(rows.slice(1).map((r) => r[0]));
    expect(ids.size).toBe(GENERATED + 1);
  });

  it('applies the list’s filters, refuses attendants and bad filters before sending anything', async () => {
    const queued: string[][] = parse(await (await exportCsv('?status=queued')).text());
    expect(queued).toHaveLength(1);
    expect((await api.get('/api/v1/calls/export', t.attendant)).status).toBe(403);
    expect((await exportCsv('?status=dancing')).status).toBe(422);
    expect((await exportCsv('?date_from=yesterday')).status).toBe(422);
  });
});
