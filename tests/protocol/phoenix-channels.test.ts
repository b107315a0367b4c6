import { allFrames, roundTrip, Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { allFrames, roundTrip, socketPool, collect, eventually, join, push, upgradeStatus, wsBase } from '../helpers/sockets';

let srv: TestServer;
let api: Api;
let a: TestTenant;
let b: TestTenant;
let link: string;
const pool = socketPool(() => srv.url);
const open = pool.open;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  a = await createTenant(api, 'rt-a');
  b = await createTenant(api, 'rt-b');
  link = await createLink(api, a.supervisor, a.departmentId);
});
afterEach(() => pool.closeAll());
afterAll(() => srv?.stop());

describe('queue and call channels through the official phoenix client', () => {
  it('carries a call from join to end: queue events, the customer’s call events, the agent’s notification', async () => {
    const agent = await open(a.attendant.token);
    const queue = agent.channel(`queue:${a.departmentId}`, {});
    const queueEvents = { joined: collect(queue, 'customer_joined'), left: collect(queue, 'customer_left'), assigned: collect(queue, 'call_assigned'), update: collect(queue, 'queue_update') };
    expect(await join(queue)).toEqual({ status: 'ok', response: {} });
    await eventually(() => queueEvents.update.length >= 1, 5000, 'initial queue_update');
    expect(queueEvents.update[0]).toEqual({ queue_size: expect.any(Number), avg_wait_time: expect.any(Number), online_agents: 0 });
    const inbox = agent.channel(`notification:${a.attendant.id}`, {});
    const notifications = collect(inbox, 'new_notification');
    expect((await join(inbox)).status).toBe('ok');

    const joined = await joinQueue(api, link, { name: 'Carlos Ferreira' });
    const seen = await eventually(() => queueEvents.joined.find((e) => e.call_id === joined.callId), 5000, 'customer_joined');
    expect(seen).toEqual({ call_id: joined.callId, customer_name: 'Carlos Ferreira', position: joined.position, queue_size: expect.any(Number) });
    expect(seen.queue_size).toBeGreaterThanOrEqual(1);

    const customer = await open(joined.websocketToken);
    const call = customer.channel(`call:${joined.callId}`, {});
    const callEvents = {
      position: collect(call, 'queue_position'), assigned: collect(call, 'call_assigned'), started: collect(call, 'call_started'),
      participants: collect(call, 'participant_joined'), ended: collect(call, 'call_ended'),
    };
    expect((await join(call)).status).toBe('ok');
    await eventually(() => callEvents.position.length, 5000, 'queue_position on join');
    expect(callEvents.position[0]).toEqual({ position: joined.position, estimated_wait_time: expect.any(Number) });

    expect((await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, a.attendant)).status).toBe(200);
    await eventually(() => callEvents.assigned.length && queueEvents.assigned.length && notifications.length, 5000, 'assignment events');
    const assigned = { call_id: joined.callId, user_id: a.attendant.id, user_name: 'rt-a attendant' };
    expect(callEvents.assigned[0]).toEqual(assigned);
    expect(queueEvents.assigned.find((e) => e.call_id === joined.callId)).toEqual(assigned);
    expect(queueEvents.left.find((e) => e.call_id === joined.callId)).toEqual({ call_id: joined.callId, reason: 'assigned' });
    expect(notifications[0]).toEqual({
      type: 'call_assigned', title: 'New call assigned', body: 'Carlos Ferreira is waiting in Suporte Técnico', data: { call_id: joined.callId },
    });

    const agentCall = agent.channel(`call:${joined.callId}`, {});
    expect((await join(agentCall)).status).toBe('ok');
    await eventually(() => callEvents.participants.length, 5000, 'participant_joined');
    expect(callEvents.participants[0]).toEqual({ user_id: a.attendant.id, name: 'rt-a attendant', role: 'attendant' });

    expect((await api.post(`/api/v1/calls/${joined.callId}/start`, undefined, a.attendant)).status).toBe(200);
    await eventually(() => callEvents.started.length, 5000, 'call_started');
    expect(callEvents.started[0]).toMatchObject({ call_id: joined.callId, user_id: a.attendant.id });

    const muted = collect(agentCall, 'mute');
    expect(await push(call, 'mute', { type: 'audio', muted: true })).toEqual({ status: 'ok', response: {} });
    await eventually(() => muted.length, 5000, 'mute');
    // The customer muted: the agent is told who, by the customer's id (the subject of their token).
    const customerId = JSON.parse(Buffer.from(joined.websocketToken.split('.')[1], 'base64url').toString()).sub;
    expect(customerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(muted[0]).toEqual({ user_id: customerId, type: 'audio', muted: true });

    // Supervision: only the agent hears that a supervisor is listening in.
    const monitor = collect(agentCall, 'monitor_start');
    const customerHeard = collect(call, 'monitor_start');
    expect((await api.post(`/api/v1/calls/${joined.callId}/monitor`, {}, a.attendant)).status).toBe(403);
    expect((await api.post(`/api/v1/calls/${joined.callId}/monitor`, {}, b.supervisor)).status).toBe(404);
    const monitored = await api.post(`/api/v1/calls/${joined.callId}/monitor`, {}, a.supervisor);
    expect(monitored.status).toBe(200);
    expect(monitored.body.data).toEqual({ call_id: joined.callId, mode: 'monitor', supervisor_id: a.supervisor.id });
    await eventually(() => monitor.length, 5000, 'monitor_start');
    expect(monitor[0]).toEqual({ supervisor_id: a.supervisor.id, supervisor_name: 'rt-a supervisor' });
    expect(customerHeard).toEqual([]);

    expect((await api.post(`/api/v1/calls/${joined.callId}/complete`, {}, a.attendant)).status).toBe(200);
    expect((await api.post(`/api/v1/calls/${joined.callId}/whisper`, {}, a.supervisor)).status).toBe(409);
    await eventually(() => callEvents.ended.length, 5000, 'call_ended');
    expect(callEvents.ended[0]).toEqual({ reason: 'completed' });
  });

  it('tells every queued customer behind a leaver their new position', async () => {
    const first = await joinQueue(api, link, { name: 'First' });
    const second = await joinQueue(api, link, { name: 'Second' });
    const customer = await open(second.websocketToken);
    const call = customer.channel(`call:${second.callId}`, {});
    const positions = collect(call, 'queue_position');
    expect((await join(call)).status).toBe('ok');
    await eventually(() => positions.length, 5000, 'initial position');
    const before = positions[positions.length - 1].position;
    expect((await api.post(`/api/v1/call/cancel/${first.callId}`)).status).toBe(200);
    await eventually(() => positions.some((p) => p.position === before - 1), 5000, 'position moved up');
    const status = await api.get(`/api/v1/call/status/${second.callId}`);
    expect(status.body.data.position).toBe(before - 1);
  });

  it('answers validation errors of pushes in the error shape', async () => {
    const joined = await joinQueue(api, link, { name: 'Pusher' });
    const customer = await open(joined.websocketToken);
    const call = customer.channel(`call:${joined.callId}`, {});
    expect((await join(call)).status).toBe('ok');
    const bad = await push(call, 'mute', { type: 'smell', muted: true });
    expect(bad.status).toBe('error');
    expect(bad.response).toMatchObject({ code: 'BAD_USER_INPUT', errors: { type: ['must be audio or video'] } });
    const tooEarly = await push(call, 'signal', { type: 'offer', sdp: 'v=0\r\n' });
    expect(tooEarly).toEqual({ status: 'error', response: { reason: 'A queued call: media flows only once it is assigned', code: 'CONFLICT' } });
    const unknown = await push(call, 'dance', {});
    expect(unknown).toEqual({ status: 'error', response: { reason: 'unknown event dance' } });
  });
});

