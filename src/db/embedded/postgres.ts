import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger';
import { freePort } from '../../free-port';
import { postgresBinaries, type PostgresBinaries } from './binaries';
import { assertReachable, ensureOwner, ensureRunAs, type RunAs } from './run-as';
import { stopStalePostmaster } from './stale';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  password: string;
  log: Logger;
  /** Called when postgres cannot be brought back: the server should exit rather than hang. */
  onFatal(error: Error): void;
}

const RESTARTS = 5;

const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

function run(command: string, args: string[], runAs: RunAs): ChildProcess {
  // The parent-death signal makes a SIGKILLed server's postgres shut itself down. It is set after
  // the uid switch (a credential change clears it), which is why setpriv sets it, not Node.
  const [cmd, argv] = hasSetpriv ? ['setpriv', ['--pdeathsig', 'SIGINT', '--', command, ...args]] : [command, args];
  return spawn(cmd, argv, { ...runAs, env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function legacyMessage(dataDir: string): string {
  return (
    `${dataDir} holds a database made by an earlier Voki, whose embedded default was PGlite ` +
    `(${join(dataDir, 'pgdata')}); the embedded default is now PostgreSQL 17 and cannot open it. ` +
    `To keep that data, start the earlier version and copy it out with pg_dump, then restore it into the new one. ` +
    `To start afresh, move ${join(dataDir, 'pgdata')} away. Or set DATABASE_URL to a PostgreSQL server.`
  );
}

async function initCluster(bin: PostgresBinaries, dir: string, password: string, runAs: RunAs): Promise<void> {
  // A directory without PG_VERSION is what an interrupted initdb leaves: start it over.
  if (existsSync(dir)) for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs.uid !== undefined) chownSync(dir, runAs.uid, runAs.gid!);
  const pwfile = join(tmpdir(), `voki-pg-${randomBytes(8).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined) chownSync(pwfile, runAs.uid, runAs.gid!);
  try {
    const args = [`--pgdata=${dir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale'];
    const child = run(bin.initdb, args, runAs);
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${output.trim()}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * PostgreSQL 17 from npm, its cluster under DATA_DIR/postgres, listening on a free loopback port.
 * If it dies under the server it is restarted on the same port (the pool reconnects by itself);
 * while it is down /health answers 503, and when it cannot come back the server is told to exit.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { dataDir, password, log } = options;
  const dir = join(dataDir, 'postgres');
  if (existsSync(join(dataDir, 'pgdata')) && !existsSync(join(dir, 'PG_VERSION'))) throw new Error(legacyMessage(dataDir));
  const bin = await postgresBinaries();
  const runAs = ensureRunAs();
  assertReachable(dir, runAs, dataDir);
  assertReachable(bin.postgres, runAs);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log.info({ dir }, 'creating the embedded PostgreSQL cluster');
    await initCluster(bin, dir, password, runAs);
  }
  ensureOwner(dir, runAs);
  const port = await freePort();
  const args = ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];

  let child: ChildProcess | undefined;
  let stopping = false;

  const launch = async (): Promise<void> => {
    await stopStalePostmaster(dir, (pid) => log.warn({ pid }, 'stopping a PostgreSQL left running by a previous server'));
    const proc = run(bin.postgres, args, runAs);
    child = proc;
    let early = '';
    await new Promise<void>((resolve, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code, signal) => reject(new Error(`postgres exited during start-up (${signal ?? code}): ${early.trim()}`)));
      proc.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        if (early.length < 8192) early += text;
        for (const line of text.split('\n').filter(Boolean)) {
          if (/\b(FATAL|PANIC):/.test(line)) log.warn({ postgres: line }, 'embedded PostgreSQL');
          else log.debug({ postgres: line }, 'embedded PostgreSQL');
        }
        if (text.includes('database system is ready to accept connections')) resolve();
      });
    });
    proc.removeAllListeners('exit');
    proc.once('exit', (code, signal) => {
      if (stopping) return;
      log.error({ code, signal }, 'the embedded PostgreSQL stopped unexpectedly: restarting it');
      void relaunch();
    });
  };

  const relaunch = async () => {
    for (let attempt = 1; attempt <= RESTARTS && !stopping; attempt++) {
      await new Promise((r) => setTimeout(r, 200 * attempt));
      try {
        await launch();
        log.info({ attempt }, 'the embedded PostgreSQL is back');
        return;
      } catch (error) {
        log.error({ err: error, attempt }, 'the embedded PostgreSQL did not restart');
      }
    }
    if (!stopping) options.onFatal(new Error('the embedded PostgreSQL could not be restarted'));
  };

  await launch();
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    async stop() {
      stopping = true;
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGINT');
      const timer = setTimeout(() => proc.kill('SIGQUIT'), 15000);
      await exited;
      clearTimeout(timer);
    },
  };
}
