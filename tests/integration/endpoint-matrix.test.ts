import { Api, type Auth } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, PASSWORD, type TestTenant } from '../helpers/tenants';
import type { Role } from '../../src/auth/roles';

let srv: TestServer;
let api: Api;
let a: TestTenant;
let b: TestTenant;
const fx: Record<'a' | 'b', { tagId: string; linkId: string; userId: string }> = {} as never;

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
let seq = 0;

async function fixtures(t: TestTenant) {
  const tag = await api.post('/api/v1/tags', { tag: { name: `tag-${++seq}` } }, t.attendant);
  const link = await api.post('/api/v1/links', { link: { department_id: t.departmentId } }, t.supervisor);
  const user = await api.post('/api/v1/users', { user: { name: 'Extra', email: `extra${++seq}@${t.slug}.test`, password: PASSWORD } }, t.manager);
  return { tagId: tag.body.data.id, linkId: link.body.data.id, userId: user.body.data.id };
}

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  [a, b] = [await createTenant(api, 'ma'), await createTenant(api, 'mb')];
  fx.a = await fixtures(a);
  fx.b = await fixtures(b);
});
afterAll(() => srv?.stop());

interface Ids { dept: string; tag: string; link: string; user: string }
interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: (ids: Ids) => string;
  min: Role;
  /** Whether the path names an object, so another tenant's id must be a 404. */
  byId?: boolean;
  body?: () => unknown;
  /** A body that fails validation on `field`; a function when it needs fixtures made in beforeAll. */
  invalid?: { body: unknown; field: string };
  status: number;
  check?: (data: any) => void;
}

const idsOf = (t: TestTenant, f: typeof fx.a): Ids => ({ dept: t.departmentId, tag: f.tagId, link: f.linkId, user: f.userId });

