import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink } from '../helpers/calls';
import { eventually, join, push } from '../helpers/sockets';
import { mediaWorld } from '../helpers/media-calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;
const world = mediaWorld(() => srv.url);
const { pool, peer } = world;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'sfu');
  link = await createLink(api, t.supervisor, t.departmentId);
});
afterEach(() => world.afterEach());
afterAll(async () => {
  await world.afterAll();
  await srv?.stop();
});

/** A call taken and started by the attendant, with the customer's and the agent's call channels joined. */
const activeCall = () => world.activeCall(api, t, link, 'Carla Media');

/** Customer and agent both offering audio and video and sending RTP on them. */
async function talking(call: { customer: any; agent: any }) {
  const customer = peer(call.customer, ['audio', 'video']);
  const agent = peer(call.agent, ['audio', 'video']);
  expect(await customer.start()).toEqual({ status: 'ok', response: {} });
  expect(await agent.start()).toEqual({ status: 'ok', response: {} });
  customer.startMedia();
  agent.startMedia();
  return { customer, agent };
}

describe('the SFU behind the call channel', () => {
  it('health says media is ok', async () => {
    expect((await api.get('/health')).body).toEqual({ status: 'ok', media: 'ok' });
  });

  it('customer and agent each receive the other’s audio and video RTP through the SFU', async () => {
    const call = await activeCall();
    const { customer, agent } = await talking(call);
    await eventually(() => customer.connected && agent.connected, 10000, 'both connected');
    await eventually(() => agent.from(call.customerId, 'video') > 5 && agent.from(call.customerId, 'audio') > 5, 10000, 'agent receives the customer');
    await eventually(() => customer.from(t.attendant.id, 'video') > 5 && customer.from(t.attendant.id, 'audio') > 5, 10000, 'customer receives the agent');
    expect(customer.errors).toEqual([]);
    expect(agent.errors).toEqual([]);
  });
});

describe('codecs', () => {
  it('a client that offers H264 and no VP8 sends and receives H264', async () => {
    const call = await activeCall();
    const customer = peer(call.customer, ['audio', 'video'], 'H264');
    const agent = peer(call.agent, ['audio', 'video'], 'H264');
    expect(await customer.start()).toEqual({ status: 'ok', response: {} });
    expect(await agent.start()).toEqual({ status: 'ok', response: {} });
    customer.startMedia();
    agent.startMedia();
    await eventually(() => agent.from(call.customerId, 'video') > 5 && customer.from(t.attendant.id, 'video') > 5, 10000, 'H264 both ways');
    const room = (await srv.server.media.local!.room(call.callId))!;
    expect(room.peers.get(call.customerId)!.producerOf('video')!.rtpParameters.codecs[0].mimeType).toBe('video/H264');
    expect(customer.offersReceived[0]).toMatch(/a=rtpmap:\d+ H264\/90000/);
  });
});

describe('negotiation', () => {
  it('glare: the client’s offer crossing the SFU’s is refused; the client rolls back, answers, offers again', async () => {
    const call = await activeCall();
    const agent = peer(call.agent, ['audio', 'video']);
    expect(await agent.start()).toEqual({ status: 'ok', response: {} });
    await eventually(() => agent.connected, 10000, 'agent connected');
    agent.hold();
    const customer = peer(call.customer, ['audio', 'video']);
    expect(await customer.start()).toEqual({ status: 'ok', response: {} });
    customer.startMedia();
    // The SFU has offered the customer's tracks to the agent, who has not answered yet, and offers too.
    const room = (await srv.server.media.local!.room(call.callId))!;
    await eventually(() => room.peers.get(t.attendant.id)?.offering, 5000, 'the SFU offering to the agent');
    const crossing = await agent.offer();
    expect(crossing).toEqual({ status: 'error', response: expect.objectContaining({ code: 'CONFLICT' }) });
    await agent.release();
    expect(agent.offerReplies.at(-1)).toEqual({ status: 'ok', response: {} });
    await eventually(() => agent.from(call.customerId, 'video') > 5, 10000, 'agent receives the customer after the glare');
    expect(agent.errors).toEqual([]);
  });
});

