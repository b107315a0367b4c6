import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster named in postmaster.pid, when it is still running on this data directory. */
function livePostmaster(dataDir: string): number | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres') && cmdline.includes(dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A server killed with SIGKILL leaves its postmaster shutting down (its parent-death signal) or,
 * on a machine without setpriv, running on. Either way the next start waits for it to go, asking
 * politely first, so the data directory is never opened twice.
 */
export async function stopStalePostmaster(dataDir: string, onStop: (pid: number) => void): Promise<void> {
  const pid = livePostmaster(dataDir);
  if (pid === undefined) return;
  onStop(pid);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; livePostmaster(dataDir) === pid; waited += 50) {
    if (waited === 15000) process.kill(pid, 'SIGQUIT');
    if (waited > 30000) throw new Error(`a previous PostgreSQL (pid ${pid}) still holds ${dataDir}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
