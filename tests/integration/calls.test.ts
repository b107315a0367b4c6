import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, PASSWORD, type TestTenant } from '../helpers/tenants';
import { completeCall, createLink, joinQueue } from '../helpers/calls';
import { CallSummary, CallTranscript } from '../../src/entities';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let other: TestTenant;
let link: string;
let otherDept: string;
let otherDeptLink: string;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'calls');
  other = await createTenant(api, 'rival');
  link = await createLink(api, t.supervisor, t.departmentId);
  otherDept = (await api.post('/api/v1/departments', { name: 'Vendas' }, t.supervisor)).body.data.id;
  otherDeptLink = await createLink(api, t.supervisor, otherDept);
});
afterAll(() => srv?.stop());

describe('the lifecycle over HTTP', () => {
  it('join → assign → start → complete, with the documented shapes', async () => {
    const { callId } = await joinQueue(api, link, { name: 'Carlos Ferreira', email: 'carlos@email.com', phone: '+5511999998888' });
    const assign = await api.post(`/api/v1/calls/${callId}/assign`, undefined, t.attendant);
    expect(assign.status).toBe(200);
    expect(assign.body.data).toEqual({ id: callId, status: 'assigned', user_id: t.attendant.id, user_name: 'calls attendant' });
    const start = await api.post(`/api/v1/calls/${callId}/start`, undefined, t.attendant);
    expect(start.body.data).toEqual({ id: callId, status: 'active', started_at: expect.stringMatching(/Z$/) });
    const complete = await api.post(`/api/v1/calls/${callId}/complete`, { notes: 'Problema resolvido. Cliente satisfeito.' }, t.attendant);
    expect(complete.body.data).toEqual({ id: callId, status: 'completed', completed_at: expect.stringMatching(/Z$/) });

    const details = await api.get(`/api/v1/calls/${callId}`, t.attendant);
    expect(details.body.data).toMatchObject({
      id: callId, status: 'completed', department_id: t.departmentId, department_name: 'Suporte Técnico',
      user_id: t.attendant.id, user_name: 'calls attendant', customer_name: 'Carlos Ferreira',
      customer_email: 'carlos@email.com', customer_phone: '+5511999998888', rating: null,
      notes: 'Problema resolvido. Cliente satisfeito.', has_recording: false, recording_url: null, tags: [],
      end_reason: 'normal', disconnected_at: null, reconnected_at: null,
    });
    expect(details.body.data.duration).toBeGreaterThanOrEqual(0);
    expect(details.body.data.wait_time).toBeGreaterThanOrEqual(0);
  });

  it('illegal transitions → 409', async () => {
    const { callId } = await joinQueue(api, link);
    expect((await api.post(`/api/v1/calls/${callId}/start`, undefined, t.supervisor)).status).toBe(409);
    expect((await api.post(`/api/v1/calls/${callId}/complete`, {}, t.supervisor)).status).toBe(409);
    await api.post(`/api/v1/calls/${callId}/assign`, {}, t.supervisor);
    expect((await api.post(`/api/v1/calls/${callId}/complete`, {}, t.supervisor)).status).toBe(409);
    const again = await api.post(`/api/v1/calls/${callId}/assign`, {}, t.supervisor);
    expect(again.status).toBe(409);
    expect(again.body.errors.detail).toBe('An assigned call cannot be assigned');
    await api.post(`/api/v1/calls/${callId}/start`, undefined, t.supervisor);
    await api.post(`/api/v1/calls/${callId}/complete`, {}, t.supervisor);
    for (const step of ['assign', 'start', 'complete']) expect((await api.post(`/api/v1/calls/${callId}/${step}`, {}, t.supervisor)).status).toBe(409);
    expect((await api.post(`/api/v1/call/cancel/${callId}`)).status).toBe(409);
  });
});

