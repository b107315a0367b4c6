import { Client } from 'pg';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { joinQueue } from '../helpers/calls';
import { collect, connectPhoenix, eventually, join, push, quiet } from '../helpers/sockets';
import { addAgent, assignedTo, goOnline, routedDepartment, statusOf, type Agent } from '../helpers/routing';
import { startOfDay } from '../../src/services/business-hours';

const ASSIGN_TIMEOUT = 3;
let srv: TestServer;
let api: Api;
let t: TestTenant;
const sockets: any[] = [];

beforeAll(async () => {
  srv = await startTestServer({ ASSIGN_TIMEOUT: String(ASSIGN_TIMEOUT), TIMER_INTERVAL_MS: '200' });
  api = new Api(srv.url);
  t = await createTenant(api, 'routing');
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => srv?.stop());

async function agents(departmentId: string, n: number, status = 'online'): Promise<Agent[]> {
  const out: Agent[] = [];
  for (let i = 0; i < n; i++) {
    const a = await goOnline(await addAgent(api, t, departmentId), srv.url, departmentId, status);
    sockets.push(a.socket);
    out.push(a);
  }
  return out;
}

async function finish(agent: Agent, callId: string) {
  expect((await api.post(`/api/v1/calls/${callId}/start`, undefined, agent.auth)).status).toBe(200);
  expect((await api.post(`/api/v1/calls/${callId}/complete`, {}, agent.auth)).status).toBe(200);
}

describe('automatic routing (CONTRACT §9) over real phoenix sockets', () => {
  it('manual departments are left to the agents', async () => {
    const d = await routedDepartment(api, t, {});
    await agents(d.id, 1);
    const call = await joinQueue(api, d.link);
    await quiet(800);
    expect((await statusOf(api, t, call.callId)).status).toBe('queued');
  });

  it('round_robin offers each call to the agent offered one longest ago, with the manual assign’s events', async () => {
    const d = await routedDepartment(api, t, { routing: 'round_robin' });
    const team = await agents(d.id, 3);
    const watcher = await connectPhoenix(srv.url, t.supervisor.token);
    sockets.push(watcher);
    const queue = watcher.channel(`queue:${d.id}`, {});
    const assignedEvents = collect(queue, 'call_assigned');
    const left = collect(queue, 'customer_left');
    expect((await join(queue)).status).toBe('ok');

    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const joined = await joinQueue(api, d.link, { name: `Cliente ${i}` });
      const userId = await assignedTo(api, t, joined.callId);
      order.push(userId);
      const agent = team.find((a) => a.id === userId)!;
      await eventually(() => agent.notifications.some((n) => n.data.call_id === joined.callId), 5000, 'the agent notified');
      await eventually(() => assignedEvents.some((e) => e.call_id === joined.callId), 5000, 'call_assigned on the queue');
      expect(assignedEvents.find((e) => e.call_id === joined.callId)).toEqual({ call_id: joined.callId, user_id: userId, user_name: agent.name });
      expect((await api.get(`/api/v1/call/status/${joined.callId}`)).body.data.status).toBe('assigned');
      await finish(agent, joined.callId);
    }
    // Three different agents, then the first again.
    expect(new Set(order.slice(0, 3)).size).toBe(3);
    expect(order[3]).toBe(order[0]);
    expect(assignedEvents).toHaveLength(4);
    expect(left.filter((e) => e.reason === 'assigned')).toHaveLength(4);
    // Each offer notified its agent once.
    for (const a of team) expect(a.notifications.length).toBe(order.filter((id) => id === a.id).length);
  });

  it('least_busy offers the call to the agent with the fewest calls today', async () => {
    const d = await routedDepartment(api, t, {});
    const [busy, middling, fresh] = await agents(d.id, 3);
    for (const [agent, count] of [[busy, 2], [middling, 1]] as const) {
      for (let i = 0; i < count; i++) {
        const c = await joinQueue(api, d.link);
        expect((await api.post(`/api/v1/calls/${c.callId}/assign`, {}, agent.auth)).status).toBe(200);
        await finish(agent, c.callId);
      }
    }
    expect((await api.put(`/api/v1/departments/${d.id}`, { department: { routing: 'least_busy' } }, t.supervisor)).body.data.routing).toBe('least_busy');
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await joinQueue(api, d.link);
      got.push(await assignedTo(api, t, c.callId));
      await finish([busy, middling, fresh].find((a) => a.id === got[i])!, c.callId);
    }
    // fresh (0), then middling (1, never offered by routing, before fresh now at 1), then fresh (1 < 2).
    expect(got).toEqual([fresh.id, middling.id, fresh.id]);
  });

  it('least_busy counts today in the department’s time zone when its business hours name one', async () => {
    // Kiritimati is UTC+14 all year: its day never starts at UTC midnight.
    const zone = 'Pacific/Kiritimati';
    const allDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]]));
    const d = await routedDepartment(api, t, { business_hours: { timezone: zone, weekly: allDay } });
    const [earlier, now] = await agents(d.id, 2);
    const calls = async (agent: Agent, n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const c = await joinQueue(api, d.link);
        expect((await api.post(`/api/v1/calls/${c.callId}/assign`, {}, agent.auth)).status).toBe(200);
        await finish(agent, c.callId);
        ids.push(c.callId);
      }
      return ids;
    };
    const earlierCalls = await calls(earlier, 2);
    await calls(now, 1);
    // `earlier`'s two calls are moved to a minute that is today in one of UTC and the zone and
    // yesterday in the other; `now` has one call today in both.
    const utcDay = startOfDay(new Date(), 'UTC').getTime();
    const localDay = startOfDay(new Date(), zone).getTime();
    const at = new Date((localDay > utcDay ? localDay : utcDay) - 60_000);
    const psql = new Client({ connectionString: srv.server.db.url });
    await psql.connect();
    try {
      const { rowCount } = await psql.query('update calls set assigned_at = $1, started_at = $1, completed_at = $1 where id = any($2::uuid[])', [at, earlierCalls]);
      expect(rowCount).toBe(2);
    } finally {
      await psql.end();
    }
    expect((await api.put(`/api/v1/departments/${d.id}`, { department: { routing: 'least_busy' } }, t.supervisor)).status).toBe(200);
    const c = await joinQueue(api, d.link);
    // In the zone's day, `earlier` has 0 calls (moved to its yesterday) or 2 (moved to its today
    // while UTC's is yesterday); `now` has 1.
    expect(await assignedTo(api, t, c.callId)).toBe(localDay > utcDay ? earlier.id : now.id);
  });

  it('never gives an agent more than max_calls_per_agent; the next waiting customer is told position 1, then assigned when a call ends', async () => {
    const d = await routedDepartment(api, t, { routing: 'round_robin', max_calls_per_agent: 2 });
    const [agent] = await agents(d.id, 1);
    const first = await joinQueue(api, d.link);
    const second = await joinQueue(api, d.link);
    for (const c of [first, second]) {
      expect(await assignedTo(api, t, c.callId)).toBe(agent.id);
      expect((await api.post(`/api/v1/calls/${c.callId}/start`, undefined, agent.auth)).status).toBe(200);
    }
    const third = await joinQueue(api, d.link);
    const customer = await connectPhoenix(srv.url, third.websocketToken);
    sockets.push(customer);
    const channel = customer.channel(`call:${third.callId}`, {});
    const assigned = collect(channel, 'call_assigned');
    expect((await join(channel)).status).toBe('ok');
    await quiet(800);
    expect((await api.get(`/api/v1/call/status/${third.callId}`)).body.data).toMatchObject({ status: 'queued', position: 1 });
    expect(assigned).toHaveLength(0);

    expect((await api.post(`/api/v1/calls/${first.callId}/complete`, {}, agent.auth)).status).toBe(200);
    expect(await assignedTo(api, t, third.callId)).toBe(agent.id);
    await eventually(() => assigned.length === 1, 5000, 'the customer hears the assignment');
  });

  it('an offer not started within ASSIGN_TIMEOUT goes back and to the next agent', async () => {
    const d = await routedDepartment(api, t, { routing: 'round_robin' });
    const team = await agents(d.id, 2);
    const watcher = await connectPhoenix(srv.url, t.supervisor.token);
    sockets.push(watcher);
    const queue = watcher.channel(`queue:${d.id}`, {});
    const rejoined = collect(queue, 'customer_joined');
    expect((await join(queue)).status).toBe('ok');
    const c = await joinQueue(api, d.link);
    const firstAgent = await assignedTo(api, t, c.callId);
    const nextAgent = await eventually(async () => {
      const now = await statusOf(api, t, c.callId);
      return now.status === 'assigned' && now.user_id !== firstAgent ? now.user_id : undefined;
    }, (ASSIGN_TIMEOUT + 4) * 1000, 'offered to the other agent');
    expect(team.map((a) => a.id).sort()).toEqual([firstAgent, nextAgent].sort());
    // Back in the queue in between: the queue heard it rejoin.
    expect(rejoined.filter((e) => e.call_id === c.callId).length).toBe(2);
  });

  it('agents away or outside the department get nothing; an agent who goes away has the offer put back at once', async () => {
    const d = await routedDepartment(api, t, { routing: 'round_robin' });
    const [away] = await agents(d.id, 1, 'away');
    const c = await joinQueue(api, d.link);
    await quiet(600);
    expect((await statusOf(api, t, c.callId)).status).toBe('queued');
    // A supervisor online there is not a member: not offered either.
    const sup = await connectPhoenix(srv.url, t.supervisor.token);
    sockets.push(sup);
    expect((await join(sup.channel(`presence:${d.id}`, {}))).status).toBe('ok');
    await quiet(600);
    expect((await statusOf(api, t, c.callId)).status).toBe('queued');

    expect((await push(away.presence, 'update_status', { status: 'online' })).status).toBe('ok');
    expect(await assignedTo(api, t, c.callId)).toBe(away.id);
    const pushed = Date.now();
    expect((await push(away.presence, 'update_status', { status: 'away' })).status).toBe('ok');
    await eventually(async () => (await statusOf(api, t, c.callId)).status === 'queued', 5000, 'put back');
    // Well before the assign timeout would have done it.
    expect(Date.now() - pushed).toBeLessThan(ASSIGN_TIMEOUT * 1000);
    expect((await api.get(`/api/v1/call/status/${c.callId}`)).body.data.position).toBe(1);

    // Online again, then the socket drops: put back too.
    expect((await push(away.presence, 'update_status', { status: 'online' })).status).toBe('ok');
    expect(await assignedTo(api, t, c.callId)).toBe(away.id);
    away.socket.disconnect();
    await eventually(async () => (await statusOf(api, t, c.callId)).status === 'queued', 5000, 'put back on disconnect');
  });

  it('an offer committed just after the agent left (a pass that read them as present) is put back too', async () => {
    const d = await routedDepartment(api, t, { routing: 'round_robin' });
    const [agent] = await agents(d.id, 1);
    const psql = new Client({ connectionString: srv.server.db.url });
    await psql.connect();
    try {
      // The routing lock held here stands for another instance's pass, under way.
      await psql.query('begin');
      await psql.query('select pg_advisory_xact_lock(7301, hashtext(tenant_id::text)) from users where id = $1', [agent.id]);
      const c = await joinQueue(api, d.link);
      // That pass read the agent as present and offers them the call (the timeout far away, so
      // that only the put-back can requeue it)...
      const { rowCount } = await psql.query(
        `update calls set status = 'assigned', user_id = $1, routed = true, assigned_at = now() + interval '1 hour' where id = $2 and status = 'queued'`,
        [agent.id, c.callId]);
      expect(rowCount).toBe(1);
      // ...while the agent's socket closes: their put-back runs before the offer commits.
      agent.socket.disconnect();
      await quiet(500);
      await psql.query('commit');
      await eventually(async () => (await statusOf(api, t, c.callId)).status === 'queued', 5000, 'the late offer put back');
      expect((await statusOf(api, t, c.callId)).user_id).toBeNull();
    } finally {
      await psql.query('rollback').catch(() => undefined);
      await psql.end();
    }
  });
});
