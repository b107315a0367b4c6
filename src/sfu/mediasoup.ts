import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root (where package.json names this package), from src/ or dist/src/ alike. */
function projectRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'voki') return dir;
  }
  throw new Error('cannot find the project root');
}

let loaded: typeof import('mediasoup') | undefined;

/**
 * mediasoup, pointed at the worker binary `npm install` built (scripts/mediasoup-worker); the
 * package reads MEDIASOUP_WORKER_BIN once, when it is first required, so this is the only place
 * that requires it.
 */
export function mediasoup(): typeof import('mediasoup') {
  if (loaded) return loaded;
  if (!process.env.MEDIASOUP_WORKER_BIN) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { workerBinPath } = require(join(projectRoot(), 'scripts', 'mediasoup-worker', 'path.js'));
    process.env.MEDIASOUP_WORKER_BIN = workerBinPath();
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded = require('mediasoup') as typeof import('mediasoup');
  return loaded;
}
