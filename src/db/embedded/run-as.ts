import { execFileSync } from 'node:child_process';
import { chmodSync, lchownSync, lstatSync, readdirSync, statSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';

/** The account postgres runs under: itself when not root, the `postgres` user when root. */
export interface RunAs {
  uid?: number;
  gid?: number;
}

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root. As root, the `postgres` user is made if missing and checked
 * on every boot, since a rebuilt container may keep DATA_DIR and lose the user.
 */
export function ensureRunAs(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  if (idOf('-u', 'postgres') === undefined) {
    if (idOf('-g', 'postgres') === undefined) execFileSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
  }
  return { uid: idOf('-u', 'postgres'), gid: idOf('-g', 'postgres') };
}

/**
 * Every parent must be traversable by the postgres user, or initdb fails with a bare EACCES.
 * DATA_DIR itself is Voki's own, so it is opened for traversal (not listing); directories above
 * it belong to the operator, who gets told what to change.
 */
export function assertReachable(path: string, runAs: RunAs, ownDir?: string): void {
  if (runAs.uid === undefined) return;
  if (ownDir) {
    const st = statSync(ownDir);
    if ((st.mode & constants.S_IXOTH) === 0) chmodSync(ownDir, (st.mode & 0o7777) | constants.S_IXOTH);
  }
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const others = (st.mode & constants.S_IXOTH) !== 0;
    const group = st.gid === runAs.gid && (st.mode & constants.S_IXGRP) !== 0;
    if (!others && !group && st.uid !== runAs.uid) {
      throw new Error(
        `the embedded database runs as the "postgres" user, which cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}): ` +
          `choose a DATA_DIR outside it, run "chmod o+x ${dir}", or set DATABASE_URL`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

/** Gives the tree to the postgres user when its top is not already theirs (a restored volume). */
export function ensureOwner(path: string, runAs: RunAs): void {
  if (runAs.uid === undefined || runAs.gid === undefined) return;
  if (statSync(path).uid === runAs.uid) return;
  const walk = (p: string) => {
    lchownSync(p, runAs.uid!, runAs.gid!);
    if (lstatSync(p).isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(path);
}
