#!/usr/bin/env node
/**
 * `npm install`'s postinstall, second step: the tests drive Debian's Chromium (puppeteer-core
 * does not download a browser), so it is installed with apt when missing. Skipped for production
 * installs (`--omit=dev`, NODE_ENV=production) and when not root; never fails the install.
 */
const { aptInstall } = require('../apt');
const { existsSync } = require('node:fs');

const BROWSER = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const production = process.env.NODE_ENV === 'production' || /(^|[\s,])dev($|[\s,])/.test(process.env.npm_config_omit || '');

try {
  if (existsSync(BROWSER)) console.log(`test browser: ${BROWSER}`);
  else if (production) console.log('test browser: not needed for a production install');
  else if (process.getuid?.() !== 0) console.warn(`test browser: ${BROWSER} is missing; install Debian's chromium (apt-get install chromium) to run the browser tests`);
  else {
    console.log('test browser: installing Debian chromium');
    aptInstall(['chromium']);
  }
} catch (error) {
  console.warn(`test browser: not installed (${error.message}); the browser tests will fail until it is`);
}
