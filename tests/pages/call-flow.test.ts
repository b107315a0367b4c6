import type { Api } from '../helpers/http';
import type { TestTenant } from '../helpers/tenants';
import { createLink } from '../helpers/calls';
import { screenshot } from '../helpers/browser';
import { byTestId, consoleLogin, decodes, pagesWorld, text } from '../helpers/pages';

/**
 * The pages for people, in Debian's Chromium against the real server: a customer opens the
 * access link, waits, talks to an agent on video and rates the call; the agent does all of it
 * from the console. Nothing here calls the API for the pages: they are driven by clicks and
 * typing, and read through what they show.
 */
const world = pagesWorld('pages');
let api: Api;
let t: TestTenant;

beforeAll(async () => {
  ({ api, t } = world);
  expect((await api.put('/api/v1/company', { company: { primary_color: '#0f766e' } }, t.manager)).status).toBe(200);
});

it('a customer joins from the link, the agent takes and starts the call in the console, they see each other, and the rating reaches the console', async () => {
  const token = await createLink(api, t.supervisor, t.departmentId);
  const agent = await world.open('/console');
  await screenshot(agent, 'console-login-desktop');
  await consoleLogin(agent, t, t.attendant);
  await agent.select(byTestId('presence-status'), 'online');

  const customer = await world.open(`/call/${token}`, { viewport: { width: 390, height: 844 } });
  await customer.waitForSelector(byTestId('join-form'));
  expect(await text(customer, 'company-name')).toBe('pages Inc');
  expect(await text(customer, 'department-name')).toBe('Suporte Técnico');
  expect(await customer.$eval(byTestId('queue-size'), (el) => (el as HTMLElement).dataset.count)).toBe('0');
  // The company's colour is the page's brand colour.
  expect(await customer.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim())).toBe('#0f766e');
  // The camera preview plays before anyone joins.
  await customer.waitForFunction(() => (document.querySelector('[data-testid="local-video"]') as HTMLVideoElement | null)?.videoWidth);
  await screenshot(customer, 'call-join-phone');
  await customer.type(byTestId('name'), 'Carla Cliente');
  await customer.type(byTestId('email'), 'carla@example.com');
  await customer.type(byTestId('reason'), 'My router blinks red');
  await customer.click(byTestId('join'));
  await customer.waitForSelector(`${byTestId('queue-position')}[data-position="1"]`);
  await screenshot(customer, 'call-queued-phone');

  // The console hears of the customer on queue:{department} and lists them.
  const item = await agent.waitForSelector(`${byTestId('queue-item')}`, { timeout: 10000 });
  const callId = await item!.evaluate((el) => (el as HTMLElement).dataset.callId!);
  expect(await item!.evaluate((el) => el.textContent)).toContain('Carla Cliente');
  await screenshot(agent, 'console-queue-desktop');
  await agent.click(`${byTestId('queue-item')}[data-call-id="${callId}"] ${byTestId('take-call')}`);
  await agent.waitForSelector(byTestId('start-call'));
  // The customer sees who is about to answer; the queue item is gone from the console.
  await customer.waitForFunction(() => !document.querySelector('[data-testid="queue-position"]'));
  expect(await agent.$(`${byTestId('queue-item')}[data-call-id="${callId}"]`)).toBeNull();
  await agent.click(byTestId('start-call'));
  await agent.waitForSelector(byTestId('call-view'));
  await customer.waitForSelector(byTestId('call-view'), { timeout: 10000 });

  await Promise.all([decodes(customer, 'the customer'), decodes(agent, 'the agent')]);
  await screenshot(customer, 'call-video-phone');
  await screenshot(agent, 'console-call-desktop');

  // Mute: the customer's microphone off is shown on the console, and on again.
  await customer.click(byTestId('mute-audio'));
  expect(await customer.$eval(byTestId('mute-audio'), (el) => el.getAttribute('aria-pressed'))).toBe('true');
  await agent.waitForSelector(byTestId('remote-muted-audio'), { timeout: 10000 });
  await customer.click(byTestId('mute-audio'));
  await agent.waitForFunction(() => !document.querySelector('[data-testid="remote-muted-audio"]'), { timeout: 10000 });

  await agent.type(byTestId('notes'), 'Router replaced');
  await agent.click(byTestId('complete-call'));
  await customer.waitForSelector(byTestId('rating-form'), { timeout: 10000 });
  expect(await customer.$(byTestId('call-ended'))).not.toBeNull();
  await customer.click(byTestId('rating-5'));
  await customer.type(byTestId('comment'), 'Great help');
  await screenshot(customer, 'call-rating-phone');
  await customer.click(byTestId('submit-rating'));
  await customer.waitForSelector(byTestId('thanks'));

  // The console's recent calls pick the rating up.
  await agent.waitForSelector(`${byTestId('recent-call')}[data-call-id="${callId}"][data-rating="5"]`, { timeout: 15000 });
  const stored = await api.get(`/api/v1/calls/${callId}`, t.attendant);
  expect(stored.body.data).toMatchObject({ status: 'completed', rating: 5, notes: 'Router replaced', customer_email: 'carla@example.com' });
});
