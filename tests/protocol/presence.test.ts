import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { Presence, socketPool, collect, connectPhoenix, eventually, join, push } from '../helpers/sockets';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;
const pool = socketPool(() => srv.url);
const open = pool.open;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'presence');
  link = await createLink(api, t.supervisor, t.departmentId);
});
afterEach(() => pool.closeAll());
afterAll(() => srv?.stop());

/** A supervisor's view of the department through the official Presence class. */
async function watch() {
  const socket = await open(t.supervisor.token);
  const channel = socket.channel(`presence:${t.departmentId}`, { status: 'away' });
  const presence = new Presence(channel);
  const left: string[] = [];
  presence.onLeave((id: string, current: any) => {
    if (!current?.metas?.length) left.push(id);
  });
  expect((await join(channel)).status).toBe('ok');
  const list = () => presence.list((id: string, { metas }: any) => ({ id, metas }));
  await eventually(() => list().some((u: any) => u.id === t.supervisor.id), 5000, 'own presence');
  return { list, left, socket };
}

describe('presence:{department_id} with the phoenix Presence class', () => {
  it('shows several sockets of one user as one key with several metas, and their leaving', async () => {
    const view = await watch();
    const laptop = await open(t.attendant.token);
    const phone = await open(t.attendant.token);
    for (const s of [laptop, phone]) expect((await join(s.channel(`presence:${t.departmentId}`, {}))).status).toBe('ok');
    const agent = await eventually(() => view.list().find((u: any) => u.id === t.attendant.id && u.metas.length === 2), 5000, 'two metas');
    for (const meta of agent.metas) {
      expect(meta).toEqual({ phx_ref: expect.any(String), name: 'presence attendant', status: 'online', current_call_id: null, online_at: expect.any(Number) });
    }
    expect(view.list().find((u: any) => u.id === t.supervisor.id).metas[0].status).toBe('away');

    // The widget counts agents online (not away): the attendant, once.
    expect((await api.get(`/api/v1/call/${link}/validate`)).body.data.online_agents).toBe(1);

    phone.disconnect();
    await eventually(() => view.list().find((u: any) => u.id === t.attendant.id)?.metas.length === 1, 5000, 'one meta left');
    laptop.disconnect();
    await eventually(() => view.left.includes(t.attendant.id), 5000, 'onLeave');
    expect(view.list().find((u: any) => u.id === t.attendant.id)).toBeUndefined();
    expect((await api.get(`/api/v1/call/${link}/validate`)).body.data.online_agents).toBe(0);
  });

  it('changes status by push, and shows busy with the call while the agent is in one', async () => {
    const view = await watch();
    const agent = await open(t.attendant.token);
    const channel = agent.channel(`presence:${t.departmentId}`, {});
    expect((await join(channel)).status).toBe('ok');
    const statusOf = () => view.list().find((u: any) => u.id === t.attendant.id)?.metas[0];

    expect(await push(channel, 'update_status', { status: 'away' })).toEqual({ status: 'ok', response: {} });
    await eventually(() => statusOf()?.status === 'away', 5000, 'away');
    const bad = await push(channel, 'update_status', { status: 'sleeping' });
    expect(bad).toMatchObject({ status: 'error', response: { code: 'BAD_USER_INPUT' } });
    await push(channel, 'update_status', { status: 'online' });
    await eventually(() => statusOf()?.status === 'online', 5000, 'online');

    const { callId } = await joinQueue(api, link, { name: 'Busy Maker' });
    await api.post(`/api/v1/calls/${callId}/assign`, {}, t.attendant);
    await api.post(`/api/v1/calls/${callId}/start`, undefined, t.attendant);
    await eventually(() => statusOf()?.status === 'busy' && statusOf()?.current_call_id === callId, 5000, 'busy');
    await api.post(`/api/v1/calls/${callId}/complete`, {}, t.attendant);
    await eventually(() => statusOf()?.status === 'online' && statusOf()?.current_call_id === null, 5000, 'online again');
  });

  it('sends queue_update with the agents online when presence changes', async () => {
    const socket = await open(t.supervisor.token);
    const queue = socket.channel(`queue:${t.departmentId}`, {});
    const updates = collect(queue, 'queue_update');
    expect((await join(queue)).status).toBe('ok');
    const agent = await open(t.attendant.token);
    await join(agent.channel(`presence:${t.departmentId}`, {}));
    await eventually(() => updates.some((u) => u.online_agents === 1), 5000, 'online_agents 1');
  });
});

describe('losing access while connected', () => {
  it('a member removed from the department is disconnected; the client reconnects and its rejoin is refused', async () => {
    const socket = await connectPhoenix(srv.url, t.attendant.token, { reconnectAfterMs: () => 50, rejoinAfterMs: () => 50 });
    const closes: Array<{ code: number; reason: string }> = [];
    socket.onClose((e: { code: number; reason: string }) => closes.push({ code: e.code, reason: e.reason }));
    const queue = socket.channel(`queue:${t.departmentId}`, {});
    const refusals: any[] = [];
    expect((await join(queue)).status).toBe('ok');
    queue.joinPush.receive('error', (r: any) => refusals.push(r));
    expect((await api.request('DELETE', `/api/v1/departments/${t.departmentId}/members/${t.attendant.id}`, { auth: t.supervisor })).status).toBe(204);
    await eventually(() => closes.length, 5000, 'close');
    expect(closes[0]).toEqual({ code: 1008, reason: 'access changed' });
    await eventually(() => refusals.length, 5000, 'refused rejoin');
    expect(refusals[0]).toEqual({ reason: 'unauthorized' });
    socket.disconnect();
    await api.post(`/api/v1/departments/${t.departmentId}/members`, { user_id: t.attendant.id }, t.supervisor);
  });
});
