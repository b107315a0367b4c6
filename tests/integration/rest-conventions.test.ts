import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';

let srv: TestServer;
let api: Api;
let t: TestTenant;

beforeAll(async () => {
  srv = await startTestServer({ BODY_LIMIT: '64kb' });
  api = new Api(srv.url);
  t = await createTenant(api, 'conv');
  for (let i = 0; i < 25; i++) await api.post('/api/v1/tags', { name: `tag-${String(i).padStart(2, '0')}` }, t.attendant);
});
afterAll(() => srv?.stop());

describe('pagination', () => {
  it('defaults to page 1 of 20 with the documented meta', async () => {
    const res = await api.get('/api/v1/tags', t.attendant);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(20);
    expect(res.body.meta).toEqual({ current_page: 1, page_size: 20, total_pages: 2, total_count: 25 });
  });

  it('page_size is clamped to 100, and page 2 holds the rest', async () => {
    expect((await api.get('/api/v1/tags?page_size=1000', t.attendant)).body.meta.page_size).toBe(100);
    const second = await api.get('/api/v1/tags?page=2&page_size=20', t.attendant);
    expect(second.body.data).toHaveLength(5);
    expect(second.body.meta.current_page).toBe(2);
  });

  it('page < 1, a non-numeric page_size, or an unknown sort field → 422 naming it', async () => {
    expect((await api.get('/api/v1/tags?page=0', t.attendant)).body).toEqual({ errors: { page: ['must be greater than or equal to 1'] } });
    const nan = await api.get('/api/v1/tags?page_size=lots', t.attendant);
    expect(nan.status).toBe(422);
    expect(nan.body.errors.page_size).toEqual(['must be an integer']);
    const sort = await api.get('/api/v1/tags?sort_by=password', t.attendant);
    expect(sort.status).toBe(422);
    expect(Object.keys(sort.body.errors)).toEqual(['sort_by']);
  });

  it('sort_by and sort_order are read in snake_case', async () => {
    const desc = await api.get('/api/v1/tags?sort_by=name&sort_order=desc&page_size=3', t.attendant);
    expect(desc.body.data.map((x: any) => x.name)).toEqual(['tag-24', 'tag-23', 'tag-22']);
  });

  it('search and filters on users', async () => {
    const res = await api.get(`/api/v1/users?search=${encodeURIComponent('supervisor@')}`, t.manager);
    expect(res.body.data.map((u: any) => u.email)).toEqual([t.supervisor.email]);
    const byRole = await api.get('/api/v1/users?role=attendant', t.manager);
    expect(byRole.body.data.map((u: any) => u.email)).toContain(t.attendant.email);
    expect(byRole.body.data.filter((u: any) => u.role !== 'attendant')).toEqual([]);
    expect((await api.get('/api/v1/users?role=emperor', t.manager)).status).toBe(422);
  });
});

describe('bodies', () => {
  it('accepts the wrapped and the flat form alike', async () => {
    const wrapped = await api.post('/api/v1/departments', { department: { name: 'Wrapped', queue_timeout: 90 } }, t.supervisor);
    const flat = await api.post('/api/v1/departments', { name: 'Flat', queue_timeout: 90 }, t.supervisor);
    expect(wrapped.status).toBe(201);
    expect(flat.status).toBe(201);
    expect(wrapped.body.data.queue_timeout).toBe(flat.body.data.queue_timeout);
  });

  it('wrong types and oversized strings → 422 per field; unknown keys are ignored', async () => {
    const res = await api.post('/api/v1/departments', { name: 'x'.repeat(300), queue_timeout: 'ten', is_admin: true }, t.supervisor);
    expect(res.status).toBe(422);
    expect(res.body.errors.queue_timeout).toEqual(['must be an integer']);
    const long = await api.post('/api/v1/tags', { name: 'y'.repeat(51) }, t.attendant);
    expect(long.body).toEqual({ errors: { name: ['must be at most 50 characters'] } });
  });

  it('a JSON value that is not an object → 422; malformed JSON → 400', async () => {
    expect((await api.request('POST', '/api/v1/tags', { raw: '[1,2]', auth: t.attendant })).status).toBe(422);
    const broken = await api.request('POST', '/api/v1/tags', { raw: '{"name": "x",', auth: t.attendant });
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ errors: { detail: 'Malformed JSON in request body' } });
  });

  it('a bare JSON string, number or null is malformed → 400, whichever path reads the body', async () => {
    // application/json is read by the fast path (http/fast-rest.ts), application/*+json by Express.
    for (const type of ['application/json', 'application/merge-patch+json']) {
      for (const raw of ['"tag"', '42', 'null']) {
        for (const path of ['/api/v1/tags', '/graphql']) {
          const res = await api.request('POST', path, { raw, auth: t.attendant, headers: { 'content-type': type } });
          expect({ type, raw, path, status: res.status, body: res.body }).toEqual({ type, raw, path, status: 400, body: { errors: { detail: 'Malformed JSON in request body' } } });
        }
      }
    }
  });

  it('a body over the limit → 413 in the error shape, and nothing is created', async () => {
    const res = await api.post('/api/v1/tags', { name: 'big', padding: 'z'.repeat(70 * 1024) }, t.attendant);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: { detail: expect.any(String) } });
    const all = await api.get('/api/v1/tags?page_size=100', t.attendant);
    expect(all.body.data.map((x: any) => x.name)).not.toContain('big');
  });

  it('responses never carry a stack trace or internal detail', async () => {
    const res = await api.get('/api/v1/users/%E0%A4%A', t.manager);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(/at \w+ \(|node_modules|stack/);
  });
});

