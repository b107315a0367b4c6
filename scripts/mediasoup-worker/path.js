/**
 * Where the worker binary for the installed mediasoup lives: a cache outside node_modules,
 * keyed by mediasoup's version and a hash of what the build is made of (build.sh, libsrtp.sh and the shims).
 * MEDIASOUP_WORKER_BIN, when set, wins.
 */
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { homedir } = require('node:os');
const { join, relative } = require('node:path');

function files(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function workerBinPath() {
  if (process.env.MEDIASOUP_WORKER_BIN) return process.env.MEDIASOUP_WORKER_BIN;
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'node_modules', 'mediasoup', 'package.json'), 'utf8'));
  const hash = createHash('sha256');
  for (const file of [join(__dirname, 'build.sh'), join(__dirname, 'libsrtp.sh'), ...files(join(__dirname, 'subprojects'))]) hash.update(relative(__dirname, file)).update('\0').update(readFileSync(file)).update('\0');
  const cache = process.env.VOKI_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'voki');
  return join(cache, 'mediasoup-worker', `${version}-${hash.digest('hex').slice(0, 12)}`, 'mediasoup-worker');
}

module.exports = { workerBinPath };
