import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../helpers/http';
import { spawnServer } from '../helpers/process';

const PASSWORD = 'embedded-password-1';
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'voki-embedded-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the built server on the embedded defaults (no DATABASE_URL, no REDIS_URL)', () => {
  it('starts, serves, stops on SIGTERM with 0, and a restart on the same DATA_DIR loses nothing', async () => {
    const first = await spawnServer({ DATA_DIR: dataDir });
    const api = new Api(first.url);
    expect((await api.get('/health')).body).toEqual({ status: 'ok' });

    const signup = await api.post('/api/v1/signup', { company_name: 'Embedded', tenant: 'embedded', name: 'Em', email: 'em@bed.test', password: PASSWORD });
    expect(signup.status).toBe(201);
    const auth = { token: signup.body.data.access_token, tenant: 'embedded' };
    const dept = await api.post('/api/v1/departments', { name: 'Persisted' }, auth);
    expect(dept.status).toBe(201);
    // Concurrent requests over the pooled connections to PGlite all succeed.
    const tags = await Promise.all(Array.from({ length: 12 }, (_, i) => api.post('/api/v1/tags', { name: `t${i}` }, auth)));
    expect(tags.map((r) => r.status)).toEqual(Array(12).fill(201));

    expect(await first.stop('SIGTERM')).toBe(0);
    const logs = first.output();
    expect(logs).toContain('"msg":"voki stopped"');
    // Structured logs, and never a password or token in them.
    for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(auth.token);
    expect(logs).not.toContain(signup.body.data.refresh_token);

    const second = await spawnServer({ DATA_DIR: dataDir });
    try {
      const again = new Api(second.url);
      // The generated JWT secret was kept in DATA_DIR: the old token still works.
      const me = await again.get('/api/v1/users/me', auth);
      expect(me.status).toBe(200);
      expect(me.body.data.email).toBe('em@bed.test');
      const list = await again.get('/api/v1/departments', auth);
      expect(list.body.data.map((d: any) => d.name)).toEqual(['Persisted']);
      expect((await again.get('/api/v1/tags', auth)).body.meta.total_count).toBe(12);
      const login = await again.post('/api/auth/login', { email: 'em@bed.test', password: PASSWORD, tenant: 'embedded' });
      expect(login.status).toBe(200);
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  });
});
