import { Api } from '../helpers/http';
import { restart, startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { sweepCallTimers } from '../../src/services/call-timers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds, failing after `ms`: the timers run on their own clock. */
async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

describe('timers of the state table, with short configured timeouts', () => {
  let srv: TestServer;
  let api: Api;
  let t: TestTenant;

  beforeAll(async () => {
    srv = await startTestServer({ ASSIGN_TIMEOUT: '1', ABANDON_TIMEOUT: '3', TIMER_INTERVAL_MS: '200' });
    api = new Api(srv.url);
    t = await createTenant(api, 'timers');
  });
  afterAll(() => srv?.stop());

  const status = (id: string) => api.get(`/api/v1/calls/${id}`, t.supervisor).then((r) => r.body.data);

  it('assigned but not started → back to its old place in the queue', async () => {
    const link = await createLink(api, t.supervisor, t.departmentId);
    const first = await joinQueue(api, link, { name: 'First' });
    const second = await joinQueue(api, link, { name: 'Second' });
    await api.post(`/api/v1/calls/${first.callId}/assign`, {}, t.attendant);
    expect((await api.get(`/api/v1/call/status/${second.callId}`)).body.data.position).toBe(1);
    const back = await eventually(() => status(first.callId), (c) => c.status === 'queued');
    expect(back.user_id).toBeNull();
    expect((await api.get(`/api/v1/call/status/${first.callId}`)).body.data.position).toBe(1);
    expect((await api.get(`/api/v1/call/status/${second.callId}`)).body.data.position).toBe(2);
    // Started in time, it stays active.
    await api.post(`/api/v1/calls/${first.callId}/assign`, {}, t.attendant);
    await api.post(`/api/v1/calls/${first.callId}/start`, undefined, t.attendant);
    // Past the assign deadline, a sweep (run here, so that it surely ran) leaves it alone.
    await sleep(1200);
    const settings = { assignTimeoutSeconds: 1, abandonTimeoutSeconds: 3, graceSeconds: 60 };
    const swept = await sweepCallTimers(srv.server.db.orm.em.fork() as never, settings);
    expect(swept.requeued.map((c) => c.id)).not.toContain(first.callId);
    expect((await status(first.callId)).status).toBe('active');
  });

  it('queued past the department’s queue_timeout → missed (end_reason timeout)', async () => {
    const dept = (await api.post('/api/v1/departments', { name: 'Quick', queue_timeout: 1 }, t.supervisor)).body.data.id;
    const link = await createLink(api, t.supervisor, dept);
    const { callId } = await joinQueue(api, link);
    const missed = await eventually(() => status(callId), (c) => c.status !== 'queued');
    expect(missed).toMatchObject({ status: 'missed', end_reason: 'timeout' });
    expect(missed.wait_time).toBeGreaterThanOrEqual(1);
  });

  it('a customer gone (no poll, no socket) past the abandon timeout → abandoned; polling keeps the call alive', async () => {
    const link = await createLink(api, t.supervisor, t.departmentId);
    const gone = await joinQueue(api, link, { name: 'Gone' });
    const polling = await joinQueue(api, link, { name: 'Polling' });
    const poller = setInterval(() => void api.get(`/api/v1/call/status/${polling.callId}`), 500);
    try {
      const abandoned = await eventually(() => status(gone.callId), (c) => c.status !== 'queued');
      expect(abandoned).toMatchObject({ status: 'abandoned', end_reason: 'abandoned' });
      expect((await status(polling.callId)).status).toBe('queued');
    } finally {
      clearInterval(poller);
    }
  });
});

describe('timers derive from stored timestamps', () => {
  it('fire exactly once, even when sweeps run concurrently, and after a restart', async () => {
    // Timers effectively off while the server runs: the test sweeps by hand.
    const srv = await startTestServer({ ASSIGN_TIMEOUT: '1', ABANDON_TIMEOUT: '3600', TIMER_INTERVAL_MS: '3600000' });
    const api = new Api(srv.url);
    const t = await createTenant(api, 'restart');
    const link = await createLink(api, t.supervisor, t.departmentId);
    const { callId } = await joinQueue(api, link);
    await api.post(`/api/v1/calls/${callId}/assign`, {}, t.attendant);
    await sleep(1200);
    const settings = { assignTimeoutSeconds: 1, abandonTimeoutSeconds: 3600, graceSeconds: 3600 };
    const orm = srv.server.db.orm;
    const results = await Promise.all([1, 2, 3].map(() => sweepCallTimers(orm.em.fork() as never, settings)));
    expect(results.flatMap((r) => r.requeued.map((x) => x.id))).toEqual([callId]);
    expect((await sweepCallTimers(orm.em.fork() as never, settings)).requeued).toEqual([]);

    // Assign again, stop the server before the timeout, start a new one later: the overdue
    // transition happens once, from the stored assigned_at.
    await api.post(`/api/v1/calls/${callId}/assign`, {}, t.attendant);
    await srv.server.close();
    await sleep(1200);
    const restarted = await restart(srv, { ASSIGN_TIMEOUT: '1', ABANDON_TIMEOUT: '3600', TIMER_INTERVAL_MS: '100' });
    try {
      const again = new Api(restarted.url);
      const call = await eventually(() => again.get(`/api/v1/calls/${callId}`, t.supervisor).then((r) => r.body.data), (c) => c.status === 'queued');
      expect(call.user_id).toBeNull();
    } finally {
      await restarted.close();
      // close() is idempotent, so stop() only drops the database here.
      await srv.stop();
    }
  });
});
