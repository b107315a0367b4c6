import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { eventually, quiet, wsBase } from '../helpers/sockets';

let srv: TestServer;
let api: Api;
let a: TestTenant;
let b: TestTenant;
let link: string;
const clients: Client[] = [];

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  a = await createTenant(api, 'gqlws-a');
  b = await createTenant(api, 'gqlws-b');
  link = await createLink(api, a.supervisor, a.departmentId);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => srv?.stop());

function client(connectionParams: Record<string, unknown>, onClose?: (code: number) => void): Client {
  const c = createClient({
    url: `${wsBase(srv.url)}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: false,
    on: { closed: (e) => onClose?.((e as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  clients.push(c);
  return c;
}

/** Subscribes and keeps every result (data or errors) in order. */
function subscribe(c: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: any[] = [];
  let completed = false;
  const stop = c.subscribe({ query, variables }, {
    next: (r) => results.push(r),
    error: (e) => results.push({ socketError: e }),
    complete: () => (completed = true),
  });
  return { results, stop, done: () => completed };
}

const EVENT = '{ topic event payload }';

describe('GraphQL subscriptions over graphql-ws on /graphql', () => {
  it('delivers queue events and the customer’s position, the same payloads as the Phoenix channel', async () => {
    const agent = client({ authorization: `Bearer ${a.attendant.token}`, tenant: a.slug });
    const queue = subscribe(agent, `subscription($d: ID!) { queueEvents(departmentId: $d) ${EVENT} }`, { d: a.departmentId });
    await eventually(() => queue.results.length, 5000, 'initial queue_update');
    expect(queue.results[0].data.queueEvents).toMatchObject({ topic: `queue:${a.departmentId}`, event: 'queue_update' });

    const first = await joinQueue(api, link, { name: 'Ana' });
    const second = await joinQueue(api, link, { name: 'Bruno' });
    const joinedEvent = await eventually(() => queue.results.find((r) => r.data?.queueEvents.payload.call_id === first.callId), 5000, 'customer_joined');
    expect(joinedEvent.data.queueEvents).toEqual({
      topic: `queue:${a.departmentId}`, event: 'customer_joined',
      payload: { call_id: first.callId, customer_name: 'Ana', position: first.position, queue_size: expect.any(Number) },
    });

    const customer = client({ token: second.websocketToken });
    const position = subscribe(customer, 'subscription($c: ID!) { queuePosition(callId: $c) { position estimatedWaitTime } }', { c: second.callId });
    await eventually(() => position.results.length, 5000, 'initial position');
    expect(position.results[0].data.queuePosition).toEqual({ position: second.position, estimatedWaitTime: expect.any(Number) });
    await api.post(`/api/v1/calls/${first.callId}/assign`, {}, a.attendant);
    await eventually(() => position.results.some((r) => r.data?.queuePosition.position === second.position - 1), 5000, 'moved up');
    await eventually(() => queue.results.some((r) => r.data?.queueEvents.event === 'call_assigned'), 5000, 'call_assigned');
  });

  it('delivers notifications and presence', async () => {
    const agent = client({ authorization: `Bearer ${a.attendant.token}` });
    const inbox = subscribe(agent, `subscription { notifications ${EVENT} }`);
    const presence = subscribe(agent, `subscription($d: ID!) { presenceEvents(departmentId: $d, status: "away") ${EVENT} }`, { d: a.departmentId });
    await eventually(() => presence.results.length, 5000, 'presence_state');
    const state = presence.results[0].data.presenceEvents;
    expect(state.event).toBe('presence_state');
    expect(state.payload[a.attendant.id].metas[0]).toMatchObject({ name: 'gqlws-a attendant', status: 'away' });
    await quiet(100);
    const { callId } = await joinQueue(api, link, { name: 'Carla' });
    await api.post(`/api/v1/calls/${callId}/assign`, {}, a.attendant);
    const note = await eventually(() => inbox.results.find((r) => r.data?.notifications.event === 'new_notification'), 5000, 'notification');
    expect(note.data.notifications.payload).toEqual({
      type: 'call_assigned', title: 'New call assigned', body: 'Carla is waiting in Suporte Técnico', data: { call_id: callId },
    });
  });

  it('answers another tenant’s topic with FORBIDDEN and sends it nothing', async () => {
    const outsider = client({ authorization: `Bearer ${b.owner.token}` });
    const queue = subscribe(outsider, `subscription($d: ID!) { queueEvents(departmentId: $d) ${EVENT} }`, { d: a.departmentId });
    await eventually(() => queue.results.length, 5000, 'an answer');
    expect(queue.results[0].errors[0]).toMatchObject({ message: 'unauthorized', extensions: { code: 'FORBIDDEN' } });
    // Once an insider has the event, a query answered on the outsider's socket proves that
    // nothing sent to it before is still on the way.
    const insider = subscribe(client({ authorization: `Bearer ${a.attendant.token}`, tenant: a.slug }), `subscription($d: ID!) { queueEvents(departmentId: $d) ${EVENT} }`, { d: a.departmentId });
    await eventually(() => insider.results.length, 5000, 'the insider subscribed');
    const hidden = await joinQueue(api, link, { name: 'Hidden' });
    await eventually(() => insider.results.find((r) => r.data?.queueEvents.payload.call_id === hidden.callId), 5000, 'the insider sees the join');
    const pong = subscribe(outsider, '{ __typename }');
    await eventually(() => pong.done(), 5000, 'a round trip on the outsider socket');
    expect(queue.results).toHaveLength(1);
  });

  it('closes with 4401 without a token and 4403 with a bad one or a foreign tenant', async () => {
    const codes: number[] = [];
    for (const params of [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${a.attendant.token}`, tenant: b.slug }]) {
      let code = 0;
      const c = client(params, (closed) => (code = closed));
      const sub = subscribe(c, '{ __typename }');
      await eventually(() => code || sub.results.length, 5000, 'close');
      codes.push(code);
    }
    expect(codes).toEqual([4401, 4403, 4403]);
  });

  it('runs queries and mutations over the socket too', async () => {
    const agent = client({ authorization: `Bearer ${a.attendant.token}` });
    const me = subscribe(agent, '{ me { id role } }');
    await eventually(() => me.done(), 5000, 'query result');
    expect(me.results[0].data.me).toEqual({ id: a.attendant.id, role: 'attendant' });
  });
});
