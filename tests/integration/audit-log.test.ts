import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { PASSWORD, createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let other: TestTenant;
let link: string;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'audit');
  other = await createTenant(api, 'audit-rival');
  link = await createLink(api, t.supervisor, t.departmentId);
});
afterAll(() => srv?.stop());

const log = async (query = '') => {
  const res = await api.get(`/api/v1/audit-log?page_size=100${query}`, t.manager);
  expect(res.status).toBe(200);
  return res.body.data as any[];
};
/** Entries of `action` on `targetId` (newest first). */
const entries = async (action: string, targetId?: string) =>
  (await log(`&action=${encodeURIComponent(action)}${targetId ? `&target_id=${targetId}` : ''}`));

describe('GET /api/v1/audit-log (CONTRACT §11)', () => {
  it('records sign-up, the department and the users made while setting the tenant up, with who did it', async () => {
    const all = await log();
    const [created] = all.filter((e) => e.action === 'tenant.created');
    expect(created).toEqual({
      id: expect.any(String), action: 'tenant.created', actor_id: t.owner.id, actor_name: 'audit Owner', actor_role: 'owner',
      target_type: 'tenant', target_id: expect.any(String), ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      changes: { name: [null, 'audit Inc'], slug: [null, t.slug] }, inserted_at: expect.stringMatching(/Z$/),
    });
    expect(all.filter((e) => e.action === 'user.created').map((e) => e.target_id).sort())
      .toEqual([t.manager.id, t.supervisor.id, t.attendant.id].sort());
    expect(all.find((e) => e.action === 'department.created' && e.target_id === t.departmentId)).toMatchObject({ actor_id: t.owner.id });
    // Newest first.
    const times = all.map((e) => e.inserted_at);
    expect(times.length).toBeGreaterThan(4);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('user.updated keeps {field: [old, new]} and never a password; user.deactivated', async () => {
    const secret = 'a-brand-new-password-123';
    const res = await api.put(`/api/v1/users/${t.attendant.id}`, { user: { name: 'Renamed Agent', password: secret } }, t.manager);
    expect(res.status).toBe(200);
    const [entry] = await entries('user.updated', t.attendant.id);
    expect(entry).toMatchObject({ actor_id: t.manager.id, actor_role: 'manager', target_type: 'user', changes: { name: ['audit attendant', 'Renamed Agent'] } });
    const text = JSON.stringify(await log());
    expect(text).not.toContain(secret);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toMatch(/password|hash/i);

    const made = await api.post('/api/v1/users', { user: { name: 'Temp', email: `temp@${t.slug}.test`, password: PASSWORD } }, t.manager);
    expect((await api.delete(`/api/v1/users/${made.body.data.id}`, t.manager)).status).toBe(204);
    expect((await entries('user.deactivated', made.body.data.id))[0]).toMatchObject({ changes: { status: ['active', 'inactive'] } });
  });

  it('department.* with changes, filterable by family', async () => {
    const d = (await api.post('/api/v1/departments', { department: { name: 'Audit Dept' } }, t.supervisor)).body.data;
    await api.put(`/api/v1/departments/${d.id}`, { department: { routing: 'least_busy', queue_timeout: 120 } }, t.supervisor);
    await api.post(`/api/v1/departments/${d.id}/members`, { user_id: t.attendant.id }, t.supervisor);
    await api.delete(`/api/v1/departments/${d.id}/members/${t.attendant.id}`, t.supervisor);
    await api.delete(`/api/v1/departments/${d.id}`, t.supervisor);
    const family = await log(`&action=department.*&target_id=${d.id}`);
    expect(family.map((e) => e.action)).toEqual([
      'department.deleted', 'department.member_removed', 'department.member_added', 'department.updated', 'department.created',
    ]);
    expect(family[3].changes).toEqual({ queue_timeout: [600, 120], routing: ['manual', 'least_busy'] });
    expect(family[0].changes).toEqual({ is_active: [true, false] });
    expect(family[2].changes).toEqual({ user_id: [null, t.attendant.id] });
  });

  it('link.created, link.revoked and company.updated (target: the tenant)', async () => {
    const made = await api.post('/api/v1/links', { link: { department_id: t.departmentId, name: 'Audited' } }, t.supervisor);
    await api.delete(`/api/v1/links/${made.body.data.id}`, t.supervisor);
    expect((await entries('link.created', made.body.data.id))).toHaveLength(1);
    expect((await entries('link.revoked', made.body.data.id))[0].changes).toEqual({ active: [true, false] });

    expect((await api.put('/api/v1/company', { company: { primary_color: '#112233' } }, t.manager)).status).toBe(200);
    const [company] = await entries('company.updated');
    expect(company).toMatchObject({ target_type: 'company', target_id: (await entries('tenant.created'))[0].target_id });
    expect(company.changes.primary_color[1]).toBe('#112233');
  });

  it('auth.login_failed names the user when the email exists, with no actor; auth.refresh_reuse', async () => {
    const wrong = 'definitely-not-the-password';
    expect((await api.post('/api/auth/login', { tenant: t.slug, email: t.attendant.email, password: wrong })).status).toBe(401);
    expect((await api.post('/api/auth/login', { tenant: t.slug, email: `nobody@${t.slug}.test`, password: wrong })).status).toBe(401);
    const failed = await entries('auth.login_failed');
    expect(failed.slice(0, 2)).toEqual([
      expect.objectContaining({ actor_id: null, actor_name: null, target_type: null, target_id: null }),
      expect.objectContaining({ actor_id: null, target_type: 'user', target_id: t.attendant.id }),
    ]);
    expect(JSON.stringify(failed)).not.toContain(wrong);

    const login = await api.post('/api/auth/login', { tenant: t.slug, email: t.supervisor.email, password: PASSWORD });
    const token = login.body.data.refresh_token;
    expect((await api.post('/api/auth/refresh', { refresh_token: token })).status).toBe(200);
    expect((await api.post('/api/auth/refresh', { refresh_token: token })).status).toBe(401);
    const [reuse] = await entries('auth.refresh_reuse');
    expect(reuse).toMatchObject({ target_type: 'user', target_id: t.supervisor.id });
    expect(JSON.stringify(reuse)).not.toContain(token);
  });

  it('call actions: assigned by someone else (not by oneself), manager notes, supervision, export, recording download', async () => {
    const own = await joinQueue(api, link);
    expect((await api.post(`/api/v1/calls/${own.callId}/assign`, {}, t.attendant)).status).toBe(200);
    expect(await entries('call.assigned', own.callId)).toHaveLength(0);

    const given = await joinQueue(api, link);
    expect((await api.post(`/api/v1/calls/${given.callId}/assign`, { user_id: t.attendant.id }, t.supervisor)).status).toBe(200);
    expect((await entries('call.assigned', given.callId))[0]).toMatchObject({ actor_id: t.supervisor.id, changes: { user_id: [null, t.attendant.id] } });

    expect((await api.post(`/api/v1/calls/${given.callId}/start`, undefined, t.attendant)).status).toBe(200);
    expect((await api.post(`/api/v1/calls/${given.callId}/monitor`, {}, t.supervisor)).status).toBe(200);
    expect((await entries('call.supervised', given.callId))[0].changes).toEqual({ mode: [null, 'monitor'] });
    expect((await api.post(`/api/v1/calls/${given.callId}/complete`, {}, t.attendant)).status).toBe(200);
    expect((await api.post(`/api/v1/calls/${given.callId}/manager-notes`, { notes: 'Good call' }, t.manager)).status).toBe(200);
    expect((await entries('call.manager_note', given.callId))[0].changes.manager_notes[1]).toContain('Good call');

    const csv = await api.get(`/api/v1/calls/export?status=completed`, t.manager);
    expect(csv.status).toBe(200);
    expect((await entries('calls.exported'))[0]).toMatchObject({ actor_id: t.manager.id, target_id: null, changes: { filters: { status: 'completed' } } });

    // A recording on disk (the SFU's recorder is issue 10's): downloading it is audited.
    mkdirSync(join(srv.dataDir, 'recordings'), { recursive: true });
    writeFileSync(join(srv.dataDir, 'recordings', `${given.callId}.webm`), Buffer.alloc(64, 1));
    await srv.server.db.orm.em.fork().getConnection().execute(
      'update calls set recording_path = ? where id = ?', [`recordings/${given.callId}.webm`, given.callId]);
    expect((await api.get(`/api/v1/calls/${given.callId}/recording`, t.manager)).status).toBe(200);
    expect((await entries('recording.downloaded', given.callId))[0]).toMatchObject({ actor_id: t.manager.id, target_type: 'call' });
  });

  it('a refused or failed action leaves no entry', async () => {
    const before = (await log()).length;
    expect((await api.post('/api/v1/departments', { department: { name: 'Nope' } }, t.attendant)).status).toBe(403);
    expect((await api.put(`/api/v1/users/${t.attendant.id}`, { user: { email: 'not-an-email' } }, t.manager)).status).toBe(422);
    expect((await api.post('/api/v1/users', { user: { name: 'Dup', email: t.attendant.email, password: PASSWORD } }, t.manager)).status).toBe(422);
    expect((await api.put(`/api/v1/users/${t.manager.id}`, { user: { status: 'inactive' } }, t.manager)).status).toBe(409);
    expect((await api.delete(`/api/v1/departments/${t.departmentId}/members/${t.manager.id}`, t.supervisor)).status).toBe(404);
    expect((await log()).length).toBe(before);
  });

  it('is for managers of the tenant only, filters by actor and period, and is append-only', async () => {
    expect((await api.get('/api/v1/audit-log', t.supervisor)).status).toBe(403);
    expect((await api.get('/api/v1/audit-log', t.attendant)).status).toBe(403);
    const theirs = await api.get('/api/v1/audit-log?page_size=100', other.manager);
    expect(theirs.body.data.length).toBeGreaterThan(0);
    expect(JSON.stringify(theirs.body.data)).not.toContain(t.owner.id);
    expect((await api.get(`/api/v1/audit-log?target_id=${t.attendant.id}`, other.manager)).body.data).toEqual([]);

    const bySupervisor = await log(`&actor_id=${t.supervisor.id}`);
    expect(bySupervisor.length).toBeGreaterThan(0);
    expect(new Set(bySupervisor.map((e) => e.actor_id))).toEqual(new Set([t.supervisor.id]));
    expect(await log('&actor_id=not-a-uuid')).toEqual([]);
    expect(await log('&date_to=2000-01-01')).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await log(`&date_from=${today}T00:00:00Z&date_to=${today}`)).length).toBe((await log()).length);
    const paged = await api.get('/api/v1/audit-log?page_size=2&page=2', t.manager);
    expect(paged.body.data).toHaveLength(2);
    expect(paged.body.meta).toMatchObject({ current_page: 2, page_size: 2 });

    const gql = await api.graphql('{ auditLog(action: "tenant.created") { data { action actorId targetType changes } meta { totalCount } } }', undefined, t.manager);
    expect(gql.body.data.auditLog).toEqual({
      data: [{ action: 'tenant.created', actorId: t.owner.id, targetType: 'tenant', changes: { name: [null, 'audit Inc'], slug: [null, t.slug] } }],
      meta: { totalCount: 1 },
    });

    const [first] = await log();
    expect((await api.delete(`/api/v1/audit-log/${first.id}`, t.manager)).status).toBe(404);
    expect((await api.put(`/api/v1/audit-log/${first.id}`, {}, t.manager)).status).toBe(404);
    const conn = srv.server.db.orm.em.fork().getConnection();
    await expect(conn.execute("update audit_log set action = 'forged' where id = ?", [first.id])).rejects.toThrow(/append-only/);
    await expect(conn.execute('delete from audit_log where id = ?', [first.id])).rejects.toThrow(/append-only/);
    expect((await log()).find((e) => e.id === first.id)?.action).toBe(first.action);
  });
});