describe('who may do what', () => {
  it('attendants see their departments’ calls and their own; others are 404', async () => {
    const hidden = await joinQueue(api, otherDeptLink);
    const visible = await joinQueue(api, link);
    expect((await api.get(`/api/v1/calls/${hidden.callId}`, t.attendant)).status).toBe(404);
    expect((await api.post(`/api/v1/calls/${hidden.callId}/assign`, {}, t.attendant)).status).toBe(404);
    const list = await api.get('/api/v1/calls?page_size=100', t.attendant);
    const ids = list.body.data.map((c: any) => c.id);
    expect(ids).toContain(visible.callId);
    expect(ids).not.toContain(hidden.callId);
    expect(list.body.data.filter((c: any) => c.department_id !== t.departmentId && c.user_id !== t.attendant.id)).toEqual([]);
    // The supervisor sees both.
    const all = (await api.get('/api/v1/calls?page_size=100', t.supervisor)).body.data.map((c: any) => c.id);
    expect(all).toEqual(expect.arrayContaining([visible.callId, hidden.callId]));
    // A supervisor takes it: it is neither the attendant's department's nor theirs, so still hidden.
    expect((await api.post(`/api/v1/calls/${hidden.callId}/assign`, { user_id: t.supervisor.id }, t.supervisor)).status).toBe(200);
    expect((await api.get(`/api/v1/calls/${hidden.callId}`, t.attendant)).status).toBe(404);
  });

  it('attendants assign only to themselves; supervisors assign department members', async () => {
    const { callId } = await joinQueue(api, link);
    expect((await api.post(`/api/v1/calls/${callId}/assign`, { user_id: t.supervisor.id }, t.attendant)).status).toBe(403);
    const notMember = await api.post('/api/v1/users', { name: 'Outsider', email: 'outsider@calls.test', password: PASSWORD }, t.manager);
    const refused = await api.post(`/api/v1/calls/${callId}/assign`, { user_id: notMember.body.data.id }, t.supervisor);
    expect(refused.status).toBe(422);
    expect(Object.keys(refused.body.errors)).toEqual(['user_id']);
    expect((await api.post(`/api/v1/calls/${callId}/assign`, { user_id: t.attendant.id }, t.supervisor)).body.data.user_id).toBe(t.attendant.id);
    // Only the assigned agent (or a supervisor) starts it.
    const peer = await api.post('/api/v1/users', { user: { name: 'Peer', email: 'peer@calls.test', password: PASSWORD, department_ids: [t.departmentId] } }, t.manager);
    const peerLogin = await api.post('/api/auth/login', { email: 'peer@calls.test', password: PASSWORD, tenant: t.slug });
    const peerAuth = { token: peerLogin.body.data.access_token, tenant: t.slug };
    expect(peer.status).toBe(201);
    expect((await api.post(`/api/v1/calls/${callId}/start`, undefined, peerAuth)).status).toBe(403);
    expect((await api.post(`/api/v1/calls/${callId}/start`, undefined, t.attendant)).status).toBe(200);
  });

  it('an unknown user_id → 422; a malformed call id → 404', async () => {
    const { callId } = await joinQueue(api, link);
    expect((await api.post(`/api/v1/calls/${callId}/assign`, { user_id: 'nobody' }, t.supervisor)).status).toBe(422);
    expect((await api.post('/api/v1/calls/nope/assign', {}, t.supervisor)).status).toBe(404);
  });
});

