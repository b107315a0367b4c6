import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { Api } from '../helpers/http';
import { createTestDatabase } from '../helpers/database';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { joinQueue } from '../helpers/calls';
import { collect, connectPhoenix, eventually, join, quiet } from '../helpers/sockets';
import { addAgent, goOnline, routedDepartment, type Agent } from '../helpers/routing';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const servers: ServerProcess[] = [];
const dirs: string[] = [];
const sockets: any[] = [];
let t: TestTenant;

async function instance() {
  const dir = mkdtempSync(pathJoin(tmpdir(), 'voki-routing-'));
  dirs.push(dir);
  const s = await spawnServer({
    DATABASE_URL: db.url, REDIS_URL, JWT_SECRET: 'routing-instances-secret-long-enough-0123456789', DATA_DIR: dir,
    LOG_LEVEL: 'info', TIMER_INTERVAL_MS: '200', RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', ASSIGN_TIMEOUT: '600',
  });
  servers.push(s);
  return s;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await Promise.all([instance(), instance()]);
  t = await createTenant(new Api(servers[0].url), 'routing-multi');
}, 120000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all(servers.map((s) => s.stop()));
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('automatic routing across two instances sharing PostgreSQL and Redis', () => {
  it('assigns each call exactly once and never past an agent’s capacity, whichever instance the customer and agents use', async () => {
    const [one, two] = servers.map((s) => new Api(s.url));
    const d = await routedDepartment(one, t, { routing: 'round_robin', max_calls_per_agent: 1 });
    const team: Agent[] = [];
    for (const [i, api] of [one, one, two].entries()) {
      const agent = await goOnline(await addAgent(api, t, d.id), servers[i === 2 ? 1 : 0].url, d.id);
      sockets.push(agent.socket);
      team.push(agent);
    }
    // A watcher on each instance counts call_assigned: every instance relays each event once.
    const watched = await Promise.all(servers.map(async (s) => {
      const w = await connectPhoenix(s.url, t.supervisor.token);
      sockets.push(w);
      const q = w.channel(`queue:${d.id}`, {});
      const seen = collect(q, 'call_assigned');
      expect((await join(q)).status).toBe('ok');
      return seen;
    }));

    // Six customers at once, half through each instance: three agents, three offers.
    const calls = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => joinQueue(i % 2 ? two : one, d.link, { name: `Cliente ${i}` })));
    const read = async () => {
      const res = await one.get(`/api/v1/calls?department_id=${d.id}&page_size=50`, t.supervisor);
      return res.body.data as Array<{ id: string; status: string; user_id: string | null }>;
    };
    await eventually(async () => (await read()).filter((c) => c.status === 'assigned').length === 3, 10000, 'three offers');
    await quiet(1000);
    const rows = await read();
    const assigned = rows.filter((c) => c.status === 'assigned');
    expect(assigned).toHaveLength(3);
    expect(new Set(assigned.map((c) => c.user_id))).toEqual(new Set(team.map((a) => a.id)));
    expect(rows.filter((c) => c.status === 'queued')).toHaveLength(3);
    for (const a of team) expect(a.notifications).toHaveLength(1);
    for (const seen of watched) {
      expect(seen).toHaveLength(3);
      expect(new Set(seen.map((e) => e.call_id)).size).toBe(3);
    }
    // The waiting customers' positions still tell the truth: 1, 2, 3 in order of joining. The
    // list oldest first orders as the queue does, by (inserted_at, id): concurrent joins can share
    // an inserted_at, so the newest-first list reversed would break their tie the other way.
    expect(calls).toHaveLength(6);
    const oldestFirst = (await one.get(`/api/v1/calls?department_id=${d.id}&page_size=50&sort_order=asc`, t.supervisor)).body.data as typeof rows;
    const waiting = oldestFirst.filter((c) => c.status === 'queued');
    expect(waiting.map((c) => c.id).sort()).toEqual(rows.filter((c) => c.status === 'queued').map((c) => c.id).sort());
    const positions = await Promise.all(waiting.map(async (c) => (await two.get(`/api/v1/call/status/${c.id}`)).body.data.position));
    expect(positions).toEqual([1, 2, 3]);

    // The agent on instance two finishes; exactly one more offer, to them.
    const mine = assigned.find((c) => c.user_id === team[2].id)!;
    expect((await two.post(`/api/v1/calls/${mine.id}/start`, undefined, team[2].auth)).status).toBe(200);
    expect((await two.post(`/api/v1/calls/${mine.id}/complete`, {}, team[2].auth)).status).toBe(200);
    await eventually(() => team[2].notifications.length === 2, 10000, 'the next offer');
    await quiet(1000);
    const after = await read();
    expect(after.filter((c) => c.status === 'assigned')).toHaveLength(3);
    expect(after.filter((c) => c.status === 'queued')).toHaveLength(2);
    expect(team.map((a) => a.notifications.length)).toEqual([1, 1, 2]);
    // The oldest of the waiting customers was the one offered.
    expect(after.find((c) => c.id === waiting[0].id)?.user_id).toBe(team[2].id);
  });
});