describe('who may join what', () => {
  it('refuses other tenants’, departments’, users’ and calls’ topics with unauthorized, and they get nothing', async () => {
    const joined = await joinQueue(api, link, { name: 'Private' });
    const outsider = await open(b.owner.token);
    const unauthorized = { status: 'error', response: { reason: 'unauthorized' } };
    for (const topic of [`queue:${a.departmentId}`, `presence:${a.departmentId}`, `notification:${a.attendant.id}`, `call:${joined.callId}`]) {
      expect(await join(outsider.channel(topic, {}))).toEqual(unauthorized);
    }
    const insider = await open(a.attendant.token);
    expect(await join(insider.channel(`notification:${a.supervisor.id}`, {}))).toEqual(unauthorized);
    // An attendant is not the agent of a queued call; a customer only sees their own call.
    expect(await join(insider.channel(`call:${joined.callId}`, {}))).toEqual(unauthorized);
    const other = await joinQueue(api, link, { name: 'Other' });
    const customer = await open(other.websocketToken);
    expect(await join(customer.channel(`call:${joined.callId}`, {}))).toEqual(unauthorized);
    expect(await join(customer.channel(`queue:${a.departmentId}`, {}))).toEqual(unauthorized);
    expect(await join(outsider.channel('lobby:everyone', {}))).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });

    // Nothing of tenant A's queue reaches the outsider, on any channel: once an insider has seen
    // the event, a round trip on the outsider's socket flushes anything sent to it before.
    const outsiderFrames = allFrames(outsider);
    const insiderQueue = insider.channel(`queue:${a.departmentId}`, {});
    const seen = collect(insiderQueue, 'customer_joined');
    expect((await join(insiderQueue)).status).toBe('ok');
    const unseen = await joinQueue(api, link, { name: 'Unseen' });
    await eventually(() => seen.find((e) => e.call_id === unseen.callId), 5000, 'the insider sees customer_joined');
    await roundTrip(outsider);
    expect(outsiderFrames.filter((f) => f.topic.startsWith('queue:') || JSON.stringify(f.payload).includes(unseen.callId))).toEqual([]);
  });

  it('refuses a bad token at the upgrade with 403', async () => {
    expect(await upgradeStatus(`${wsBase(srv.url)}/socket/websocket?vsn=2.0.0&token=nope`)).toBe(403);
    expect(await upgradeStatus(`${wsBase(srv.url)}/socket/websocket?vsn=2.0.0`)).toBe(403);
    expect(await upgradeStatus(`${wsBase(srv.url)}/socket/websocket?vsn=2.0.0&token=${a.attendant.refreshToken}`)).toBe(403);
    expect(await upgradeStatus(`${wsBase(srv.url)}/socket/websocket?vsn=2.0.0&token=${a.attendant.token}`)).toBe(101);
  });
});
