import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let other: TestTenant;
const ids: Record<string, string> = {};
const calls: Record<string, string[]> = { ana: [], bruno: [] };

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'cust');
  other = await createTenant(api, 'cust-rival');
  const link = await createLink(api, t.supervisor, t.departmentId);
  // A department the attendant does not belong to.
  const sales = (await api.post('/api/v1/departments', { name: 'Vendas' }, t.supervisor)).body.data.id;
  const salesLink = await createLink(api, t.supervisor, sales);
  // Ana calls twice (the same email: one customer), Bruno once, in the other department, last.
  for (let i = 0; i < 2; i++) calls.ana.push((await joinQueue(api, link, { name: 'Ana Souza', email: 'ana@example.com' })).callId);
  calls.bruno.push((await joinQueue(api, salesLink, { name: 'Bruno Lima', email: 'bruno@example.com', phone: '+5511988887777' })).callId);
  await joinQueue(api, await createLink(api, other.supervisor, other.departmentId), { name: 'Ana Souza', email: 'ana@example.com' });
  const all = await api.get('/api/v1/customers?sort_by=name&sort_order=asc', t.supervisor);
  for (const c of all.body.data) ids[c.name.split(' ')[0].toLowerCase()] = c.id;
});
afterAll(() => srv?.stop());

describe('GET /api/v1/customers (CONTRACT §8)', () => {
  it('a supervisor sees every customer of the tenant, once each, with their calls counted', async () => {
    const res = await api.get('/api/v1/customers?sort_by=name&sort_order=asc', t.supervisor);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { id: ids.ana, name: 'Ana Souza', email: 'ana@example.com', phone: null, calls_count: 2, last_call_at: expect.any(String), inserted_at: expect.any(String) },
      { id: ids.bruno, name: 'Bruno Lima', email: 'bruno@example.com', phone: '+5511988887777', calls_count: 1, last_call_at: expect.any(String), inserted_at: expect.any(String) },
    ]);
    expect(res.body.meta).toEqual({ current_page: 1, page_size: 20, total_count: 2, total_pages: 1 });
  });

  it('sorts by the last call, newest first, by default; searches name and email', async () => {
    const res = await api.get('/api/v1/customers', t.supervisor);
    expect(res.body.data.map((c: any) => c.name)).toEqual(['Bruno Lima', 'Ana Souza']);
    expect((await api.get('/api/v1/customers?search=BRU', t.supervisor)).body.data.map((c: any) => c.id)).toEqual([ids.bruno]);
    expect((await api.get('/api/v1/customers?search=ana%40example', t.supervisor)).body.data.map((c: any) => c.id)).toEqual([ids.ana]);
    expect((await api.get('/api/v1/customers?search=%25', t.supervisor)).body.data).toEqual([]);
    expect((await api.get('/api/v1/customers?sort_by=secret', t.supervisor)).status).toBe(422);
  });

  it('an attendant sees only the customers of calls they may see', async () => {
    const res = await api.get('/api/v1/customers', t.attendant);
    expect(res.body.data.map((c: any) => c.id)).toEqual([ids.ana]);
    expect((await api.get(`/api/v1/customers/${ids.bruno}`, t.attendant)).status).toBe(404);
  });

  it('the detail carries their visible calls, newest first, as call list items', async () => {
    const res = await api.get(`/api/v1/customers/${ids.ana}`, t.attendant);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: ids.ana, name: 'Ana Souza', calls_count: 2 });
    expect(res.body.data.calls.map((c: any) => c.id)).toEqual([...calls.ana].reverse());
    const list = await api.get('/api/v1/calls?sort_by=inserted_at', t.attendant);
    expect(res.body.data.calls[0]).toEqual(list.body.data.find((c: any) => c.id === calls.ana[1]));
  });

  it('another tenant’s customer, an unknown id and a malformed one are 404; GraphQL answers the same', async () => {
    const rival = (await api.get('/api/v1/customers', other.supervisor)).body.data;
    expect(rival).toHaveLength(1);
    expect(rival[0].id).not.toBe(ids.ana);
    for (const id of [rival[0].id, '00000000-0000-4000-8000-000000000000', 'nope']) {
      expect((await api.get(`/api/v1/customers/${id}`, t.supervisor)).status).toBe(404);
    }
    const gql = await api.graphql('{ customers(sortBy: "name", sortOrder: "asc") { data { id callsCount } meta { totalCount } } }', undefined, t.supervisor);
    expect(gql.body.data.customers).toEqual({ data: [{ id: ids.ana, callsCount: 2 }, { id: ids.bruno, callsCount: 1 }], meta: { totalCount: 2 } });
    const miss = await api.graphql('query($id: ID!) { customer(id: $id) { id } }', { id: rival[0].id }, t.supervisor);
    expect(miss.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
