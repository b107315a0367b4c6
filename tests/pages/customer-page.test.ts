import type { Browser, Page } from 'puppeteer-core';
import type { Api } from '../helpers/http';
import type { TestServer } from '../helpers/server';
import type { TestTenant } from '../helpers/tenants';
import { createLink } from '../helpers/calls';
import { dropNetwork, launchChromium, openPage, screenshot } from '../helpers/browser';
import { byTestId, consoleLogin, decodes, joinFromPage, pagesWorld, text } from '../helpers/pages';

/** The customer's page on its own: what it shows for bad links, closed hours, refused devices and lost networks. */
const world = pagesWorld('customer-page');
let api: Api;
let t: TestTenant;
let srv: TestServer;

beforeAll(() => {
  ({ api, t, srv } = world);
});

const open = world.open;


it('an unknown link shows the documented message, in English and in Portuguese', async () => {
  const en = await open('/call/no-such-link');
  await en.waitForSelector(byTestId('invalid-link'));
  expect(await text(en, 'invalid-link')).toBe('Invalid or expired access link');
  await screenshot(en, 'call-invalid-desktop');
  const pt = await open('/call/no-such-link', { language: 'pt-BR' });
  await pt.waitForSelector(byTestId('invalid-link'));
  expect(await text(pt, 'invalid-link')).toBe('Link de acesso inválido ou expirado');
  expect(await pt.evaluate(() => document.documentElement.lang)).toBe('pt-BR');
});

it('a closed department says when it opens and offers no join form', async () => {
  // Open only on the weekday three days from now, so it is closed today whatever the hour.
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const openDay = days[(new Date().getUTCDay() + 3) % 7];
  const weekly = Object.fromEntries(days.map((d) => [d, d === openDay ? [['09:00', '17:00']] : []]));
  const dept = await api.post('/api/v1/departments', { department: { name: 'Night desk', business_hours: { timezone: 'UTC', weekly, closed_dates: [] } } }, t.owner);
  expect(dept.status).toBe(201);
  const page = await open(`/call/${await createLink(api, t.supervisor, dept.body.data.id)}`, { language: 'pt-BR' });
  await page.waitForSelector(byTestId('closed'));
  expect(await page.$(byTestId('join-form'))).toBeNull();
  expect(await text(page, 'closed')).toContain('Estamos fechados agora.');
  expect(await text(page, 'next-open-at')).toMatch(/^Voltamos a atender em .*\d/);
  await screenshot(page, 'call-closed-phone');
});

it('camera and microphone refused: the page says so and the customer can still join', async () => {
  // A browser that asks before giving the camera away; headless, the question is answered "no".
  const asking = await launchChromium({ promptForMedia: true });
  try {
    await refusedJoinsAnyway(asking);
  } finally {
    await asking.close();
  }
});

async function refusedJoinsAnyway(asking: Browser) {
  const w = await openPage(asking);
  const page = w.page;
  await page.goto(`${srv.url}/call/${await createLink(api, t.supervisor, t.departmentId)}`);
  await page.waitForSelector(byTestId('media-error'));
  expect(await text(page, 'media-error')).toContain('Camera and microphone are blocked');
  expect(await page.$(byTestId('local-video'))).toBeNull();
  await screenshot(page, 'call-denied-desktop');
  await joinFromPage(page, 'No Camera');
  await page.waitForSelector(byTestId('queue-position'));
  await page.click(byTestId('cancel'));
  await page.waitForSelector(byTestId('call-ended'));
  expect(await text(page, 'call-ended')).toBe('You left the queue.');
  // Checked here: the context closes with its browser.
  expect(w.problems).toEqual([]);
  expect(await page.evaluate(() => (window as any).__csp)).toEqual([]);
}

it('no camera and no microphone at all: the page says so, and the customer can still join', async () => {
  const bare = await launchChromium({ noDevices: true });
  try {
    const w = await openPage(bare);
    await w.page.goto(`${srv.url}/call/${await createLink(api, t.supervisor, t.departmentId)}`);
    await w.page.waitForSelector(byTestId('media-error'));
    expect(await text(w.page, 'media-error')).toContain('No camera was found');
    await joinFromPage(w.page, 'Deviceless Dan');
    await w.page.waitForSelector(byTestId('queue-position'));
    await w.page.click(byTestId('cancel'));
    await w.page.waitForSelector(byTestId('call-ended'));
    expect(w.problems).toEqual([]);
  } finally {
    await bare.close();
  }
});

