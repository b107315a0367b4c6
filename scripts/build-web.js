#!/usr/bin/env node
/**
 * Bundles the pages for people (web/) into dist/web: content-hashed scripts and styles, served
 * with a year-long cache, plus widget.js under its fixed name (integrators' script tags point at
 * it). manifest.json tells the server which hashed file each page loads.
 */
const { build } = require('esbuild');
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { join, relative, basename } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'dist', 'web');

async function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  const common = { bundle: true, minify: true, sourcemap: 'linked', target: ['chrome100', 'firefox100', 'safari15'], logLevel: 'warning', legalComments: 'none' };
  const pages = await build({
    ...common,
    entryPoints: { call: join(root, 'web/call/main.tsx'), console: join(root, 'web/console/main.tsx') },
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
  });
  const manifest = {};
  for (const [file, info] of Object.entries(pages.metafile.outputs)) {
    if (!info.entryPoint) continue;
    const page = basename(info.entryPoint).startsWith('main') ? basename(join(info.entryPoint, '..')) : info.entryPoint;
    manifest[page] = { js: basename(file), css: info.cssBundle ? basename(info.cssBundle) : undefined };
  }
  await build({ ...common, entryPoints: [join(root, 'web/widget/widget.ts')], outfile: join(out, 'widget.js'), format: 'iife' });
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  console.log(`web pages built into ${relative(root, out)}: ${Object.entries(manifest).map(([p, m]) => `${p} → ${m.js}`).join(', ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
