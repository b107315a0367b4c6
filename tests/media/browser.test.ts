import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { eventually } from '../helpers/sockets';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FILES: Record<string, [string, string]> = {
  '/': [join(__dirname, 'browser', 'page.html'), 'text/html'],
  '/client.js': [join(__dirname, 'browser', 'client.js'), 'text/javascript'],
  '/phoenix.js': [join(__dirname, '..', '..', 'node_modules', 'phoenix', 'priv', 'static', 'phoenix.js'), 'text/javascript'],
};

let srv: TestServer;
let api: Api;
let t: TestTenant;
let site: http.Server;
let siteUrl: string;
let browser: Browser;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'browser');
  // A third-party page on another origin, as an integrator's site would be.
  site = http.createServer((req, res) => {
    const file = FILES[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[1] }).end(readFileSync(file[0]));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'],
  });
}, 60000);
afterAll(async () => {
  await browser?.close();
  site?.close();
  await srv?.stop();
});

async function page(): Promise<Page> {
  const context = await browser.createBrowserContext();
  const p = await context.newPage();
  p.on('pageerror', (e) => console.warn('page error', e));
  await p.goto(siteUrl);
  return p;
}

const received = (p: Page) => p.evaluate(() => (window as any).received()) as Promise<{ framesDecoded: number; audioPackets: number; audioSamples: number }>;

it('a customer page and an agent page in Chromium decode each other’s video and audio through the SFU', async () => {
  const joined = await joinQueue(api, await createLink(api, t.supervisor, t.departmentId), { name: 'Browser Customer' });
  expect((await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant)).status).toBe(200);
  expect((await api.post(`/api/v1/calls/${joined.callId}/start`, undefined, t.attendant)).status).toBe(200);
  const socketUrl = `${srv.url.replace(/^http/, 'ws')}/socket`;
  const customer = await page();
  const agent = await page();
  await customer.evaluate((o) => (window as any).startCall(o), { socketUrl, token: joined.websocketToken, callId: joined.callId });
  await agent.evaluate((o) => (window as any).startCall(o), { socketUrl, token: t.attendant.token, callId: joined.callId });
  for (const p of [customer, agent]) {
    const first = await eventually(async () => {
      const r = await received(p);
      return r.framesDecoded > 10 && r.audioPackets > 10 && r;
    }, 20000, 'frames and audio decoded');
    // Still flowing, not a burst: more frames later.
    await eventually(async () => (await received(p)).framesDecoded > first.framesDecoded + 10, 10000, 'frames keep coming');
    expect((await received(p)).audioSamples).toBeGreaterThan(0);
    expect(await p.evaluate(() => (window as any).log)).toEqual([]);
  }
});
