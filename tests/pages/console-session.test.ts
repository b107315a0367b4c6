import { createLink, joinQueue } from '../helpers/calls';
import { consoleLogin, pagesWorld } from '../helpers/pages';

/**
 * Access tokens that live 6 s: the console rotates them (at four fifths of their life) with the
 * refresh token it keeps in memory, moves its socket to the new token before the old one
 * expires, and the agent's presence never drops in between.
 */
const TTL = 6;
const world = pagesWorld('rotation', { env: { ACCESS_TOKEN_TTL: String(TTL) } });

it('over three token lifetimes the agent stays online without a gap, keeps nothing in storage, and still gets queue events', async () => {
  const { api, t } = world;
  const link = await createLink(api, t.supervisor, t.departmentId);
  const page = await world.open('/console');
  await consoleLogin(page, t, t.attendant);

  // The public validate route counts the agents online in the department: read it every 100 ms.
  const online = async () => (await api.get(`/api/v1/call/${link}/validate`)).body.data.online_agents as number;
  const until = Date.now() + 15000;
  while ((await online()) === 0) {
    if (Date.now() > until) throw new Error('the agent never came online');
    await new Promise((r) => setTimeout(r, 100));
  }
  const samples: number[] = [];
  const end = Date.now() + TTL * 3 * 1000;
  while (Date.now() < end) {
    samples.push(await online());
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(samples.length).toBeGreaterThan(100);
  expect(samples.filter((n) => n === 0)).toEqual([]);

  expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
  // Long after the first token expired, the console's socket still carries queue events.
  const joined = await joinQueue(api, link, { name: 'Late Larry' });
  await page.waitForSelector(`[data-testid="queue-item"][data-call-id="${joined.callId}"]`, { timeout: 10000 });
}, 90000);