it('keyboard only, on a phone-sized screen: tab to the fields, Enter joins, and the queue can be left', async () => {
  const page = await open(`/call/${await createLink(api, t.supervisor, t.departmentId)}`, { viewport: { width: 360, height: 740 } });
  await page.waitForSelector(byTestId('join-form'));
  const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid);
  for (let i = 0; i < 10 && (await focused()) !== 'name'; i++) await page.keyboard.press('Tab');
  expect(await focused()).toBe('name');
  await page.keyboard.type('Keyboard Kim');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('email');
  await page.keyboard.press('Enter');
  await page.waitForSelector(byTestId('queue-position'));
  // Nothing on the page is wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  for (let i = 0; i < 10 && (await focused()) !== 'cancel'; i++) await page.keyboard.press('Tab');
  expect(await focused()).toBe('cancel');
  await page.keyboard.press('Enter');
  await page.waitForSelector(byTestId('call-ended'));
  const calls = await api.get('/api/v1/calls?search=Keyboard', t.supervisor);
  expect(calls.body.data.map((c: { status: string }) => c.status)).toEqual(['cancelled']);
});

it('when the socket cannot connect the page polls the status route, and still follows the queue', async () => {
  const page = await open(`/call/${await createLink(api, t.supervisor, t.departmentId)}`, {
    before: (p) => p.evaluateOnNewDocument(() => {
      (window as any).__blockSockets = true;
    }),
  });
  await joinFromPage(page, 'Polling Paula');
  await page.waitForSelector(byTestId('polling'), { timeout: 10000 });
  const position = await page.$eval(byTestId('queue-position'), (el) => Number((el as HTMLElement).dataset.position));
  expect(position).toBeGreaterThanOrEqual(1);
  const [call] = (await api.get('/api/v1/calls?search=Polling&status=queued', t.attendant)).body.data;
  expect((await api.post(`/api/v1/calls/${call.id}/assign`, {}, t.attendant)).status).toBe(200);
  await page.waitForFunction(() => !document.querySelector('[data-testid="queue-position"]'), { timeout: 10000 });
  expect(await page.$eval('h2', (el) => el.textContent)).toContain('is about to answer');
});

it('a network drop during the call shows "reconnecting", then the call comes back with video both ways', async () => {
  const token = await createLink(api, t.supervisor, t.departmentId);
  const customer = await open(`/call/${token}`);
  await joinFromPage(customer, 'Dropping Dora');
  await customer.waitForSelector(byTestId('queue-position'));
  const [call] = (await api.get('/api/v1/calls?search=Dropping&status=queued', t.attendant)).body.data;
  expect((await api.post(`/api/v1/calls/${call.id}/assign`, {}, t.attendant)).status).toBe(200);
  // The agent's side is a console page too, so both ends are real browsers.
  const agent = await open('/console');
  await consoleLogin(agent, t, t.attendant);
  await agent.waitForSelector(byTestId('start-call'));
  await agent.click(byTestId('start-call'));
  await customer.waitForSelector(byTestId('call-view'), { timeout: 10000 });
  await Promise.all([decodes(customer, 'customer'), decodes(agent, 'agent')]);

  const network = await dropNetwork(customer);
  await customer.waitForSelector(byTestId('reconnecting'), { timeout: 10000 });
  await agent.waitForSelector(byTestId('peer-disconnected'), { timeout: 10000 });
  await screenshot(customer, 'call-reconnecting-desktop');
  await network.restore();
  await customer.waitForFunction(() => !document.querySelector('[data-testid="reconnecting"]'), { timeout: 15000 });
  await agent.waitForFunction(() => !document.querySelector('[data-testid="peer-disconnected"]'), { timeout: 15000 });
  await Promise.all([decodes(customer, 'customer after the drop'), decodes(agent, 'agent after the drop')]);
  expect((await api.get(`/api/v1/calls/${call.id}`, t.attendant)).body.data.status).toBe('active');
});
