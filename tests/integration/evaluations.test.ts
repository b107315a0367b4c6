import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { completeCall, createLink, joinQueue } from '../helpers/calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let other: TestTenant;
const rated: Array<{ callId: string; rating: number }> = [];

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'evals');
  other = await createTenant(api, 'evals-other');
  const link = await createLink(api, t.supervisor, t.departmentId);
  // Ratings 5, 5, 4, 3, 1: average 3.6, satisfaction 60 %, two with comments.
  for (const [rating, comment] of [[5, 'Excelente atendimento!'], [5, ''], [4, 'Good'], [3, null], [1, null]] as const) {
    const { callId } = await joinQueue(api, link, { name: `Customer ${rating}` });
    await completeCall(api, t.attendant, callId);
    await api.post(`/api/v1/call/evaluate/${callId}`, { rating, comment });
    rated.push({ callId, rating });
  }
});
afterAll(() => srv?.stop());

describe('evaluations', () => {
  it('lists with the documented fields, newest first', async () => {
    const res = await api.get('/api/v1/evaluations?page=1&page_size=10', t.attendant);
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ current_page: 1, page_size: 10, total_pages: 1, total_count: 5 });
    expect(res.body.data[0]).toEqual({
      id: expect.any(String), call_id: rated[4].callId, rating: 1, comment: null, customer_name: 'Customer 1',
      user_name: 'evals attendant', department_name: 'Suporte Técnico', inserted_at: expect.stringMatching(/Z$/),
    });
  });

  it('filters by rating and dates; bad ratings → 422', async () => {
    expect((await api.get('/api/v1/evaluations?rating=5', t.attendant)).body.data.map((e: any) => e.rating)).toEqual([5, 5]);
    expect((await api.get('/api/v1/evaluations?date_to=2000-01-01', t.attendant)).body.meta.total_count).toBe(0);
    expect((await api.get('/api/v1/evaluations?rating=9', t.attendant)).status).toBe(422);
    expect((await api.get('/api/v1/evaluations?sort_by=rating&sort_order=asc', t.attendant)).body.data.map((e: any) => e.rating)).toEqual([1, 3, 4, 5, 5]);
  });

  it('stats: the last 30 days by default, satisfaction = share of ratings ≥ 4', async () => {
    const res = await api.get('/api/v1/evaluations/stats', t.attendant);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      total_evaluations: 5, average_rating: 3.6, distribution: { 1: 1, 2: 0, 3: 1, 4: 1, 5: 2 }, with_comments: 2, satisfaction_rate: 60,
    });
    const old = await api.get('/api/v1/evaluations/stats?date_from=2000-01-01&date_to=2000-12-31', t.attendant);
    expect(old.body.data).toEqual({ total_evaluations: 0, average_rating: 0, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, with_comments: 0, satisfaction_rate: 0 });
    expect((await api.get(`/api/v1/evaluations/stats?user_id=${t.supervisor.id}`, t.attendant)).body.data.total_evaluations).toBe(0);
    expect((await api.get(`/api/v1/evaluations/stats?department_id=${t.departmentId}`, t.attendant)).body.data.total_evaluations).toBe(5);
  });

  it('get one; another tenant’s → 404 (REST and GraphQL)', async () => {
    const id = (await api.get('/api/v1/evaluations', t.attendant)).body.data[0].id;
    expect((await api.get(`/api/v1/evaluations/${id}`, t.attendant)).body.data.id).toBe(id);
    expect((await api.get(`/api/v1/evaluations/${id}`, other.owner)).status).toBe(404);
    expect((await api.graphql(`{ evaluation(id: "${id}") { id } }`, undefined, other.owner)).body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await api.get('/api/v1/evaluations', other.owner)).body.meta.total_count).toBe(0);
    expect((await api.get('/api/v1/evaluations/stats', other.owner)).body.data.total_evaluations).toBe(0);
  });

  it('create (internal, wrapped body): 201 with the documented shape; twice → 409; not completed → 409', async () => {
    const link = await createLink(api, t.supervisor, t.departmentId);
    const { callId } = await joinQueue(api, link);
    expect((await api.post('/api/v1/evaluations', { evaluation: { call_id: callId, rating: 5 } }, t.attendant)).status).toBe(409);
    await completeCall(api, t.attendant, callId);
    const res = await api.post('/api/v1/evaluations', { evaluation: { call_id: callId, rating: 5, comment: 'Excellent service' } }, t.attendant);
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: expect.any(String), call_id: callId, rating: 5, comment: 'Excellent service', inserted_at: expect.stringMatching(/Z$/) });
    expect((await api.post('/api/v1/evaluations', { call_id: callId, rating: 4 }, t.attendant)).status).toBe(409);
    expect((await api.post('/api/v1/evaluations', { call_id: callId, rating: 0 }, t.attendant)).status).toBe(422);
    expect((await api.post('/api/v1/evaluations', { rating: 3 }, t.attendant)).body.errors).toHaveProperty('call_id');
  });
});
