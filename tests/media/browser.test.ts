import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { eventually } from '../helpers/sockets';
import { createTestDatabase } from '../helpers/database';
import { spawnServer } from '../helpers/process';
import { launchChromium } from '../helpers/browser';

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
  browser = await launchChromium();
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

/** Customer and agent pages on the given servers' sockets, in one active call; resolves once each decodes the other. */
async function callBetweenPages(api: Api, t: TestTenant, customerServer: string, agentServer: string, options: { restartIce?: boolean } = {}) {
  const joined = await joinQueue(api, await createLink(api, t.supervisor, t.departmentId), { name: 'Browser Customer' });
  expect((await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant)).status).toBe(200);
  expect((await api.post(`/api/v1/calls/${joined.callId}/start`, undefined, t.attendant)).status).toBe(200);
  const socketUrl = (server: string) => `${server.replace(/^http/, 'ws')}/socket`;
  const customer = await page();
  const agent = await page();
  await customer.evaluate((o) => (window as any).startCall(o), { socketUrl: socketUrl(customerServer), token: joined.websocketToken, callId: joined.callId });
  await agent.evaluate((o) => (window as any).startCall(o), { socketUrl: socketUrl(agentServer), token: t.attendant.token, callId: joined.callId });
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
  if (options.restartIce) {
    const ufrag = () => customer.evaluate(() => /a=ice-ufrag:(\S+)/.exec((window as any).pc.remoteDescription.sdp)![1]);
    const before = await ufrag();
    await customer.evaluate(() => (window as any).restartIce());
    await eventually(async () => (await ufrag()) !== before, 5000, 'new ICE credentials');
    for (const p of [customer, agent]) {
      const frames = (await received(p)).framesDecoded;
      await eventually(async () => (await received(p)).framesDecoded > frames + 10, 10000, 'frames after the ICE restart');
    }
  }
  for (const p of [customer, agent]) await p.browserContext().close();
}

it('a customer page and an agent page in Chromium decode each other’s video and audio through the SFU', async () => {
  await callBetweenPages(api, t, srv.url, srv.url);
});

it('an ICE restart from the page keeps the call: new credentials, frames keep coming both ways', async () => {
  await callBetweenPages(api, t, srv.url, srv.url, { restartIce: true });
});

it('the same with the customer on one instance and the agent on another (Redis between them)', async () => {
  const db = await createTestDatabase();
  const dirs = [mkdtempSync(join(tmpdir(), 'voki-b1-')), mkdtempSync(join(tmpdir(), 'voki-b2-'))];
  const env = (dir: string) => ({
    DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379', DATA_DIR: dir,
    JWT_SECRET: 'browser-two-instances-secret-long-enough-0123456789', RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0',
  });
  const [one, two] = await Promise.all(dirs.map((d) => spawnServer(env(d))));
  try {
    const api2 = new Api(one.url);
    await callBetweenPages(api2, await createTenant(api2, 'browser2'), one.url, two.url);
  } finally {
    await Promise.all([one.stop(), two.stop()]);
    await db.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
