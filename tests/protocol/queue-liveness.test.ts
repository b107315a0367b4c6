import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { collect, connectPhoenix, eventually, join, quiet } from '../helpers/sockets';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;

beforeAll(async () => {
  srv = await startTestServer({ ABANDON_TIMEOUT: '1', ASSIGN_TIMEOUT: '1', TIMER_INTERVAL_MS: '200' });
  api = new Api(srv.url);
  t = await createTenant(api, 'liveness');
  link = await createLink(api, t.supervisor, t.departmentId);
});
afterAll(() => srv?.stop());

describe('the queue timers, heard in real time', () => {
  it('an open customer socket keeps the call queued; once it closes the call is abandoned and the queue hears customer_left', async () => {
    const agent = await connectPhoenix(srv.url, t.attendant.token);
    const queue = agent.channel(`queue:${t.departmentId}`, {});
    const left = collect(queue, 'customer_left');
    expect((await join(queue)).status).toBe('ok');
    const joined = await joinQueue(api, link, { name: 'Patient' });
    const customer = await connectPhoenix(srv.url, joined.websocketToken);
    const call = customer.channel(`call:${joined.callId}`, {});
    expect((await join(call)).status).toBe('ok');
    await quiet(2500);
    expect((await api.get(`/api/v1/calls/${joined.callId}`, t.attendant)).body.data.status).toBe('queued');
    customer.disconnect();
    await eventually(() => left.find((e) => e.call_id === joined.callId), 6000, 'customer_left');
    expect(left.find((e) => e.call_id === joined.callId)).toEqual({ call_id: joined.callId, reason: 'cancelled' });
    expect((await api.get(`/api/v1/calls/${joined.callId}`, t.attendant)).body.data).toMatchObject({ status: 'abandoned', end_reason: 'abandoned' });
    agent.disconnect();
  });

  it('an unstarted assignment returns to the queue: customer_joined again, and the customer gets its position', async () => {
    const agent = await connectPhoenix(srv.url, t.attendant.token);
    const queue = agent.channel(`queue:${t.departmentId}`, {});
    const joinedEvents = collect(queue, 'customer_joined');
    expect((await join(queue)).status).toBe('ok');
    const joined = await joinQueue(api, link, { name: 'Requeued' });
    const customer = await connectPhoenix(srv.url, joined.websocketToken);
    const call = customer.channel(`call:${joined.callId}`, {});
    const positions = collect(call, 'queue_position');
    expect((await join(call)).status).toBe('ok');
    await eventually(() => positions.length, 5000, 'initial position');
    expect((await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant)).status).toBe(200);
    await eventually(() => joinedEvents.filter((e) => e.call_id === joined.callId).length === 2, 6000, 'second customer_joined');
    expect(joinedEvents.filter((e) => e.call_id === joined.callId)[1]).toEqual({
      call_id: joined.callId, customer_name: 'Requeued', position: expect.any(Number), queue_size: expect.any(Number),
    });
    customer.disconnect();
    agent.disconnect();
  });

  it('a call past the department’s queue_timeout is missed: customer_left timeout, and the customer hears call_ended', async () => {
    const dept = await api.post('/api/v1/departments', { department: { name: 'Fast', queue_timeout: 1 } }, t.owner);
    await api.post(`/api/v1/departments/${dept.body.data.id}/members`, { user_id: t.attendant.id }, t.supervisor);
    const fastLink = await createLink(api, t.supervisor, dept.body.data.id);
    const agent = await connectPhoenix(srv.url, t.attendant.token);
    const queue = agent.channel(`queue:${dept.body.data.id}`, {});
    const left = collect(queue, 'customer_left');
    expect((await join(queue)).status).toBe('ok');
    const joined = await joinQueue(api, fastLink, { name: 'Late' });
    const customer = await connectPhoenix(srv.url, joined.websocketToken);
    const call = customer.channel(`call:${joined.callId}`, {});
    const ended = collect(call, 'call_ended');
    expect((await join(call)).status).toBe('ok');
    await eventually(() => ended.length, 6000, 'call_ended');
    expect(ended[0]).toEqual({ reason: 'timeout' });
    expect(left.find((e) => e.call_id === joined.callId)).toEqual({ call_id: joined.callId, reason: 'timeout' });
    customer.disconnect();
    agent.disconnect();
  });
});
