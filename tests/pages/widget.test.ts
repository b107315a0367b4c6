import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from '../helpers/http';
import type { TestServer } from '../helpers/server';
import type { TestTenant } from '../helpers/tenants';
import { createLink } from '../helpers/calls';
import { openPage, screenshot } from '../helpers/browser';
import { pagesWorld } from '../helpers/pages';

/** The script tag on a company's own site, and what the server sends with the pages. */
const world = pagesWorld('widget-page');
let srv: TestServer;
let api: Api;
let t: TestTenant;
let site: http.Server;
let siteUrl: string;
let token: string;

// A third-party page with CSS of its own that would restyle any button or iframe it could reach.
const hostPage = (server: string, link: string) => `<!doctype html>
<html><head><title>Acme shop</title>
<style>button, iframe { color: rgb(255, 0, 0) !important; font-size: 40px !important; } p { color: rgb(1, 2, 3); }</style>
</head><body>
<h1>Acme shop</h1><p id="intro">Welcome to our shop.</p>
<script src="${server}/widget.js" data-link="${link}" async></script>
</body></html>`;

beforeAll(async () => {
  ({ srv, api, t } = world);
  expect((await api.put('/api/v1/company', { company: { primary_color: '#be123c' } }, t.manager)).status).toBe(200);
  token = await createLink(api, t.supervisor, t.departmentId);
  site = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(hostPage(srv.url, token)));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  // localhost vs 127.0.0.1: another origin, as the company's site is.
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
});
afterAll(() => site?.close());

it('one script tag adds a button in the company colour that opens the call page in an overlay, and changes nothing else', async () => {
  // On the company's origin, not the server's; its errors and CSP violations are checked all the same.
  const w = await openPage(world.browser);
  world.track(w);
  const { page } = w;
  await page.goto(siteUrl);
  const button = await page.waitForSelector('[data-voki-widget] >>> [data-testid="voki-widget-button"]');
  await page.waitForFunction(() => {
    const b = document.querySelector('[data-voki-widget]')!.shadowRoot!.querySelector('button')!;
    return getComputedStyle(b).backgroundColor === 'rgb(190, 18, 60)';
  }, { timeout: 10000 });
  // The host's own CSS does not reach into the widget, and the widget does not touch the host.
  expect(await button!.evaluate((b) => getComputedStyle(b).color)).toBe('rgb(255, 255, 255)');
  expect(await page.evaluate(() => [...document.body.children].map((el) => el.tagName.toLowerCase()))).toEqual(['h1', 'p', 'script', 'div']);
  expect(await page.$eval('#intro', (p) => getComputedStyle(p).color)).toBe('rgb(1, 2, 3)');
  await screenshot(page, 'widget-host-desktop');

  await button!.click();
  const frame = await page.waitForSelector('[data-voki-widget] >>> iframe');
  expect(await frame!.evaluate((f) => [(f as HTMLIFrameElement).src, (f as HTMLIFrameElement).allow])).toEqual([
    `${srv.url}/call/${token}`, 'camera; microphone; autoplay',
  ]);
  const inside = await frame!.contentFrame();
  await inside!.waitForSelector('[data-testid="join-form"]', { timeout: 10000 });
  expect(await inside!.$eval('[data-testid="company-name"]', (el) => el.textContent)).toBe('widget-page Inc');
  await screenshot(page, 'widget-open-desktop');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-voki-widget]')!.shadowRoot!.querySelector('iframe'));
});

it('the pages carry a strict CSP (no inline script), hashed assets are cached for a year, widget.js briefly', async () => {
  for (const [path, framing] of [[`/call/${token}`, 'frame-ancestors *'], ['/console', "frame-ancestors 'none'"]] as const) {
    const res = await fetch(srv.url + path);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(framing);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/assets\/[\w-]+\.js"/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\sstyle=|<style/);
    for (const [, asset] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
      const a = await fetch(srv.url + asset);
      expect(a.status).toBe(200);
      expect(a.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
  }
  const widget = await fetch(`${srv.url}/widget.js`);
  expect(widget.headers.get('content-type')).toMatch(/javascript/);
  expect(widget.headers.get('cache-control')).toBe('public, max-age=300');
  expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  expect((await fetch(`${srv.url}/assets/..%2Fmanifest.json`)).status).toBe(404);
  expect((await fetch(`${srv.url}/assets/nothing-here.js`)).status).toBe(404);
});