const CASES: Case[] = [
  { name: 'GET users/me', method: 'GET', path: () => '/api/v1/users/me', min: 'attendant', status: 200, check: (d) => expect(d.data.inserted_at).toMatch(ISO) },
  { name: 'PUT users/me', method: 'PUT', path: () => '/api/v1/users/me', min: 'attendant', body: () => ({ user: { name: 'Same Name' } }), invalid: { body: { user: { name: '' } }, field: 'name' }, status: 200 },
  { name: 'GET users', method: 'GET', path: () => '/api/v1/users', min: 'manager', status: 200, check: (d) => expect(d.meta).toMatchObject({ current_page: 1, page_size: 20 }) },
  { name: 'POST users', method: 'POST', path: () => '/api/v1/users', min: 'manager', body: () => ({ user: { name: 'N', email: `n${++seq}@x.test`, password: PASSWORD } }), invalid: { body: { user: { name: 'N', email: 'not-an-email', password: PASSWORD } }, field: 'email' }, status: 201, check: (d) => expect(d.data.role).toBe('attendant') },
  { name: 'GET users/:id', method: 'GET', path: (i) => `/api/v1/users/${i.user}`, min: 'manager', byId: true, status: 200 },
  { name: 'PUT users/:id', method: 'PUT', path: (i) => `/api/v1/users/${i.user}`, min: 'manager', byId: true, body: () => ({ user: { name: 'Renamed' } }), invalid: { body: { user: { email: 'x' } }, field: 'email' }, status: 200, check: (d) => expect(d.data.name).toBe('Renamed') },
  { name: 'DELETE users/:id', method: 'DELETE', path: (i) => `/api/v1/users/${i.user}`, min: 'manager', byId: true, status: 204 },
  { name: 'GET departments', method: 'GET', path: () => '/api/v1/departments', min: 'attendant', status: 200 },
  { name: 'POST departments', method: 'POST', path: () => '/api/v1/departments', min: 'supervisor', body: () => ({ department: { name: 'Vendas', queue_timeout: 120 } }), invalid: { body: { department: { name: 'x'.repeat(201) } }, field: 'name' }, status: 201, check: (d) => expect(d.data).toMatchObject({ name: 'Vendas', queue_timeout: 120, is_active: true }) },
  { name: 'GET departments/:id', method: 'GET', path: (i) => `/api/v1/departments/${i.dept}`, min: 'attendant', byId: true, status: 200, check: (d) => expect(d.data.queue_timeout).toBe(600) },
  { name: 'PUT departments/:id', method: 'PUT', path: (i) => `/api/v1/departments/${i.dept}`, min: 'supervisor', byId: true, body: () => ({ department: { description: 'Help' } }), invalid: { body: { department: { queue_timeout: 'soon' } }, field: 'queue_timeout' }, status: 200 },
  { name: 'DELETE departments/:id', method: 'DELETE', path: (i) => `/api/v1/departments/${i.dept}`, min: 'supervisor', byId: true, status: 204 },
  { name: 'GET departments/:id/members', method: 'GET', path: (i) => `/api/v1/departments/${i.dept}/members`, min: 'supervisor', byId: true, status: 200 },
  { name: 'POST departments/:id/members', method: 'POST', path: (i) => `/api/v1/departments/${i.dept}/members`, min: 'supervisor', byId: true, body: () => ({ user_id: fx.a.userId }), invalid: { body: { user_id: 'nobody' }, field: 'user_id' }, status: 201 },
  { name: 'GET links', method: 'GET', path: () => '/api/v1/links', min: 'supervisor', status: 200 },
  { name: 'POST links', method: 'POST', path: () => '/api/v1/links', min: 'supervisor', body: () => ({ link: { department_id: a.departmentId, name: 'Site', max_uses: 10 } }), invalid: { body: () => ({ link: { department_id: a.departmentId, max_uses: 0 } }), field: 'max_uses' }, status: 201, check: (d) => { expect(d.data.token).toMatch(/^[\w-]{16,}$/); expect(d.data.url).toContain(d.data.token); } },
  { name: 'GET links/:id', method: 'GET', path: (i) => `/api/v1/links/${i.link}`, min: 'supervisor', byId: true, status: 200 },
  { name: 'DELETE links/:id', method: 'DELETE', path: (i) => `/api/v1/links/${i.link}`, min: 'supervisor', byId: true, status: 204 },
  { name: 'GET tags', method: 'GET', path: () => '/api/v1/tags', min: 'attendant', status: 200 },
  { name: 'POST tags', method: 'POST', path: () => '/api/v1/tags', min: 'attendant', body: () => ({ tag: { name: `t${++seq}`, color: '#FF0000' } }), invalid: { body: { tag: { name: 'ok', color: 'red' } }, field: 'color' }, status: 201, check: (d) => expect(d.data.color).toBe('#ff0000') },
  { name: 'GET tags/:id', method: 'GET', path: (i) => `/api/v1/tags/${i.tag}`, min: 'attendant', byId: true, status: 200 },
  { name: 'PUT tags/:id', method: 'PUT', path: (i) => `/api/v1/tags/${i.tag}`, min: 'attendant', byId: true, body: () => ({ tag: { color: '#00ff00' } }), invalid: { body: { tag: { name: '' } }, field: 'name' }, status: 200 },
  { name: 'DELETE tags/:id', method: 'DELETE', path: (i) => `/api/v1/tags/${i.tag}`, min: 'attendant', byId: true, status: 204 },
  { name: 'GET company', method: 'GET', path: () => '/api/v1/company', min: 'manager', status: 200, check: (d) => expect(d.data.features).toEqual({ recording: false, transcription: false, ai_summaries: false }) },
  { name: 'PUT company', method: 'PUT', path: () => '/api/v1/company', min: 'manager', body: () => ({ company: { primary_color: '#123456' } }), invalid: { body: { company: { logo_url: 'javascript:alert(1)' } }, field: 'logo_url' }, status: 200 },
];

const BELOW: Record<Role, Role | undefined> = { attendant: undefined, supervisor: 'attendant', manager: 'supervisor', owner: 'manager' };
const OTHER_TENANT_HAPPY_IDS = () => idsOf(a, fx.a);

function send(c: Case, auth: Auth | undefined, ids: Ids, body?: unknown, raw?: string) {
  return api.request(c.method, c.path(ids), { auth, body, raw });
}

describe.each(CASES)('$name', (c) => {
  it('without a token → 401', async () => {
    const res = await send(c, undefined, OTHER_TENANT_HAPPY_IDS(), c.body?.());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: { detail: 'Unauthorized' } });
  });

  if (BELOW[c.min]) {
    it(`as ${BELOW[c.min]} → 403`, async () => {
      const res = await send(c, a[BELOW[c.min]!], OTHER_TENANT_HAPPY_IDS(), c.body?.());
      expect(res.status).toBe(403);
      expect(res.body.errors.detail).toEqual(expect.any(String));
    });
  }

  if (c.byId) {
    it("another tenant's id → 404, and a malformed id → 404", async () => {
      const foreign = await send(c, a.owner, idsOf(b, fx.b), c.body?.());
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual({ errors: { detail: expect.stringMatching(/not found/) } });
      const malformed = await send(c, a.owner, { dept: 'nope', tag: 'nope', link: '1234', user: "1' or '1'='1" }, c.body?.());
      expect(malformed.status).toBe(404);
    });
  }

  if (c.body) {
    it('malformed JSON → 400; invalid fields → 422 naming the field', async () => {
      const broken = await send(c, a.owner, OTHER_TENANT_HAPPY_IDS(), undefined, '{"oops": ');
      expect(broken.status).toBe(400);
      expect(broken.body).toEqual({ errors: { detail: expect.any(String) } });
      const body = typeof c.invalid!.body === 'function' ? (c.invalid!.body as () => unknown)() : c.invalid!.body;
      const invalid = await send(c, a.owner, OTHER_TENANT_HAPPY_IDS(), body);
      expect(invalid.status).toBe(422);
      expect(invalid.body.errors[c.invalid!.field]).toEqual([expect.any(String)]);
    });
  }

  it(`as ${c.min} → ${c.status}`, async () => {
    // Destructive routes act on a fresh object, so other cases keep theirs.
    const ids = c.method === 'DELETE' ? idsOf(a, await fixtures(a)) : OTHER_TENANT_HAPPY_IDS();
    if (c.method === 'DELETE' && c.path(ids).includes('/departments/')) {
      ids.dept = (await api.post('/api/v1/departments', { name: 'Temp' }, a.supervisor)).body.data.id;
    }
    const res = await send(c, a[c.min], ids, c.body?.());
    expect(res.status).toBe(c.status);
    if (c.status === 204) {
      expect(res.text).toBe('');
    } else {
      expect(res.body).toHaveProperty('data');
      c.check?.(res.body);
    }
  });
});

