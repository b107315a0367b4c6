import { Webhook } from 'standardwebhooks';
import { Api } from '../helpers/http';
import { restart, startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { completeCall, createLink, joinQueue } from '../helpers/calls';
import { startReceiver, type Received } from '../helpers/receiver';
import { eventually } from '../helpers/sockets';

/** Retries one second apart and a short timeout, so a test sees a whole backoff. */
const ENV = {
  WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_SCHEDULE: '1,1,1', WEBHOOK_TIMEOUT_MS: '1500',
  OUTBOX_INTERVAL_MS: '100', JOB_MAINTENANCE_SECONDS: '1',
};

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  srv = await startTestServer(ENV);
  api = new Api(srv.url);
  t = await createTenant(api, 'hooks');
  link = await createLink(api, t.supervisor, t.departmentId);
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(() => srv?.stop());

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  closers.push(r.close);
  return r;
}

async function subscribe(url: string, events: string[] = ['*']) {
  const res = await api.post('/api/v1/webhooks', { webhook: { url, events, description: 'test' } }, t.manager);
  expect(res.status).toBe(201);
  // Only the receivers of this test hear anything: earlier webhooks are switched off (once the
  // restart test has run, the server they were made on is gone, and so are they).
  closers.push(async () => void (await api.put(`/api/v1/webhooks/${res.body.data.id}`, { webhook: { active: false } }, t.manager).catch(() => undefined)));
  return res.body.data as { id: string; secret: string };
}

const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, {
    'webhook-id': r.headers['webhook-id'], 'webhook-timestamp': r.headers['webhook-timestamp'], 'webhook-signature': r.headers['webhook-signature'],
  }) as { type: string; timestamp: string; data: any };

const deliveries = async (id: string) => (await api.get(`/api/v1/webhooks/${id}/deliveries?page_size=100`, t.manager)).body.data as any[];

