import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { connectPhoenix, eventually, join, rawSocket, upgradeStatus, wsBase } from '../helpers/sockets';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let url: (vsn?: string) => string;

beforeAll(async () => {
  srv = await startTestServer({
    WS_HEARTBEAT_TIMEOUT_MS: '1500', WS_MAX_FRAME: '4kb', WS_RATE: '20', WS_ALLOWED_ORIGINS: 'https://app.example.com',
  });
  api = new Api(srv.url);
  t = await createTenant(api, 'frames');
  url = (vsn = '2.0.0') => `${wsBase(srv.url)}/socket/websocket?vsn=${vsn}&token=${t.attendant.token}`;
});
afterAll(() => srv?.stop());

const reply = (frames: any[], ref: string) => frames.find((f) => Array.isArray(f) ? f[1] === ref && f[3] === 'phx_reply' : f.ref === ref && f.event === 'phx_reply');

describe('Phoenix wire protocol, raw frames', () => {
  it('accepts the socket URL as seeds 001 and 003 print it (the client appends /websocket to it)', async () => {
    const socket = await connectPhoenix(srv.url, t.attendant.token, {}, '/socket/websocket');
    try {
      expect(socket.endPointURL()).toMatch(/\/socket\/websocket\/websocket\?/);
      expect((await join(socket.channel(`notification:${t.attendant.id}`, {}))).status).toBe('ok');
    } finally {
      socket.disconnect();
    }
  });

  it('answers heartbeats, joins and leaves in V2 array frames', async () => {
    const { ws, frames } = await rawSocket(url());
    ws.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
    await eventually(() => reply(frames, '1'));
    expect(reply(frames, '1')).toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);

    ws.send(JSON.stringify(['2', '2', `queue:${t.departmentId}`, 'phx_join', {}]));
    await eventually(() => reply(frames, '2'));
    expect(reply(frames, '2')).toEqual(['2', '2', `queue:${t.departmentId}`, 'phx_reply', { status: 'ok', response: {} }]);
    // The initial snapshot carries the join ref, as a push from the channel does.
    await eventually(() => frames.find((f) => f[3] === 'queue_update'));
    expect(frames.find((f) => f[3] === 'queue_update').slice(0, 3)).toEqual(['2', null, `queue:${t.departmentId}`]);

    ws.send(JSON.stringify(['2', '3', `queue:${t.departmentId}`, 'phx_leave', {}]));
    await eventually(() => frames.find((f) => f[3] === 'phx_close'));
    expect(reply(frames, '3')).toEqual(['2', '3', `queue:${t.departmentId}`, 'phx_reply', { status: 'ok', response: {} }]);
    ws.close();
  });

  it('speaks V1 object frames when the client asks for vsn 1.0.0', async () => {
    const { ws, frames } = await rawSocket(url('1.0.0'));
    ws.send(JSON.stringify({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '7' }));
    await eventually(() => frames.length);
    expect(frames[0]).toEqual({ join_ref: null, ref: '7', topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} } });
    ws.close();
  });

  it('closes the first channel with phx_close when a topic is joined twice', async () => {
    const { ws, frames } = await rawSocket(url());
    const topic = `notification:${t.attendant.id}`;
    ws.send(JSON.stringify(['1', '1', topic, 'phx_join', {}]));
    await eventually(() => reply(frames, '1'));
    ws.send(JSON.stringify(['2', '2', topic, 'phx_join', {}]));
    await eventually(() => reply(frames, '2'));
    expect(frames.find((f) => f[3] === 'phx_close')).toEqual(['1', '1', topic, 'phx_close', {}]);
    expect(reply(frames, '2')[4]).toEqual({ status: 'ok', response: {} });
    ws.close();
  });

  it('answers pushes before join and unknown topics with "unmatched topic"', async () => {
    const { ws, frames } = await rawSocket(url());
    ws.send(JSON.stringify([null, '1', `presence:${t.departmentId}`, 'update_status', { status: 'away' }]));
    ws.send(JSON.stringify(['2', '2', 'rooms:lobby', 'phx_join', {}]));
    await eventually(() => reply(frames, '1') && reply(frames, '2'));
    expect(reply(frames, '1')[4]).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
    expect(reply(frames, '2')[4]).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
    ws.close();
  });

  it('answers a frame of the wrong shape that names its push, and closes on one that does not', async () => {
    const shape = await rawSocket(url());
    shape.ws.send(JSON.stringify([null, '5', 'phoenix', 'heartbeat', 'not-an-object']));
    await eventually(() => reply(shape.frames, '5'));
    expect(reply(shape.frames, '5')[4]).toEqual({ status: 'error', response: { reason: 'payload must be an object' } });
    shape.ws.close();

    const garbage = await rawSocket(url());
    garbage.ws.send('no json here');
    expect((await garbage.closed).code).toBe(1007);
    expect(garbage.frames).toEqual([]);

    const arity = await rawSocket(url());
    arity.ws.send(JSON.stringify([null, '1', 'phoenix']));
    expect((await arity.closed).code).toBe(1007);

    const v1InV2 = await rawSocket(url());
    v1InV2.ws.send(JSON.stringify({ topic: 'phoenix', event: 'heartbeat', ref: '9' }));
    expect((await v1InV2.closed).code).toBe(1007);
  });

  it('closes a socket that sends an oversized frame or floods, and stays up for everyone else', async () => {
    const bystander = await rawSocket(url());
    const big = await rawSocket(url());
    big.ws.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', { pad: 'x'.repeat(8000) }]));
    expect((await big.closed).code).toBe(1009);

    const flood = await rawSocket(url());
    for (let i = 0; i < 200; i++) flood.ws.send(JSON.stringify([null, String(i), 'phoenix', 'heartbeat', {}]));
    expect((await flood.closed).code).toBe(1008);
    expect(flood.frames.length).toBeLessThan(200);

    bystander.ws.send(JSON.stringify([null, 'still', 'phoenix', 'heartbeat', {}]));
    await eventually(() => reply(bystander.frames, 'still'));
    bystander.ws.close();
  });

  it('closes a socket that stays silent past the heartbeat timeout, and not one that keeps beating', async () => {
    const beating = await rawSocket(url());
    let ref = 0;
    const beat = setInterval(() => beating.ws.send(JSON.stringify([null, `hb${++ref}`, 'phoenix', 'heartbeat', {}])), 200);
    try {
      const silent = await rawSocket(url());
      expect((await silent.closed).code).toBe(1001);
      // Opened before the silent one, so it has been connected longer: only silence closes.
      expect(beating.ws.readyState).toBe(beating.ws.OPEN);
      expect(reply(beating.frames, `hb${ref - 1}`)).toBeTruthy();
    } finally {
      clearInterval(beat);
      beating.ws.close();
    }
  });

  it('refuses browsers from origins not allowed, and unknown socket paths', async () => {
    expect(await upgradeStatus(url(), { origin: 'https://evil.example.com' })).toBe(403);
    expect(await upgradeStatus(url(), { origin: 'https://app.example.com' })).toBe(101);
    expect(await upgradeStatus(`${wsBase(srv.url)}/socket/other`)).toBe(404);
    expect(await upgradeStatus(`${url()}`.replace('vsn=2.0.0', 'vsn=9.0.0'))).toBe(400);
  });
});