describe('effects of the destructive routes', () => {
  it('DELETE users deactivates (kept, status inactive); DELETE links revokes; DELETE departments deactivates', async () => {
    const f = await fixtures(a);
    await api.delete(`/api/v1/users/${f.userId}`, a.manager);
    expect((await api.get(`/api/v1/users/${f.userId}`, a.manager)).body.data.status).toBe('inactive');
    await api.delete(`/api/v1/links/${f.linkId}`, a.supervisor);
    expect((await api.get(`/api/v1/links/${f.linkId}`, a.supervisor)).body.data.active).toBe(false);
    const dept = (await api.post('/api/v1/departments', { name: 'Gone' }, a.supervisor)).body.data.id;
    await api.delete(`/api/v1/departments/${dept}`, a.supervisor);
    expect((await api.get(`/api/v1/departments/${dept}`, a.attendant)).body.data.is_active).toBe(false);
    await api.delete(`/api/v1/tags/${f.tagId}`, a.attendant);
    expect((await api.get(`/api/v1/tags/${f.tagId}`, a.attendant)).status).toBe(404);
  });

  it('members: add, list, remove', async () => {
    const dept = (await api.post('/api/v1/departments', { name: 'Members' }, a.supervisor)).body.data.id;
    expect((await api.post(`/api/v1/departments/${dept}/members`, { user_id: a.attendant.id }, a.supervisor)).status).toBe(201);
    const list = await api.get(`/api/v1/departments/${dept}/members`, a.supervisor);
    expect(list.body.data.map((u: any) => u.id)).toEqual([a.attendant.id]);
    expect(list.body.meta.total_count).toBe(1);
    expect((await api.get('/api/v1/users/me', a.attendant)).body.data.department_ids).toContain(dept);
    expect((await api.delete(`/api/v1/departments/${dept}/members/${a.attendant.id}`, a.supervisor)).status).toBe(204);
    expect((await api.delete(`/api/v1/departments/${dept}/members/${a.attendant.id}`, a.supervisor)).status).toBe(404);
    // Another tenant's user cannot be made a member.
    expect((await api.post(`/api/v1/departments/${dept}/members`, { user_id: b.attendant.id }, a.supervisor)).status).toBe(422);
  });
});

describe('rank rules below the doors', () => {
  it('a manager cannot edit or deactivate the owner, nor promote anyone to owner', async () => {
    expect((await api.put(`/api/v1/users/${a.owner.id}`, { name: 'Pwned' }, a.manager)).status).toBe(403);
    expect((await api.delete(`/api/v1/users/${a.owner.id}`, a.manager)).status).toBe(403);
    expect((await api.put(`/api/v1/users/${a.supervisor.id}`, { role: 'owner' }, a.manager)).status).toBe(403);
    expect((await api.get(`/api/v1/users/${a.owner.id}`, a.owner)).body.data.name).not.toBe('Pwned');
  });

  it('nobody deactivates themself or changes their own role', async () => {
    expect((await api.delete(`/api/v1/users/${a.manager.id}`, a.manager)).status).toBe(409);
    expect((await api.put(`/api/v1/users/${a.manager.id}`, { role: 'supervisor' }, a.manager)).status).toBe(403);
  });

  it('an attendant reads their own user record by id, but nobody else’s', async () => {
    expect((await api.get(`/api/v1/users/${a.attendant.id}`, a.attendant)).status).toBe(200);
    expect((await api.get(`/api/v1/users/${a.supervisor.id}`, a.attendant)).status).toBe(403);
  });
});
