import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { socketPool, collect, eventually, join, quiet } from '../helpers/sockets';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;
const pool = socketPool(() => srv.url);
const open = pool.open;

beforeAll(async () => {
  srv = await startTestServer({ RECONNECT_GRACE: '1', TIMER_INTERVAL_MS: '200' });
  api = new Api(srv.url);
  t = await createTenant(api, 'grace');
  link = await createLink(api, t.supervisor, t.departmentId);
});
afterEach(() => pool.closeAll());
afterAll(() => srv?.stop());

/** An active call with the customer and the agent both on call:{id}. */
async function activeCall() {
  const joined = await joinQueue(api, link, { name: 'Dropper' });
  await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant);
  await api.post(`/api/v1/calls/${joined.callId}/start`, undefined, t.attendant);
  const agent = await open(t.attendant.token);
  const agentCall = agent.channel(`call:${joined.callId}`, {});
  const events = {
    down: collect(agentCall, 'peer_disconnected'), up: collect(agentCall, 'peer_reconnected'),
    ended: collect(agentCall, 'call_ended'), left: collect(agentCall, 'participant_left'),
  };
  expect((await join(agentCall)).status).toBe('ok');
  const customer = await open(joined.websocketToken);
  expect((await join(customer.channel(`call:${joined.callId}`, {}))).status).toBe('ok');
  return { joined, customer, events };
}

describe('reconnection grace (seed 002)', () => {
  it('tells the others of a drop and of the return within the grace; the call goes on', async () => {
    const { joined, customer, events } = await activeCall();
    customer.disconnect();
    await eventually(() => events.down.length, 5000, 'peer_disconnected');
    expect(events.down[0]).toEqual({ user_id: expect.any(String), role: 'customer' });
    const back = await open(joined.websocketToken);
    expect((await join(back.channel(`call:${joined.callId}`, {}))).status).toBe('ok');
    await eventually(() => events.up.length, 5000, 'peer_reconnected');
    expect(events.up[0]).toEqual({ user_id: events.down[0].user_id, role: 'customer' });
    await quiet(1500);
    expect(events.ended).toEqual([]);
    const details = await api.get(`/api/v1/calls/${joined.callId}`, t.attendant);
    expect(details.body.data).toMatchObject({ status: 'active', disconnected_at: null, reconnected_at: expect.any(String) });
  });

  it('ends the call with end_reason disconnect when the participant stays away past the grace', async () => {
    const { joined, customer, events } = await activeCall();
    customer.disconnect();
    await eventually(() => events.down.length, 5000, 'peer_disconnected');
    await eventually(() => events.ended.length, 5000, 'call_ended');
    expect(events.ended).toEqual([{ reason: 'disconnect' }]);
    const details = await api.get(`/api/v1/calls/${joined.callId}`, t.attendant);
    expect(details.body.data).toMatchObject({ status: 'completed', end_reason: 'disconnect', duration: expect.any(Number) });
  });

  it('a participant who leaves the channel on purpose is just gone, no grace', async () => {
    const { customer, events, joined } = await activeCall();
    const channel = customer.channels.find((c: any) => c.topic === `call:${joined.callId}`);
    await new Promise((resolve) => channel.leave().receive('ok', resolve));
    await eventually(() => events.left.length, 5000, 'participant_left');
    expect(events.left[0]).toEqual({ user_id: expect.any(String) });
    await quiet(1500);
    expect(events.down).toEqual([]);
    expect((await api.get(`/api/v1/calls/${joined.callId}`, t.attendant)).body.data.status).toBe('active');
  });
});
