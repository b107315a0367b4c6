import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PinnedAgents } from '../../src/webhooks/agents';
import { postJson } from '../../src/webhooks/post';
import { startReceiver } from '../helpers/receiver';

/** How deliveries reach a receiver: kept connections, pinned to the checked address. */
const local = { address: '127.0.0.1', family: 4 };
const agents = new PinnedAgents(2);
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  agents.close();
  for (const close of closers.splice(0)) await close();
});

async function receiver() {
  const r = await startReceiver(() => 204);
  closers.push(r.close);
  return r;
}

it('deliveries one after another share one connection', async () => {
  const r = await receiver();
  const url = new URL(r.url);
  for (let i = 0; i < 5; i++) expect((await postJson(url, agents.for(url, local), `{"n":${i}}`, {}, 2000)).status).toBe(204);
  expect(r.received).toHaveLength(5);
  expect(r.connections()).toBe(1);
});

it('connects to the checked address whatever the name resolves to now', async () => {
  const r = await receiver();
  // No DNS answers for .invalid: only the pinned address can have reached the receiver.
  const url = new URL(r.url.replace('127.0.0.1', 'receiver.invalid'));
  expect((await postJson(url, agents.for(url, local), '{}', {}, 2000)).status).toBe(204);
  expect(r.received[0].headers.host).toBe(url.host);
  // Another checked address for the same name is another agent: no connection is shared.
  expect(agents.for(url, { address: '127.0.0.2', family: 4 })).not.toBe(agents.for(url, local));
});

it('a kept connection the receiver drops as it is reused: sent again on a new one', async () => {
  // A receiver that answers the first request on each connection and drops the connection
  // when a second request arrives on it, without answering.
  let connections = 0;
  let requests = 0;
  const server = net.createServer((socket) => {
    connections++;
    let seen = 0;
    socket.on('data', (chunk) => {
      if (!chunk.toString().startsWith('POST')) return;
      requests++;
      if (++seen === 1) socket.write('HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n');
      else socket.resetAndDestroy();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
  expect((await postJson(url, agents.for(url, local), '{}', {}, 2000)).status).toBe(204);
  expect((await postJson(url, agents.for(url, local), '{}', {}, 2000)).status).toBe(204);
  expect({ connections, requests }).toEqual({ connections: 2, requests: 3 });
});

it('keeps the most recently used receivers and closes the others', async () => {
  const [a, b, c] = [await receiver(), await receiver(), await receiver()].map((r) => new URL(r.url));
  const first = agents.for(a, local);
  agents.for(b, local);
  expect(agents.for(a, local)).toBe(first);
  agents.for(c, local);
  expect(agents.size).toBe(2);
  // b was the least recently used; a stayed.
  expect(agents.for(a, local)).toBe(first);
  expect(agents.size).toBe(2);
});
