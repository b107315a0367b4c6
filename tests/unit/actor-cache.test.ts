import { ActorCache } from '../../src/auth/actor-cache';

/** The wait a change to a user makes before it answers: its own notice, then every peer's word. */
function cacheWithPeers(peers: string[]) {
  const cache = new ActorCache();
  cache.setLive(true);
  cache.listeningPeers = () => peers;
  return cache;
}

async function settled(p: Promise<void>) {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

it('waits for its own notice and for every instance listening when the change began', async () => {
  const cache = cacheWithPeers(['b', 'c']);
  const wait = cache.expectNotice('u')(5000);
  cache.noticed('u');
  expect(await settled(wait)).toBe(false);
  cache.acked('u', 'b');
  cache.acked('other-user', 'c');
  expect(await settled(wait)).toBe(false);
  cache.acked('u', 'c');
  expect(await settled(wait)).toBe(true);
});

it('peers answering before the notice is heard still leave it waiting for the notice', async () => {
  const cache = cacheWithPeers(['b']);
  const wait = cache.expectNotice('u')(5000);
  cache.acked('u', 'b');
  expect(await settled(wait)).toBe(false);
  cache.noticed('u');
  expect(await settled(wait)).toBe(true);
});

it('gives up after its bound when a peer never answers, and forgets the wait', async () => {
  const cache = cacheWithPeers(['gone']);
  const started = Date.now();
  const wait = cache.expectNotice('u');
  cache.noticed('u');
  await wait(50);
  expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  // A later change's wait is not settled by the earlier one's leftovers.
  const next = cache.expectNotice('u')(5000);
  expect(await settled(next)).toBe(false);
  cache.noticed('u');
  cache.acked('u', 'gone');
  expect(await settled(next)).toBe(true);
});

it('does not wait at all while notices are not being received', async () => {
  const cache = cacheWithPeers(['b']);
  cache.setLive(false);
  expect(await settled(cache.expectNotice('u')(5000))).toBe(true);
});
