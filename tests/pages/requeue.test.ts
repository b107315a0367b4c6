import { createLink } from '../helpers/calls';
import { byTestId, pagesWorld } from '../helpers/pages';

/** An agent who takes a call and never starts it: after ASSIGN_TIMEOUT the customer's page is back in the queue. */
const world = pagesWorld('requeue', { env: { ASSIGN_TIMEOUT: '2', TIMER_INTERVAL_MS: '200' } });

it('the page shows the agent about to answer, then the queue position again when the call goes back', async () => {
  const { api, t } = world;
  const page = await world.open(`/call/${await createLink(api, t.supervisor, t.departmentId)}`);
  await page.waitForSelector(byTestId('join-form'));
  await page.type(byTestId('name'), 'Patient Pat');
  await page.click(byTestId('join'));
  await page.waitForSelector(`${byTestId('queue-position')}[data-position="1"]`);
  const [call] = (await api.get('/api/v1/calls?status=queued', t.attendant)).body.data;
  expect((await api.post(`/api/v1/calls/${call.id}/assign`, {}, t.attendant)).status).toBe(200);
  await page.waitForFunction(() => !document.querySelector('[data-testid="queue-position"]'), { timeout: 10000 });
  expect(await page.$eval('h2', (el) => el.textContent)).toContain('is about to answer');
  await page.waitForSelector(`${byTestId('queue-position')}[data-position="1"]`, { timeout: 15000 });
  expect((await api.get(`/api/v1/calls/${call.id}`, t.attendant)).body.data.status).toBe('queued');
});
