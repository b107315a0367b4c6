import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { Api } from '../helpers/http';
import type { TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { eventually } from '../helpers/sockets';
import { framesDecoded, screenshot } from '../helpers/browser';
import { byTestId, consoleLogin, joinFromPage, pagesWorld } from '../helpers/pages';

/** The console for supervisors and managers, and the agent's tools during a call. */
const world = pagesWorld('console-page', { keepPages: true });
let api: Api;
let t: TestTenant;
let dir: string;

beforeAll(() => {
  ({ api, t } = world);
  dir = mkdtempSync(join(tmpdir(), 'voki-console-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function consoleAs(user: { email: string }) {
  const page = await world.open('/console');
  await consoleLogin(page, t, user);
  return page;
}

const audioTracks = (page: Page) => page.$$eval('.remote-audio audio', (els) => els.length);

let callId: string;
let customer: Page;
let agent: Page;

it('the agent takes a call from the console, tags it and shares a file during it', async () => {
  const tag = await api.post('/api/v1/tags', { tag: { name: 'Billing', color: '#ff8800' } }, t.supervisor);
  expect(tag.status).toBe(201);
  agent = await consoleAs(t.attendant);
  customer = await world.open(`/call/${await createLink(api, t.supervisor, t.departmentId)}`);
  await joinFromPage(customer, 'Sam Supervised');
  const item = await agent.waitForSelector(byTestId('queue-item'), { timeout: 10000 });
  callId = await item!.evaluate((el) => (el as HTMLElement).dataset.callId!);
  await agent.click(byTestId('take-call'));
  await agent.waitForSelector(byTestId('start-call'));
  await agent.click(byTestId('start-call'));
  await customer.waitForSelector(byTestId('call-view'), { timeout: 10000 });
  await eventually(async () => (await framesDecoded(agent).catch(() => 0)) > 5, 30000, 'the agent sees the customer');

  await agent.select(byTestId('tag-choice'), tag.body.data.id);
  await agent.click(byTestId('add-tag'));
  await agent.waitForSelector(`${byTestId('call-tags')} [data-tag-id="${tag.body.data.id}"]`);
  const file = join(dir, 'invoice.txt');
  writeFileSync(file, 'Invoice 42: 10 EUR');
  const input = await agent.$(byTestId('upload-file'));
  await (input as any).uploadFile(file);
  await agent.waitForSelector(`${byTestId('call-files')} li`, { timeout: 10000 });
  expect(await agent.$eval(byTestId('call-files'), (el) => el.textContent)).toContain('invoice.txt');

  expect((await api.get(`/api/v1/calls/${callId}/tags`, t.attendant)).body.data.map((x: { name: string }) => x.name)).toEqual(['Billing']);
  const files = (await api.get(`/api/v1/calls/${callId}/files`, t.attendant)).body.data;
  expect(files.map((f: { filename: string; size: number }) => [f.filename, f.size])).toEqual([['invoice.txt', 18]]);
});

it('a supervisor sees the active call and whispers (only the agent hears), barges (both hear) and monitors (nobody hears)', async () => {
  const supervisor = await consoleAs(t.supervisor);
  const row = `${byTestId('active-call')}[data-call-id="${callId}"]`;
  await supervisor.waitForSelector(row, { timeout: 10000 });
  await screenshot(supervisor, 'console-supervisor-desktop');
  // Before any supervision, each side hears the other only.
  await eventually(async () => (await audioTracks(agent)) === 1 && (await audioTracks(customer)) === 1, 15000, 'one audio track each');

  await supervisor.click(`${row} ${byTestId('whisper')}`);
  await supervisor.waitForSelector(`${byTestId('supervising')}[data-mode="whisper"]`);
  await agent.waitForSelector(`${byTestId('supervisor-notice')}[data-mode="whisper"]`, { timeout: 10000 });
  await eventually(async () => (await audioTracks(agent)) === 2, 15000, 'the agent hears the supervisor');
  // The supervisor receives both sides.
  await eventually(async () => (await audioTracks(supervisor)) === 2, 15000, 'the supervisor hears both');
  expect(await audioTracks(customer)).toBe(1);

  await supervisor.click(`${row} ${byTestId('barge')}`);
  await eventually(async () => (await audioTracks(customer)) === 2, 15000, 'the customer hears the supervisor');
  expect(await audioTracks(agent)).toBe(2);

  await supervisor.click(`${row} ${byTestId('monitor')}`);
  await eventually(async () => (await audioTracks(customer)) === 1 && (await audioTracks(agent)) === 1, 15000, 'nobody hears a monitoring supervisor');
  await supervisor.click(byTestId('stop-supervision'));
  await supervisor.waitForFunction(() => !document.querySelector('[data-testid="supervising"]'));

  await agent.click(byTestId('complete-call'));
  await customer.waitForSelector(byTestId('rating-form'), { timeout: 10000 });
});

it('a manager sees the dashboard as charts, with the same figures as the API', async () => {
  const manager = await consoleAs(t.manager);
  await manager.waitForSelector(byTestId('kpi-calls'), { timeout: 10000 });
  const api30 = (await api.get('/api/v1/analytics/dashboard', t.manager)).body.data;
  expect(Number(await manager.$eval(byTestId('kpi-calls'), (el) => el.textContent))).toBe(api30.totals.calls);
  expect(api30.totals.calls).toBeGreaterThan(0);
  const completed = await manager.$eval(`${byTestId('chart-status')} [data-key="completed"]`, (el) => Number((el as HTMLElement).dataset.value));
  expect(completed).toBe(api30.totals.completed);
  await screenshot(manager, 'console-dashboard-desktop');
  await manager.setViewport({ width: 390, height: 844 });
  expect(await manager.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(manager, 'console-dashboard-phone');
  // Attendants have no dashboard and no supervision.
  expect(await agent.$(byTestId('dashboard'))).toBeNull();
  expect(await agent.$(byTestId('active-calls'))).toBeNull();
});

it('the presence select takes the agent off and back online for the department', async () => {
  const link = await createLink(api, t.supervisor, t.departmentId);
  const online = async () => (await api.get(`/api/v1/call/${link}/validate`)).body.data.online_agents as number;
  await eventually(async () => (await online()) === 1, 10000, 'the agent online');
  await agent.select(byTestId('presence-status'), 'away');
  await eventually(async () => (await online()) === 0, 10000, 'the agent away');
  await agent.select(byTestId('presence-status'), 'online');
  await eventually(async () => (await online()) === 1, 10000, 'the agent back online');
});

it('the manager exports the calls as CSV from the dashboard', async () => {
  const manager = await consoleAs(t.manager);
  const downloads = join(dir, 'downloads');
  mkdirSync(downloads);
  const cdp = await manager.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', {
    behavior: 'allow', downloadPath: downloads, browserContextId: (manager.browserContext() as unknown as { id: string }).id,
  });
  await manager.click(byTestId('export-csv'));
  const file = await eventually(() => readdirSync(downloads, { withFileTypes: true }).find((f) => f.name.endsWith('.csv'))?.name, 15000, 'the CSV downloaded')
    .catch((e) => {
      throw new Error(`${e.message}; the directory holds: ${readdirSync(downloads).join(', ')}`);
    });
  const lines = readFileSync(join(downloads, file!), 'utf8').trim().split('\n');
  expect(lines[0]).toContain('customer_name');
  expect(lines.slice(1).some((l) => l.includes('Sam Supervised'))).toBe(true);
});

it('with automatic routing the call comes to the online agent by itself: a notice, and the call panel opens', async () => {
  expect((await api.put(`/api/v1/departments/${t.departmentId}`, { department: { routing: 'round_robin' } }, t.supervisor)).status).toBe(200);
  try {
    const joined = await joinQueue(api, await createLink(api, t.supervisor, t.departmentId), { name: 'Routed Rita' });
    await agent.waitForSelector(byTestId('start-call'), { timeout: 15000 });
    expect(await agent.$eval(byTestId('notice'), (el) => el.textContent)).toContain('Routed Rita');
    expect((await api.get(`/api/v1/calls/${joined.callId}`, t.attendant)).body.data).toMatchObject({ status: 'assigned', user_id: t.attendant.id });
  } finally {
    await api.put(`/api/v1/departments/${t.departmentId}`, { department: { routing: 'manual' } }, t.supervisor);
  }
});
