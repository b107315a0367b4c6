#!/usr/bin/env node
/**
 * `npm install`'s postinstall: makes sure a mediasoup worker binary exists for the installed
 * mediasoup version, built by build.sh from the package's own worker/ sources, and cached outside
 * node_modules (keyed by version and by build.sh and its shims, see path.js), so later
 * installs and CI reuse it. The apt packages the build needs are installed when missing (as root).
 * A failed build does not fail the install: the server then runs without media and says so.
 */
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { workerBinPath } = require('./path');
const { aptInstall, missingPackages } = require('../apt');

const APT = ['meson', 'ninja-build', 'pkg-config', 'g++', 'libuv1-dev', 'libssl-dev', 'libabsl-dev',
  'libflatbuffers-dev', 'flatbuffers-compiler', 'libusrsctp-dev'];

function main() {
  const bin = workerBinPath();
  if (existsSync(bin)) return console.log(`mediasoup worker: cached at ${bin}`);
  const missing = missingPackages(APT);
  if (missing.length) {
    console.log(`mediasoup worker: installing ${missing.join(' ')}`);
    aptInstall(missing);
  }
  console.log(`mediasoup worker: building into ${bin} (a few minutes, once)`);
  execFileSync(join(__dirname, 'build.sh'), [join(__dirname, '..', '..', 'node_modules', 'mediasoup'), bin], { stdio: 'inherit' });
}

try {
  main();
} catch (error) {
  console.warn(`mediasoup worker: not built (${error.message}); the server will run without media`);
}
