import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../helpers/http';
import { spawnServer } from '../helpers/process';
import { eventually } from '../helpers/sockets';

const PASSWORD = 'embedded-password-1';
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'voki-embedded-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** PIDs of the postgres processes working on the given cluster directory. */
function postgresOf(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith('/postgres')) && cmd.includes(dir)) pids.push(Number(name));
    } catch {
      // the process ended while being read
    }
  }
  return pids;
}

describe('the built server on the embedded defaults (no DATABASE_URL, no REDIS_URL)', () => {
  it('starts, serves, stops on SIGTERM with 0, and a restart on the same DATA_DIR loses nothing', async () => {
    const first = await spawnServer({ DATA_DIR: dataDir });
    const api = new Api(first.url);
    expect((await api.get('/health')).body).toEqual({ status: 'ok', media: 'ok' });

    const signup = await api.post('/api/v1/signup', { company_name: 'Embedded', tenant: 'embedded', name: 'Em', email: 'em@bed.test', password: PASSWORD });
    expect(signup.status).toBe(201);
    const auth = { token: signup.body.data.access_token, tenant: 'embedded' };
    const dept = await api.post('/api/v1/departments', { name: 'Persisted' }, auth);
    expect(dept.status).toBe(201);
    // Concurrent requests over the pooled connections all succeed.
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

  it('is PostgreSQL 17 with a password from DATA_DIR, and a kill -9 leaves nothing running and loses nothing', async () => {
    const dir = join(dataDir, 'postgres');
    const server = await spawnServer({ DATA_DIR: dataDir });
    const api = new Api(server.url);
    const version = readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
    expect(version).toBe('17');
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'));
    expect(secrets.postgres).toMatch(/^[\w-]{24,}$/);
    expect(readFileSync(join(dir, 'pg_hba.conf'), 'utf8')).toMatch(/^host\s+all\s+all\s+127\.0\.0\.1\/32\s+scram-sha-256/m);
    expect(postgresOf(dir).length).toBeGreaterThan(0);

    const login = await api.post('/api/auth/login', { email: 'em@bed.test', password: PASSWORD, tenant: 'embedded' });
    const auth = { token: login.body.data.access_token, tenant: 'embedded' };
    expect((await api.post('/api/v1/departments', { name: 'Before kill' }, auth)).status).toBe(201);

    server.child.kill('SIGKILL');
    await eventually(() => postgresOf(dir).length === 0, 30000, 'the postgres processes to end after the server was killed');

    const next = await spawnServer({ DATA_DIR: dataDir });
    try {
      const names = (await new Api(next.url).get('/api/v1/departments', auth)).body.data.map((d: any) => d.name);
      expect(names.sort()).toEqual(['Before kill', 'Persisted']);
    } finally {
      expect(await next.stop('SIGTERM')).toBe(0);
    }
    expect(postgresOf(dir)).toEqual([]);
  });

  it('restarts postgres when it dies under the server: health is ok again and the data is there', async () => {
    const dir = join(dataDir, 'postgres');
    const server = await spawnServer({ DATA_DIR: dataDir });
    try {
      const api = new Api(server.url);
      const postmaster = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(postmaster, 'SIGKILL');
      await eventually(() => server.output().includes('"msg":"the embedded PostgreSQL is back"'), 30000, 'the restart in the log');
      const health = await eventually(async () => {
        const res = await api.get('/health');
        return res.status === 200 && res;
      }, 30000, 'health after the restart');
      expect(health.body).toEqual({ status: 'ok', media: 'ok' });
      expect(server.output()).toContain('"msg":"the embedded PostgreSQL stopped unexpectedly: restarting it"');
      const login = await api.post('/api/auth/login', { email: 'em@bed.test', password: PASSWORD, tenant: 'embedded' });
      expect(login.status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('refuses a DATA_DIR left by the former PGlite default with a message saying what to do', async () => {
    const legacy = mkdtempSync(join(tmpdir(), 'voki-pglite-'));
    try {
      mkdirSync(join(legacy, 'pgdata'));
      writeFileSync(join(legacy, 'pgdata', 'PG_VERSION'), '17\n');
      const failure = await spawnServer({ DATA_DIR: legacy }).then(
        (s) => s.stop().then(() => 'started'),
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/server exited with 1/);
      expect(failure).toContain('PGlite');
      expect(failure).toContain(`move ${join(legacy, 'pgdata')} away`);
      expect(failure).toContain('pg_dump');
    } finally {
      rmSync(legacy, { recursive: true, force: true });
    }
  });
});