describe('the race', () => {
  it('two agents assigning the same call at once: exactly one wins, the other gets 409 (20 rounds)', async () => {
    const second = await api.post('/api/v1/users', { user: { name: 'Second', email: 'second@calls.test', password: PASSWORD, department_ids: [t.departmentId] } }, t.manager);
    expect(second.status).toBe(201);
    const login = await api.post('/api/auth/login', { email: 'second@calls.test', password: PASSWORD, tenant: t.slug });
    const agentB = { token: login.body.data.access_token, tenant: t.slug };
    for (let round = 0; round < 20; round++) {
      const { callId } = await joinQueue(api, link, { name: `Race ${round}` });
      const [a, b] = await Promise.all([
        api.post(`/api/v1/calls/${callId}/assign`, undefined, t.attendant),
        api.post(`/api/v1/calls/${callId}/assign`, undefined, agentB),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? t.attendant.id : second.body.data.id;
      expect((await api.get(`/api/v1/calls/${callId}`, t.supervisor)).body.data.user_id).toBe(winner);
    }
  });
});

describe('list filters, search, sort and pagination', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const f = await createTenant(api, 'filters');
    const l1 = await createLink(api, f.supervisor, f.departmentId);
    const d2 = (await api.post('/api/v1/departments', { name: 'Second' }, f.supervisor)).body.data.id;
    const l2 = await createLink(api, f.supervisor, d2);
    const queued = await joinQueue(api, l1, { name: 'Queued Quinn', email: 'quinn@q.test' });
    const done = await joinQueue(api, l1, { name: 'Done Dora', email: 'dora@d.test' });
    await completeCall(api, f.attendant, done.callId);
    const active = await joinQueue(api, l2, { name: 'Active Ari' });
    await api.post(`/api/v1/calls/${active.callId}/assign`, {}, f.supervisor);
    await api.post(`/api/v1/calls/${active.callId}/start`, undefined, f.supervisor);
    const cancelled = await joinQueue(api, l2, { name: 'Gone Gus' });
    await api.post(`/api/v1/call/cancel/${cancelled.callId}`);
    ids = { queued: queued.callId, done: done.callId, active: active.callId, cancelled: cancelled.callId, d2, supervisor: f.supervisor.id, attendant: f.attendant.id };
    Object.assign(ids, { token: f.supervisor.token, tenant: f.slug });
  });
  const list = async (query: string) => {
    const res = await api.get(`/api/v1/calls?${query}`, { token: ids.token, tenant: ids.tenant });
    expect(res.status).toBe(200);
    return res.body as { data: any[]; meta: any };
  };

  it('status, department_id, user_id', async () => {
    expect((await list('status=completed')).data.map((c) => c.id)).toEqual([ids.done]);
    expect((await list('status=queued')).data.map((c) => c.id)).toEqual([ids.queued]);
    expect((await list(`department_id=${ids.d2}`)).data.map((c) => c.id).sort()).toEqual([ids.active, ids.cancelled].sort());
    expect((await list(`user_id=${ids.attendant}`)).data.map((c) => c.id)).toEqual([ids.done]);
    expect((await list('department_id=not-a-uuid')).data).toEqual([]);
    const bad = await api.get('/api/v1/calls?status=sleeping', { token: ids.token, tenant: ids.tenant });
    expect(bad.status).toBe(422);
  });

  it('search by customer name or email, case-insensitive', async () => {
    expect((await list('search=DORA')).data.map((c) => c.id)).toEqual([ids.done]);
    expect((await list('search=quinn@q')).data.map((c) => c.id)).toEqual([ids.queued]);
    expect((await list('search=%25')).data).toEqual([]);
  });

  it('date_from and date_to (a bare date_to includes that whole day)', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(`date_from=${today}&date_to=${today}`)).meta.total_count).toBe(4);
    expect((await list('date_to=2000-01-01')).meta.total_count).toBe(0);
    expect((await list('date_from=2999-01-01')).meta.total_count).toBe(0);
    const bad = await api.get('/api/v1/calls?date_from=yesterday', { token: ids.token, tenant: ids.tenant });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.date_from).toBeDefined();
  });

  it('sorts (default inserted_at desc) and paginates', async () => {
    const all = (await list('')).data.map((c) => c.id);
    expect(all).toEqual([ids.cancelled, ids.active, ids.done, ids.queued]);
    expect((await list('sort_order=asc')).data.map((c) => c.id)).toEqual([...all].reverse());
    const page = await list('page=2&page_size=3');
    expect(page.data.map((c) => c.id)).toEqual([ids.queued]);
    expect(page.meta).toEqual({ current_page: 2, page_size: 3, total_pages: 2, total_count: 4 });
    expect((await api.get('/api/v1/calls?sort_by=customer_secret', { token: ids.token, tenant: ids.tenant })).status).toBe(422);
  });

  it('export: the same filters as CSV, for supervisors', async () => {
    const res = await fetch(`${srv.url}/api/v1/calls/export?status=completed`, { headers: { authorization: `Bearer ${ids.token}`, 'x-tenant': ids.tenant } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?calls\.csv"?$/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0].split(',')[0]).toBe('id');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([ids.done]);
    expect((await api.get('/api/v1/calls/export', t.attendant)).status).toBe(403);
  });
});

