#!/usr/bin/env node
/**
 * `npm install`'s postinstall, third step: the tools the background work runs, from Debian —
 * ffmpeg (recording and composing calls), pocketsphinx with its US English model (the `local`
 * transcription provider) and, for the tests only, flite (speech to transcribe). Installed with
 * apt when missing and when root; never fails the install (without them the server says so and
 * runs without recording or local transcription).
 */
const { aptInstall, missingPackages } = require('../apt');

const production = process.env.NODE_ENV === 'production' || /(^|[\s,])dev($|[\s,])/.test(process.env.npm_config_omit || '');
const wanted = ['ffmpeg', 'pocketsphinx', 'pocketsphinx-en-us', ...(production ? [] : ['flite'])];

try {
  const missing = missingPackages(wanted);
  if (!missing.length) console.log(`media tools: ${wanted.join(', ')} present`);
  else if (process.getuid?.() !== 0) console.warn(`media tools: missing ${missing.join(', ')}; install them with apt-get to record and transcribe calls`);
  else {
    console.log(`media tools: installing ${missing.join(', ')}`);
    aptInstall(missing);
  }
} catch (error) {
  console.warn(`media tools: not installed (${error.message}); recording and local transcription stay unavailable until they are`);
}