describe('webhook endpoints (CONTRACT §10)', () => {
  it('create answers the secret once; read, list, update and delete follow the conventions', async () => {
    const created = await api.post('/api/v1/webhooks', { webhook: { url: 'http://127.0.0.1:9/x', events: ['call.completed', 'call.completed'] } }, t.manager);
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.any(String), url: 'http://127.0.0.1:9/x', events: ['call.completed'], description: null, active: true,
      inserted_at: expect.stringMatching(/Z$/), secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
    });
    const id = created.body.data.id;
    const read = await api.get(`/api/v1/webhooks/${id}`, t.manager);
    expect(read.body.data).not.toHaveProperty('secret');
    expect((await api.get('/api/v1/webhooks', t.manager)).body.data.map((w: any) => w.id)).toContain(id);
    const updated = await api.put(`/api/v1/webhooks/${id}`, { webhook: { events: ['*'], active: false } }, t.manager);
    expect(updated.body.data).toMatchObject({ events: ['*'], active: false });
    expect((await api.get(`/api/v1/webhooks/${id}`, t.supervisor)).status).toBe(403);
    const rival = await createTenant(api, 'hooks-rival');
    expect((await api.get(`/api/v1/webhooks/${id}`, rival.manager)).status).toBe(404);
    expect((await api.delete(`/api/v1/webhooks/${id}`, t.manager)).status).toBe(204);
    expect((await api.get(`/api/v1/webhooks/${id}`, t.manager)).status).toBe(404);
    const audit = (await api.get(`/api/v1/audit-log?action=webhook.*&target_id=${id}`, t.manager)).body.data.map((e: any) => e.action);
    expect(audit).toEqual(['webhook.deleted', 'webhook.updated', 'webhook.created']);
  });

  it.each([
    [{ url: 'ftp://example.com/x', events: ['*'] }, 'url'],
    [{ url: 'not a url', events: ['*'] }, 'url'],
    [{ url: 'http://127.0.0.1:9/x', events: [] }, 'events'],
    [{ url: 'http://127.0.0.1:9/x', events: ['call.exploded'] }, 'events'],
  ])('refuses %j with 422', async (webhook, field) => {
    const res = await api.post('/api/v1/webhooks', { webhook }, t.manager);
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toContain(field);
  });

  it('every call event and the evaluation reach the endpoint, signed so the standardwebhooks library verifies them', async () => {
    const r = await receiver();
    const hook = await subscribe(r.url);
    const joined = await joinQueue(api, link, { name: 'Webhook Customer', email: 'wh@example.com' });
    await completeCall(api, t.attendant, joined.callId, 'all good');
    expect((await api.post(`/api/v1/call/evaluate/${joined.callId}`, { rating: 5, comment: 'great' })).status).toBe(200);
    const cancelled = await joinQueue(api, link);
    await api.post(`/api/v1/call/cancel/${cancelled.callId}`, {});

    await eventually(() => r.received.length >= 7, 10000, 'seven deliveries');
    const events = r.received.map((x) => verify(hook.secret, x));
    expect(events.map((e) => e.type).sort()).toEqual(
      ['call.assigned', 'call.cancelled', 'call.completed', 'call.queued', 'call.queued', 'call.started', 'evaluation.created'],
    );
    for (const x of r.received) {
      expect(x.headers['content-type']).toBe('application/json');
      expect(x.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    }
    const completed = events.find((e) => e.type === 'call.completed')!;
    expect(completed.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const listItem = (await api.get(`/api/v1/calls?search=wh@example.com`, t.supervisor)).body.data[0];
    expect(completed.data).toEqual({ ...listItem, rating: null });
    expect(events.find((e) => e.type === 'call.queued' && e.data.id === joined.callId)!.data).toMatchObject({ status: 'queued', user_id: null, customer_name: 'Webhook Customer' });
    expect(events.find((e) => e.type === 'call.assigned')!.data).toMatchObject({ status: 'assigned', user_id: t.attendant.id });
    expect(events.find((e) => e.type === 'evaluation.created')!.data).toMatchObject({ call_id: joined.callId, rating: 5, comment: 'great' });
    const log = await deliveries(hook.id);
    expect(log).toHaveLength(7);
    for (const d of log) expect(d).toMatchObject({ status: 'delivered', attempts: 1, response_status: 200, next_attempt_at: null });
  });

  it('a webhook hears only the events it subscribed to', async () => {
    const r = await receiver();
    await subscribe(r.url, ['call.completed']);
    const joined = await joinQueue(api, link);
    await completeCall(api, t.attendant, joined.callId);
    await eventually(() => r.received.length === 1, 10000, 'one delivery');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(r.events().map((e) => e.type)).toEqual(['call.completed']);
  });

  it('a receiver that fails twice gets the same delivery (same webhook-id) a third time, then it is delivered', async () => {
    const r = await receiver((_, i) => (i < 2 ? 500 : 200));
    const hook = await subscribe(r.url, ['call.queued']);
    await joinQueue(api, link);
    await eventually(() => r.received.length === 3, 15000, 'three attempts');
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    for (const x of r.received) expect(verify(hook.secret, x).type).toBe('call.queued');
    const [d] = await eventually(async () => {
      const log = await deliveries(hook.id);
      return log[0]?.status === 'delivered' ? log : undefined;
    }, 5000, 'delivered');
    expect(d).toMatchObject({ event_type: 'call.queued', attempts: 3, response_status: 200, next_attempt_at: null });
    expect(d.id).toBe(r.received[0].headers['webhook-id']);
  });

  it('a receiver that hangs delays no request; after the last retry the delivery has failed, and a manual retry sends it again', async () => {
    let healthy = false;
    const r = await receiver(() => (healthy ? 204 : 'hang'));
    const hook = await subscribe(r.url, ['call.queued']);
    const joined = await api.post(`/api/v1/call/${link}/join`, { name: 'Slow Receiver' });
    expect(joined.status).toBe(200);
    await eventually(() => r.received.length === 1, 5000, 'the first attempt');
    // The receiver holds that attempt open; the API keeps answering at once meanwhile.
    expect((await api.get(`/api/v1/call/status/${joined.body.data.call_id}`)).status).toBe(200);
    const failed = await eventually(async () => (await deliveries(hook.id)).find((d) => d.status === 'failed'), 20000, 'failed for good');
    expect(failed).toMatchObject({ attempts: 4, response_status: null, next_attempt_at: null });

    healthy = true;
    const retry = await api.post(`/api/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`, {}, t.manager);
    expect(retry.status).toBe(202);
    expect(retry.body.data).toMatchObject({ id: failed.id, status: 'pending' });
    const done = await eventually(async () => (await deliveries(hook.id)).find((d) => d.id === failed.id && d.status === 'delivered'), 10000, 'retried');
    expect(done).toMatchObject({ attempts: 5, response_status: 204 });
    expect((await api.post(`/api/v1/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/retry`, {}, t.manager)).status).toBe(404);
  });

  it('a receiver that hangs holds back no other receiver’s record of the same event', async () => {
    const slow = await receiver(() => 'hang');
    const fast = await receiver(() => 204);
    await subscribe(slow.url, ['call.queued']);
    const quick = await subscribe(fast.url, ['call.queued']);
    expect((await api.post(`/api/v1/call/${link}/join`, { name: 'Two Receivers' })).status).toBe(200);
    await eventually(() => slow.received.length === 1 && fast.received.length === 1, 5000, 'both attempts');
    const recorded = await eventually(async () => (await deliveries(quick.id)).find((d) => d.status === 'delivered'), 5000, 'the fast record');
    expect(recorded).toMatchObject({ attempts: 1, response_status: 204 });
    // Recorded while the slow attempt is still open: its timeout has not closed it yet.
    expect([slow.received[0].answered, slow.received[0].abandoned]).toEqual([undefined, undefined]);
    await eventually(() => slow.received[0].abandoned, 5000, 'the slow attempt given up at its timeout');
  });

  it('after a rotation both secrets sign for a day; after a second, only the newest two', async () => {
    const r = await receiver();
    const hook = await subscribe(r.url, ['call.queued']);
    const first = (await api.post(`/api/v1/webhooks/${hook.id}/rotate-secret`, {}, t.manager)).body.data.secret;
    expect(first).toMatch(/^whsec_/);
    await joinQueue(api, link);
    await eventually(() => r.received.length === 1, 10000, 'a delivery');
    expect(r.received[0].headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(hook.secret, r.received[0]).type).toBe('call.queued');
    expect(verify(first, r.received[0]).type).toBe('call.queued');

    const second = (await api.post(`/api/v1/webhooks/${hook.id}/rotate-secret`, {}, t.manager)).body.data.secret;
    await joinQueue(api, link);
    await eventually(() => r.received.length === 2, 10000, 'another delivery');
    expect(verify(second, r.received[1]).type).toBe('call.queued');
    expect(verify(first, r.received[1]).type).toBe('call.queued');
    expect(() => verify(hook.secret, r.received[1])).toThrow();
    expect((await api.get(`/api/v1/audit-log?action=webhook.secret_rotated&target_id=${hook.id}`, t.manager)).body.data).toHaveLength(2);
  });

  it('a restart between attempts loses nothing and sends nothing twice after a 2xx', async () => {
    const r = await receiver((_, i) => (i === 0 ? 503 : 200));
    const hook = await subscribe(r.url, ['call.queued']);
    await joinQueue(api, link);
    await eventually(() => r.received.length === 1, 10000, 'the failed attempt');
    const next = await restart(srv, ENV);
    try {
      await eventually(() => r.received.length === 2, 15000, 'the attempt after the restart');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(r.received.map((x) => x.answered)).toEqual([503, 200]);
      expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
      const log = (await new Api(next.url).get(`/api/v1/webhooks/${hook.id}/deliveries`, t.manager)).body.data;
      expect(log[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    } finally {
      await next.close();
    }
  });
});