describe('around the call', () => {
  it('tags: add (idempotent), list, remove; unknown tag 422; removed twice 404', async () => {
    const { callId } = await joinQueue(api, link);
    const tag = (await api.post('/api/v1/tags', { name: 'Suporte', color: '#3b82f6' }, t.attendant)).body.data;
    const added = await api.post(`/api/v1/calls/${callId}/tags`, { tag_id: tag.id }, t.attendant);
    expect(added.status).toBe(201);
    expect(added.body.data).toEqual([{ id: tag.id, name: 'Suporte', color: '#3b82f6', inserted_at: expect.any(String) }]);
    await api.post(`/api/v1/calls/${callId}/tags`, { tag_id: tag.id }, t.attendant);
    expect((await api.get(`/api/v1/calls/${callId}/tags`, t.attendant)).body.data).toHaveLength(1);
    expect((await api.get(`/api/v1/calls/${callId}`, t.attendant)).body.data.tags.map((x: any) => x.id)).toEqual([tag.id]);
    expect((await api.post(`/api/v1/calls/${callId}/tags`, { tag_id: '6f1c2d1e-1111-4111-8111-111111111111' }, t.attendant)).status).toBe(422);
    const foreignTag = (await api.post('/api/v1/tags', { name: 'Theirs' }, other.attendant)).body.data.id;
    expect((await api.post(`/api/v1/calls/${callId}/tags`, { tag_id: foreignTag }, t.attendant)).status).toBe(422);
    expect((await api.delete(`/api/v1/calls/${callId}/tags/${tag.id}`, t.attendant)).status).toBe(204);
    expect((await api.delete(`/api/v1/calls/${callId}/tags/${tag.id}`, t.attendant)).status).toBe(404);
  });

  it('manager notes: supervisors only, ended calls only, append-only with stamp and author', async () => {
    const { callId } = await joinQueue(api, link);
    expect((await api.post(`/api/v1/calls/${callId}/manager-notes`, { notes: 'Too early' }, t.supervisor)).status).toBe(409);
    await completeCall(api, t.attendant, callId);
    expect((await api.post(`/api/v1/calls/${callId}/manager-notes`, { notes: 'Nope' }, t.attendant)).status).toBe(403);
    expect((await api.post(`/api/v1/calls/${callId}/manager-notes`, { notes: '   ' }, t.supervisor)).body).toEqual({ errors: { notes: ["can't be blank"] } });
    expect((await api.post(`/api/v1/calls/${callId}/manager-notes`, {}, t.supervisor)).status).toBe(422);
    const first = await api.post(`/api/v1/calls/${callId}/manager-notes`, { notes: 'Excellent service. Request customer feedback.' }, t.supervisor);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ id: callId, manager_notes: expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d - calls supervisor\] Excellent service\. Request customer feedback\.$/) });
    const second = await api.post(`/api/v1/calls/${callId}/manager-notes`, { notes: 'Follow-up done.' }, t.owner);
    const lines = second.body.data.manager_notes.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(first.body.data.manager_notes);
    expect(lines[1]).toMatch(/ - calls Owner\] Follow-up done\.$/);
  });

  it('transcript and summary: 403 without the plan feature, 404 when none yet, 200 when present', async () => {
    const { callId } = await joinQueue(api, link);
    await completeCall(api, t.attendant, callId);
    expect((await api.get(`/api/v1/calls/${callId}/transcript`, t.attendant)).body).toEqual({ errors: { detail: 'Feature transcription not available in the plan' } });
    expect((await api.get(`/api/v1/calls/${callId}/summary`, t.attendant)).status).toBe(403);
    await api.put('/api/v1/company', { features: { transcription: true, ai_summaries: true } }, t.owner);
    expect((await api.get(`/api/v1/calls/${callId}/transcript`, t.attendant)).status).toBe(404);
    expect((await api.get(`/api/v1/calls/${callId}/summary`, t.attendant)).status).toBe(404);
    const em = srv.server.db.orm.em.fork();
    const tenantId = (await em.getConnection().execute(`select tenant_id from calls where id = '${callId}'`))[0].tenant_id;
    em.create(CallTranscript, { callId, tenantId, transcript: 'Agent: Good morning.\nCustomer: Hi.', language: 'pt-BR', generatedAt: new Date('2026-02-18T14:46:00Z') });
    em.create(CallSummary, { callId, tenantId, summary: 'The customer wanted help.', provider: 'openai', model: 'gpt-4o-mini', generatedAt: new Date('2026-02-18T14:46:30Z') });
    await em.flush();
    expect((await api.get(`/api/v1/calls/${callId}/transcript`, t.attendant)).body.data).toEqual({
      call_id: callId, transcript: 'Agent: Good morning.\nCustomer: Hi.', language: 'pt-BR', generated_at: '2026-02-18T14:46:00Z',
    });
    expect((await api.get(`/api/v1/calls/${callId}/summary`, t.attendant)).body.data).toEqual({
      call_id: callId, summary: 'The customer wanted help.', provider: 'openai', model: 'gpt-4o-mini', generated_at: '2026-02-18T14:46:30Z',
    });
  });
});

