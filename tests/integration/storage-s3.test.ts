import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');
import { Client } from 'pg';
import { Api } from '../helpers/http';
import { createTestDatabase } from '../helpers/database';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { S3Storage } from '../../src/storage/s3-storage';

/**
 * Two instances with their own DATA_DIR and one S3-compatible store (s3rver, from npm): what one
 * stores, the other serves.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let s3: any;
let endpoint: string;
const s3Dir = mkdtempSync(join(tmpdir(), 'voki-s3-'));
const dirs: string[] = [];
const servers: ServerProcess[] = [];
let t: TestTenant;
let one: Api;
let two: Api;
const S3_ENV = () => ({ S3_BUCKET: 'voki', S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' });

beforeAll(async () => {
  s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: s3Dir, silent: true, configureBuckets: [{ name: 'voki' }] });
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
  db = await createTestDatabase();
  for (let i = 0; i < 2; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'voki-s3-instance-'));
    dirs.push(dir);
    servers.push(await spawnServer({
      DATABASE_URL: db.url, DATA_DIR: dir, JWT_SECRET: 'storage-s3-secret-long-enough-0123456789abcdef', LOG_LEVEL: 'info',
      RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', MEDIA: 'off', ...S3_ENV(),
    }));
  }
  [one, two] = servers.map((s) => new Api(s.url));
  t = await createTenant(one, 's3');
}, 120000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await db?.drop();
  await s3?.close();
  for (const d of [s3Dir, ...dirs]) rmSync(d, { recursive: true, force: true });
});

const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

describe('storage in an S3-compatible bucket (S3_BUCKET)', () => {
  it('a file uploaded through one instance downloads through the other, and lives in the bucket only', async () => {
    const link = await createLink(one, t.supervisor, t.departmentId);
    const call = await joinQueue(one, link);
    const content = Buffer.from(`%PDF-1.4 shared across instances ${Date.now()}`);
    const form = new FormData();
    form.append('file', new Blob([content]), 'contract.pdf');
    const up = await fetch(`${servers[0].url}/api/v1/calls/${call.callId}/upload`, {
      method: 'POST', body: form, headers: { authorization: `Bearer ${t.attendant.token}`, 'x-tenant': t.slug },
    });
    expect(up.status).toBe(201);
    const stored = (await up.json()).data;
    const down = await fetch(`${servers[1].url}${stored.url}`, { headers: { authorization: `Bearer ${t.attendant.token}`, 'x-tenant': t.slug } });
    expect(down.status).toBe(200);
    expect(down.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await down.arrayBuffer())).toEqual(content);
    // Nothing of it stayed on either instance's disk.
    for (const dir of dirs) expect(files(dir).filter((f) => !f.endsWith('.json') && !f.startsWith('turn'))).toEqual([]);
    expect(files(s3Dir).filter((f) => f.endsWith('._S3rver_object'))).toHaveLength(1);
  });

  it('a recording in the bucket is served by any instance, with byte ranges', async () => {
    const link = await createLink(one, t.supervisor, t.departmentId);
    const call = await joinQueue(one, link);
    const { rows: [row] } = await query('select tenant_id from calls where id = $1', [call.callId]);
    const key = `recordings/${row.tenant_id}/${call.callId}/call.webm`;
    const bytes = Buffer.alloc(4096, 7);
    const scratch = mkdtempSync(join(tmpdir(), 'voki-s3-put-'));
    dirs.push(scratch);
    require('node:fs').writeFileSync(join(scratch, 'x.webm'), bytes);
    const store = new S3Storage({ bucket: 'voki', endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
    await store.putFile(key, join(scratch, 'x.webm'), 'video/webm');
    store.close();
    await query(`update calls set status = 'completed', recording_path = $2 where id = $1`, [call.callId, key]);
    const headers = { authorization: `Bearer ${t.supervisor.token}`, 'x-tenant': t.slug };
    const whole = await fetch(`${servers[1].url}/api/v1/calls/${call.callId}/recording`, { headers });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    const part = await fetch(`${servers[0].url}/api/v1/calls/${call.callId}/recording`, { headers: { ...headers, range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/4096');
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const beyond = await fetch(`${servers[0].url}/api/v1/calls/${call.callId}/recording`, { headers: { ...headers, range: 'bytes=5000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */4096');
  });
});

async function query(sql: string, params: unknown[]) {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}
