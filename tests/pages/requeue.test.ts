import { createLink, joinQueue } from '../helpers/calls';
import { byTestId, consoleLogin, joinFromPage, pagesWorld } from '../helpers/pages';

/** An agent who takes a call and never starts it: after ASSIGN_TIMEOUT the customer's page is back in the queue. */
const world = pagesWorld('requeue', { env: { ASSIGN_TIMEOUT: '2', TIMER_INTERVAL_MS: '200' } });

it('the page shows the agent about to answer, then the queue position again when the call goes back', async () => {
  const { api, t } = world;
  const page = await world.open(`/call/${await createLink(api, t.supervisor, t.departmentId)}`);
  await joinFromPage(page, 'Patient Pat');
  await page.waitForSelector(`${byTestId('queue-position')}[data-position="1"]`);
  const [call] = (await api.get('/api/v1/calls?status=queued', t.attendant)).body.data;
  expect((await api.post(`/api/v1/calls/${call.id}/assign`, {}, t.attendant)).status).toBe(200);
  await page.waitForFunction(() => !document.querySelector('[data-testid="queue-position"]'), { timeout: 10000 });
  expect(await page.$eval('h2', (el) => el.textContent)).toContain('is about to answer');
  await page.waitForSelector(`${byTestId('queue-position')}[data-position="1"]`, { timeout: 15000 });
  expect((await api.get(`/api/v1/calls/${call.id}`, t.attendant)).body.data.status).toBe('queued');
});

it('the console closes the panel of a call it took but did not start in time, and lists the call in the queue again', async () => {
  const { api, t } = world;
  const link = await createLink(api, t.supervisor, t.departmentId);
  const agent = await world.open('/console');
  await consoleLogin(agent, t, t.attendant);
  const joined = await joinQueue(api, link, { name: 'Waiting Wanda' });
  const item = `${byTestId('queue-item')}[data-call-id="${joined.callId}"]`;
  await agent.waitForSelector(item, { timeout: 10000 });
  await agent.click(`${item} ${byTestId('take-call')}`);
  await agent.waitForSelector(byTestId('start-call'));
  await agent.waitForFunction(() => !document.querySelector('[data-testid="start-call"]'), { timeout: 15000 });
  expect(await agent.$eval(byTestId('notice'), (el) => el.textContent)).toBe('The call was not started in time and went back to the queue.');
  await agent.waitForSelector(item);
});