describe('another tenant’s call is 404 on every route, REST and GraphQL', () => {
  it('REST', async () => {
    const { callId } = await joinQueue(api, link);
    const paths: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/calls/${callId}`], ['POST', `/api/v1/calls/${callId}/assign`, {}], ['POST', `/api/v1/calls/${callId}/start`],
      ['POST', `/api/v1/calls/${callId}/complete`, {}], ['GET', `/api/v1/calls/${callId}/tags`],
      ['POST', `/api/v1/calls/${callId}/tags`, { tag_id: callId }], ['DELETE', `/api/v1/calls/${callId}/tags/${callId}`],
      ['POST', `/api/v1/calls/${callId}/manager-notes`, { notes: 'x' }], ['GET', `/api/v1/calls/${callId}/files`],
      ['GET', `/api/v1/calls/${callId}/recording`],
      ['POST', '/api/v1/evaluations', { call_id: callId, rating: 5 }],
    ];
    await api.put('/api/v1/company', { features: { transcription: true, ai_summaries: true } }, other.owner);
    paths.push(['GET', `/api/v1/calls/${callId}/transcript`], ['GET', `/api/v1/calls/${callId}/summary`]);
    for (const [method, path, body] of paths) {
      const res = await api.request(method, path, { auth: other.owner, body });
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await api.get(`/api/v1/calls?search=Carlos`, other.owner)).body.data).toEqual([]);
  });

  it('GraphQL', async () => {
    const { callId } = await joinQueue(api, link);
    for (const q of [
      `{ call(id: "${callId}") { id } }`, `mutation { assignCall(id: "${callId}") { id } }`,
      `mutation { startCall(id: "${callId}") { id } }`, `{ callTags(callId: "${callId}") { id } }`,
      `mutation { createEvaluation(evaluation: { callId: "${callId}", rating: 5 }) { id } }`,
    ]) {
      const res = await api.graphql(q, undefined, other.owner);
      expect([q, res.body.errors?.[0]?.extensions.code]).toEqual([q, 'NOT_FOUND']);
    }
  });
});
