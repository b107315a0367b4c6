import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { eventually, join, push, socketPool } from '../helpers/sockets';
import { closeLeftoverSockets, TestPeer } from '../helpers/webrtc';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;
const pool = socketPool(() => srv.url);
const peers: TestPeer[] = [];

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'sfu');
  link = await createLink(api, t.supervisor, t.departmentId);
});
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
  pool.closeAll();
});
afterAll(async () => {
  closeLeftoverSockets();
  await srv?.stop();
});

const subject = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as string;

/** A call taken and started by the attendant, with the customer's and the agent's call channels joined. */
async function activeCall() {
  const joined = await joinQueue(api, link, { name: 'Carla Media' });
  expect((await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant)).status).toBe(200);
  expect((await api.post(`/api/v1/calls/${joined.callId}/start`, undefined, t.attendant)).status).toBe(200);
  const customerSocket = await pool.open(joined.websocketToken);
  const agentSocket = await pool.open(t.attendant.token);
  const customer = customerSocket.channel(`call:${joined.callId}`, {});
  const agent = agentSocket.channel(`call:${joined.callId}`, {});
  expect((await join(customer)).status).toBe('ok');
  expect((await join(agent)).status).toBe('ok');
  return { callId: joined.callId, customerId: subject(joined.websocketToken), customer, agent };
}

function peer(channel: any, send: Array<'audio' | 'video'>) {
  const p = new TestPeer(channel, send);
  peers.push(p);
  return p;
}

describe('the SFU behind the call channel', () => {
  it('health says media is ok', async () => {
    expect((await api.get('/health')).body).toEqual({ status: 'ok', media: 'ok' });
  });

  it('customer and agent each receive the other’s audio and video RTP through the SFU', async () => {
    const call = await activeCall();
    const customer = peer(call.customer, ['audio', 'video']);
    const agent = peer(call.agent, ['audio', 'video']);
    expect(await customer.start()).toEqual({ status: 'ok', response: {} });
    expect(await agent.start()).toEqual({ status: 'ok', response: {} });
    customer.startMedia();
    agent.startMedia();
    await eventually(() => customer.connected && agent.connected, 10000, 'both connected');
    await eventually(() => agent.from(call.customerId, 'video') > 5 && agent.from(call.customerId, 'audio') > 5, 10000, 'agent receives the customer');
    await eventually(() => customer.from(t.attendant.id, 'video') > 5 && customer.from(t.attendant.id, 'audio') > 5, 10000, 'customer receives the agent');
    expect(customer.errors).toEqual([]);
    expect(agent.errors).toEqual([]);
  });
});

describe('mute', () => {
  it('pauses the sender’s producer, tells the others, and resumes it', async () => {
    const call = await activeCall();
    const customer = peer(call.customer, ['audio', 'video']);
    const agent = peer(call.agent, ['audio', 'video']);
    const mutes: any[] = [];
    call.agent.on('mute', (p: any) => mutes.push(p));
    await customer.start();
    await agent.start();
    customer.startMedia();
    await eventually(() => agent.from(call.customerId, 'video') > 5, 10000, 'video flowing');
    expect(await push(call.customer, 'mute', { type: 'video', muted: true })).toEqual({ status: 'ok', response: {} });
    await eventually(() => mutes.length, 5000, 'mute event');
    expect(mutes[0]).toEqual({ user_id: call.customerId, type: 'video', muted: true });
    const room = await srv.server.media.local!.room(call.callId);
    const video = room!.peers.get(call.customerId)!.producerOf('video')!;
    expect(video.paused).toBe(true);
    expect(room!.peers.get(call.customerId)!.producerOf('audio')!.paused).toBe(false);
    const frozen = agent.from(call.customerId, 'video');
    await eventually(() => agent.from(call.customerId, 'audio') > frozen + 10, 5000, 'audio still flowing');
    expect(agent.from(call.customerId, 'video')).toBeLessThanOrEqual(frozen + 2); // packets in flight at the pause
    expect(await push(call.customer, 'mute', { type: 'video', muted: false })).toEqual({ status: 'ok', response: {} });
    expect(video.paused).toBe(false);
    await eventually(() => agent.from(call.customerId, 'video') > frozen + 5, 5000, 'video flowing again');
  });
});

describe('supervision routes real media', () => {
  it('whisper: the agent hears the supervisor, the customer does not; barge: both do; monitor: nobody does', async () => {
    const call = await activeCall();
    const customer = peer(call.customer, ['audio', 'video']);
    const agent = peer(call.agent, ['audio', 'video']);
    await customer.start();
    await agent.start();
    customer.startMedia();
    agent.startMedia();
    const supSocket = await pool.open(t.supervisor.token);
    const supChannel = supSocket.channel(`call:${call.callId}`, {});
    expect((await join(supChannel)).status).toBe('ok');
    const early = peer(supChannel, ['audio']);
    const refused = await early.start();
    expect(refused).toEqual({ status: 'error', response: expect.objectContaining({ code: 'FORBIDDEN' }) });
    await early.close();

    expect((await api.post(`/api/v1/calls/${call.callId}/whisper`, {}, t.supervisor)).status).toBe(200);
    const supervisor = peer(supChannel, ['audio', 'video']);
    expect(await supervisor.start()).toEqual({ status: 'ok', response: {} });
    supervisor.startMedia();
    await eventually(() => supervisor.from(call.customerId, 'audio') > 5 && supervisor.from(t.attendant.id, 'audio') > 5
      && supervisor.from(call.customerId, 'video') > 5 && supervisor.from(t.attendant.id, 'video') > 5, 10000, 'supervisor receives both');
    await eventually(() => agent.from(t.supervisor.id, 'audio') > 5, 10000, 'agent hears the whisper');
    const customerFromAgent = customer.from(t.attendant.id, 'audio');
    await eventually(() => customer.from(t.attendant.id, 'audio') > customerFromAgent + 25, 5000, 'customer keeps hearing the agent');
    expect(customer.from(t.supervisor.id, 'audio')).toBe(0);
    expect(agent.from(t.supervisor.id, 'video')).toBe(0);

    expect((await api.post(`/api/v1/calls/${call.callId}/barge`, {}, t.supervisor)).status).toBe(200);
    await eventually(() => customer.from(t.supervisor.id, 'audio') > 5, 10000, 'customer hears the barge');

    expect((await api.post(`/api/v1/calls/${call.callId}/monitor`, {}, t.supervisor)).status).toBe(200);
    const room = (await srv.server.media.local!.room(call.callId))!;
    await eventually(() => ![...room.peers.values()].some((p) => [...p.consumers.keys()].includes(room.peers.get(t.supervisor.id)!.producerOf('audio')!.id)), 5000, 'supervisor audio consumers gone');
    const supervisorAudioId = room.peers.get(t.supervisor.id)!.producerOf('audio')!.id;
    expect(room.peers.get(call.customerId)!.consumers.has(supervisorAudioId)).toBe(false);
    expect(room.peers.get(t.attendant.id)!.consumers.has(supervisorAudioId)).toBe(false);
    expect(room.peers.get(t.supervisor.id)!.consumers.size).toBe(4);
    for (const p of [customer, agent, supervisor]) expect(p.errors).toEqual([]);
  });
});