describe('mute', () => {
  it('pauses the sender’s producer, tells the others, and resumes it', async () => {
    const call = await activeCall();
    const mutes: any[] = [];
    call.agent.on('mute', (p: any) => mutes.push(p));
    const { agent } = await talking(call);
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
    const { customer, agent } = await talking(call);
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

    expect((await api.request('DELETE', `/api/v1/calls/${call.callId}/supervision`, { auth: t.supervisor })).status).toBe(204);
    await eventually(() => !room.peers.has(t.supervisor.id), 5000, 'the supervisor’s connection gone');
    expect(room.supervisors.has(t.supervisor.id)).toBe(false);
    const afterStop = await supervisor.offer();
    expect(afterStop).toEqual({ status: 'error', response: expect.objectContaining({ code: 'FORBIDDEN' }) });
  });
});

const HANDMADE_PCMU = [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 0', 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux',
  'a=ice-ufrag:abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx', 'a=setup:actpass',
  'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
  'a=rtpmap:0 PCMU/8000', '',
].join('\r\n');

describe('bad signalling gets an error reply, and the call, the room and the worker stay up', () => {
  it('malformed SDP, no usable codec, a candidate for nothing, an answer to nothing, a supervisor not supervising', async () => {
    const call = await activeCall();
    const bad = (reply: any) => expect(reply).toEqual({ status: 'error', response: expect.objectContaining({ code: 'BAD_USER_INPUT', errors: { sdp: [expect.any(String)] } }) });
    bad(await push(call.customer, 'signal', { type: 'offer', sdp: 'hello' }));
    bad(await push(call.customer, 'signal', { type: 'offer', sdp: 'v=0\r\nm=audio 9 RTP/AVP 0\r\n' }));
    // Longer than a socket frame may be, so through GraphQL.
    const long = await api.graphql('mutation($id: ID!, $s: SignalInput!) { sendSignal(callId: $id, signal: $s) }',
      { id: call.callId, s: { type: 'offer', sdp: `v=0\r\n${'a=x\r\n'.repeat(20000)}` } }, t.attendant);
    expect(long.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(long.body.errors[0])).toMatch(/longer than 65536 bytes/);
    bad(await push(call.customer, 'signal', { type: 'offer', sdp: HANDMADE_PCMU.replace(/a=fingerprint:sha-256 \S+/, 'a=fingerprint:sha-256 not-hex') }));
    const pcmu = await push(call.customer, 'signal', { type: 'offer', sdp: HANDMADE_PCMU });
    expect(pcmu.response.errors.sdp[0]).toMatch(/no codec the SFU can use/);
    bad(await push(call.customer, 'signal', { type: 'answer', sdp: HANDMADE_PCMU }));
    const early = await push(call.customer, 'ice_candidate', { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 });
    expect(early).toEqual({ status: 'error', response: expect.objectContaining({ code: 'BAD_USER_INPUT', errors: { candidate: [expect.stringMatching(/send an offer first/)] } }) });

    const { customer, agent } = await talking(call);
    const unknownMid = await push(call.customer, 'ice_candidate', { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: 'nope', sdpMLineIndex: null });
    expect(unknownMid.response.errors.candidate[0]).toMatch(/never negotiated/);
    expect(await push(call.customer, 'ice_candidate', { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 })).toEqual({ status: 'ok', response: {} });

    const outsider = await api.graphql('mutation($id: ID!, $s: SignalInput!) { sendSignal(callId: $id, signal: $s) }',
      { id: call.callId, s: { type: 'offer', sdp: HANDMADE_PCMU } }, t.manager);
    expect(outsider.body.errors[0].extensions.code).toBe('FORBIDDEN');
    await eventually(() => agent.from(call.customerId, 'video') > 5, 10000, 'media still flows');
    expect(customer.errors).toEqual([]);
  });

  it('a thousand offers in a row are answered or refused one by one; the call and another call keep their media', async () => {
    const first = await activeCall();
    const second = await activeCall();
    const peers1 = [peer(first.customer, ['audio', 'video']), peer(first.agent, ['audio', 'video'])];
    const peers2 = [peer(second.customer, ['audio', 'video']), peer(second.agent, ['audio', 'video'])];
    for (const p of [...peers1, ...peers2]) {
      expect(await p.start()).toEqual({ status: 'ok', response: {} });
      p.startMedia();
    }
    await eventually(() => peers2[1].from(second.customerId, 'video') > 5 && peers1[1].from(first.customerId, 'video') > 5, 10000, 'both calls flowing');
    expect((await api.post(`/api/v1/calls/${first.callId}/monitor`, {}, t.supervisor)).status).toBe(200);
    const flooder = peer({ on: () => undefined }, ['audio', 'video']);
    for (const kind of ['audio', 'video'] as const) flooder.pc.addTransceiver(kind, { direction: 'sendrecv' });
    await flooder.pc.setLocalDescription(await flooder.pc.createOffer());
    const sdp = flooder.pc.localDescription!.sdp;
    const codes: Record<string, number> = {};
    for (let round = 0; round < 10; round++) {
      const replies = await Promise.all(Array.from({ length: 100 }, () => api.graphql('mutation($id: ID!, $s: SignalInput!) { sendSignal(callId: $id, signal: $s) }',
        { id: first.callId, s: { type: 'offer', sdp } }, t.supervisor)));
      for (const r of replies) {
        expect(r.status).toBeLessThan(500);
        const code = r.body.errors?.[0]?.extensions?.code ?? (r.body.data?.sendSignal === true ? 'ok' : 'other');
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }
    expect(Object.keys(codes).sort()).toEqual(expect.arrayContaining(['ok']));
    expect(Object.keys(codes).filter((c) => !['ok', 'CONFLICT', 'RATE_LIMITED'].includes(c))).toEqual([]);
    const before = [peers1[1].from(first.customerId, 'video'), peers2[1].from(second.customerId, 'video'), peers2[0].from(t.attendant.id, 'audio')];
    await eventually(() => peers1[1].from(first.customerId, 'video') > before[0] + 10 && peers2[1].from(second.customerId, 'video') > before[1] + 10
      && peers2[0].from(t.attendant.id, 'audio') > before[2] + 10, 10000, 'media keeps flowing in both calls');
    expect((await api.get('/health')).body).toEqual({ status: 'ok', media: 'ok' });
  });
});

describe('a worker that dies', () => {
  it('tells the call’s participants, is replaced, and a fresh offer gets media again', async () => {
    const call = await activeCall();
    const resets = { customer: [] as any[], agent: [] as any[] };
    call.customer.on('media_reset', (p: any) => resets.customer.push(p));
    call.agent.on('media_reset', (p: any) => resets.agent.push(p));
    const { customer, agent } = await talking(call);
    await eventually(() => agent.from(call.customerId, 'video') > 5, 10000, 'media flowing');
    const [before] = await srv.server.media.local!.workers.usage();
    process.kill(before.pid, 'SIGKILL');
    await eventually(() => resets.customer.length && resets.agent.length, 10000, 'media_reset to both');
    expect(resets.agent[0]).toEqual({ reason: expect.stringMatching(/offer again/) });
    await eventually(async () => (await srv.server.media.local!.workers.usage()).some((w) => w.pid !== before.pid), 10000, 'a new worker');
    expect((await api.get('/health')).body).toEqual({ status: 'ok', media: 'ok' });
    await customer.close();
    await agent.close();
    const customer2 = peer(call.customer, ['audio', 'video']);
    const agent2 = peer(call.agent, ['audio', 'video']);
    expect(await customer2.start()).toEqual({ status: 'ok', response: {} });
    expect(await agent2.start()).toEqual({ status: 'ok', response: {} });
    customer2.startMedia();
    agent2.startMedia();
    await eventually(() => agent2.from(call.customerId, 'video') > 5 && customer2.from(t.attendant.id, 'audio') > 5, 10000, 'media again');
  });
});

describe('reconnection', () => {
  it('a participant back with a new RTCPeerConnection replaces the old one and gets media again', async () => {
    const call = await activeCall();
    const { customer, agent } = await talking(call);
    await eventually(() => customer.from(t.attendant.id, 'audio') > 5, 10000, 'media flowing');
    await customer.close();
    const again = peer(call.customer, ['audio', 'video']);
    expect(await again.start()).toEqual({ status: 'ok', response: {} });
    again.startMedia();
    await eventually(() => again.from(t.attendant.id, 'audio') > 5 && again.from(t.attendant.id, 'video') > 5, 10000, 'the new connection receives the agent');
    const before = agent.from(call.customerId, 'video');
    await eventually(() => agent.from(call.customerId, 'video') > before + 5, 10000, 'the agent receives the new connection');
  });
});
