import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Api, type Auth } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let other: TestTenant;
let callId: string;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  srv = await startTestServer({ UPLOAD_LIMIT: '64kb' });
  api = new Api(srv.url);
  t = await createTenant(api, 'files');
  other = await createTenant(api, 'files-other');
  callId = (await joinQueue(api, await createLink(api, t.supervisor, t.departmentId))).callId;
});
afterAll(() => srv?.stop());

function upload(auth: Auth, id: string, content: Buffer | string, filename: string, field = 'file') {
  const form = new FormData();
  form.append(field, new Blob([content]), filename);
  return fetch(`${srv.url}/api/v1/calls/${id}/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${auth.token}`, 'x-tenant': auth.tenant } });
}

/** Every stored upload of every tenant: what is on disk must match what the API lists. */
const storedFiles = () => readdirSync(join(srv.dataDir, 'uploads'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

describe('uploads', () => {
  it('stores the file, sniffs its type from the content, and lists it', async () => {
    const res = await upload(t.attendant, callId, '%PDF-1.4\n%hello', 'document.pdf');
    expect(res.status).toBe(201);
    const { data } = await res.json();
    expect(data).toEqual({ id: expect.any(String), filename: 'document.pdf', content_type: 'application/pdf', size: 15, url: `/api/v1/calls/${callId}/files/${data.id}` });
    const list = await api.get(`/api/v1/calls/${callId}/files`, t.attendant);
    expect(list.body.data.map((f: any) => f.id)).toContain(data.id);
  });

  it('a hostile name is stored under a generated one; a lying extension does not change the type', async () => {
    const res = await upload(t.attendant, callId, '<html><script>alert(1)</script></html>', '../../../etc/passwd.pdf');
    const { data } = await res.json();
    expect(data.filename).toBe('passwd.pdf');
    expect(data.content_type).toBe('text/plain');
    const download = await fetch(`${srv.url}${data.url}`, { headers: { authorization: `Bearer ${t.attendant.token}`, 'x-tenant': t.slug } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="?passwd\.pdf"?$/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await download.text()).toContain('<script>');
  });

  it('over the limit → 413 and nothing is kept; no file part → 422; not multipart → 422', async () => {
    const before = (await api.get(`/api/v1/calls/${callId}/files`, t.attendant)).body.data.length;
    const onDisk = storedFiles();
    const big = await upload(t.attendant, callId, Buffer.alloc(LIMIT + 1, 7), 'big.bin');
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ errors: { detail: expect.any(String) } });
    expect((await api.get(`/api/v1/calls/${callId}/files`, t.attendant)).body.data.length).toBe(before);
    expect(storedFiles()).toBe(onDisk);
    const missing = await upload(t.attendant, callId, 'x', 'x.txt', 'attachment');
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({ errors: { file: ["can't be blank"] } });
    expect((await api.post(`/api/v1/calls/${callId}/upload`, { file: 'x' }, t.attendant)).status).toBe(422);
    // Exactly at the limit is fine.
    expect((await upload(t.attendant, callId, Buffer.alloc(LIMIT, 7), 'edge.bin')).status).toBe(201);
  });

  it('another tenant, no token, unknown call → 401/404, and nothing is stored for them', async () => {
    expect((await upload(other.owner, callId, 'x', 'x.txt')).status).toBe(404);
    const anonymous = await fetch(`${srv.url}/api/v1/calls/${callId}/upload`, { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
    const file = (await api.get(`/api/v1/calls/${callId}/files`, t.attendant)).body.data[0];
    const foreign = await fetch(`${srv.url}${file.url}`, { headers: { authorization: `Bearer ${other.owner.token}`, 'x-tenant': other.slug } });
    expect(foreign.status).toBe(404);
    expect((await api.get(`/api/v1/calls/${callId}/files`, other.owner)).status).toBe(404);
  });

  it('a call without a recording → 404 on /recording', async () => {
    expect((await api.get(`/api/v1/calls/${callId}/recording`, t.attendant)).body).toEqual({ errors: { detail: 'Recording not found' } });
  });
});