describe('routing', () => {
  it('an unknown path or method under /api → JSON 404', async () => {
    expect((await api.get('/api/v1/nothing-here', t.owner)).body).toEqual({ errors: { detail: 'Not found' } });
    expect((await api.request('PATCH', '/api/v1/tags', { auth: t.owner, body: {} })).status).toBe(404);
    // sofa's own webhook routes are not part of the API.
    expect((await api.post('/api/webhook', { subscription: 'x' })).status).toBe(404);
  });

  it('/users/me is not read as /users/:id', async () => {
    const res = await api.get('/api/v1/users/me', t.attendant);
    expect(res.body.data.id).toBe(t.attendant.id);
  });

  it('every response carries a request id, and a sane caller-given one is echoed', async () => {
    const res = await api.request('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect((await api.get('/health')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GET /health', () => {
  it('200 {"status":"ok","media":"ok"} while the database answers and the SFU runs', async () => {
    const res = await api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', media: 'ok' });
  });
});

describe('OpenAPI document', () => {
  let doc: any;
  beforeAll(async () => {
    doc = (await api.get('/api/v1/openapi.json')).body;
  });

  it('lists exactly the documented routes, none of sofa’s extras', () => {
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/api/v1/signup', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout', '/api/v1/users/me', '/api/v1/users',
      '/api/v1/users/{id}', '/api/v1/departments', '/api/v1/departments/{id}', '/api/v1/departments/{id}/members',
      '/api/v1/links', '/api/v1/links/{id}', '/api/v1/tags', '/api/v1/tags/{id}', '/api/v1/company',
      '/api/v1/appointments', '/api/v1/appointments/{id}', '/api/v1/calls/{id}/monitor', '/api/v1/calls/{id}/whisper', '/api/v1/calls/{id}/barge',
    ]));
    expect(Object.keys(doc.paths['/api/v1/appointments/{id}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(doc.paths['/api/v1/webhooks/{id}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(doc.paths['/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry'].post.responses)).toContain('202');
    expect(Object.keys(doc.paths['/api/v1/audit-log'])).toEqual(['get']);
    // The routes served outside sofa are described too.
    expect(doc.paths['/api/v1/calls/{call_id}/upload'].post.requestBody.content).toHaveProperty('multipart/form-data');
    expect(doc.paths['/api/v1/call/{token}/join'].post.security).toEqual([]);
  });

  it('describes snake_case fields, the envelope, and optional query parameters', () => {
    expect(Object.keys(doc.components.schemas.User.properties)).toEqual(
      ['id', 'name', 'email', 'role', 'status', 'department_ids', 'inserted_at'],
    );
    const list = doc.paths['/api/v1/users'].get;
    const params = Object.fromEntries(list.parameters.filter((p: any) => p.in === 'query').map((p: any) => [p.name, p.required]));
    expect(params).toMatchObject({ page: false, page_size: false, sort_by: false, sort_order: false, search: false });
    expect(list.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/UserPage');
    expect(doc.components.schemas.UserPage.properties.meta.$ref).toBe('#/components/schemas/PageMeta');
    expect(Object.keys(doc.components.schemas.PageMeta.properties)).toEqual(['current_page', 'page_size', 'total_pages', 'total_count']);
    const get = doc.paths['/api/v1/users/{id}'].get.responses['200'].content['application/json'].schema;
    expect(get).toEqual({ type: 'object', required: ['data'], properties: { data: { $ref: '#/components/schemas/User' } } });
    expect(doc.paths['/api/v1/users'].post.responses['201']).toBeDefined();
    expect(doc.paths['/api/v1/tags/{id}'].delete.responses['204']).toEqual({ description: 'No content' });
    expect(doc.components.schemas.Features.properties).toHaveProperty('ai_summaries');
  });

  it('is rendered by a page at /api/v1/docs with its assets served locally', async () => {
    const page = await api.get('/api/v1/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/api/v1/openapi.json');
    const asset = await fetch(`${srv.url}/api/v1/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100000);
  });
});

describe('browsers', () => {
  it('answers CORS preflights for the API headers and exposes the request id', async () => {
    const res = await fetch(`${srv.url}/api/v1/tags`, {
      method: 'OPTIONS',
      headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-tenant,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/X-Tenant/i);
    const get = await fetch(`${srv.url}/health`, { headers: { origin: 'https://dashboard.example' } });
    expect(get.headers.get('access-control-expose-headers')).toMatch(/X-Request-Id/);
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
