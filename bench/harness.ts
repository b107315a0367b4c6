import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const ADMIN_URL = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';

async function admin(sql: string) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const USER_HZ = 100;
/** The fields of /proc/<pid>/stat after the command name (fields[11] is utime). */
const statFields = (pid: number | 'self') => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');

/** Server CPU time so far (user + system, all threads), in µs, read from /proc. */
export function cpuMicros(pid: number | 'self'): number {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) / USER_HZ) * 1e6;
}

/** CPU time of the children a process has reaped so far (cutime + cstime), in µs. */
export function reapedChildrenCpuMicros(pid: number | 'self'): number {
  const fields = statFields(pid);
  return ((Number(fields[13]) + Number(fields[14])) / USER_HZ) * 1e6;
}

export async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  return res.json() as Promise<any>;
}

export interface BenchServer {
  url: string;
  /** The fresh database it runs on, for a peer that must read the same rows. */
  databaseUrl: string;
  child: ChildProcess;
  /** Signs up a tenant and returns headers for its owner. */
  tenant(slug: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** The server as `npm start` runs it, in its own process, on a fresh database of the real PostgreSQL. */
export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const dbName = `voki_bench_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  // Its stdout goes on being drained into a file: a full pipe would block its synchronous log writes.
  const { url, child, stop } = await startProcess('server.js', {
    DATABASE_URL: dbUrl.toString(), DATA_DIR: mkdtempSync(join(tmpdir(), 'voki-bench-')), PORT: '0',
    // The request benchmarks measure the server alone; the media bench turns the SFU back on.
    HOST: '127.0.0.1', DB_POOL_SIZE: '10', RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', MEDIA: 'off', ...env,
  }, { nodeArgs: ['--expose-gc'], logFile: join(tmpdir(), `${dbName}.log`) });
  return {
    url,
    databaseUrl: dbUrl.toString(),
    child,
    async tenant(slug) {
      const signup = await json(`${url}/api/v1/signup`, {
        method: 'POST',
        body: JSON.stringify({ company_name: slug, tenant: slug, name: 'Bench', email: `bench@${slug}.test`, password: 'bench-password' }),
      });
      return { authorization: `Bearer ${signup.data.access_token}`, 'x-tenant': slug, 'content-type': 'application/json' };
    },
    async stop() {
      await stop();
      await admin(`drop database if exists ${dbName} with (force)`);
    },
  };
}

/**
 * Starts a bench process (built .js next to this one) that prints `{url, pid}` on its first line;
 * the rest of its stdout is drained, into `logFile` when given.
 */
export async function startProcess(
  file: string, env: Record<string, string>, options: { nodeArgs?: string[]; logFile?: string } = {},
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(__dirname, file)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url: string = await new Promise((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(JSON.parse(String(d).split('\n')[0]).url));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  if (options.logFile) child.stdout!.pipe(createWriteStream(options.logFile));
  else child.stdout!.resume();
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
export const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
