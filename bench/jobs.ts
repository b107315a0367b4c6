import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { cpuMicros, json, startBenchServer } from './harness';

/**
 * `npm run bench`, part 6: the background work.
 * 1. Outbox → webhook delivery throughput: EVENTS events written straight into the outbox, timed
 *    until a local receiver has every delivery, against a lean sender in this process that signs
 *    and POSTs the same bodies to the same receiver with the same concurrency (no queue, no
 *    database): the ratio is what durability costs.
 * 2. The outbox on the request that writes it: server CPU per `complete` (and the background work
 *    it causes), with no webhook subscribed and with one, side by side.
 */
const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 2000);
const COMPLETES = Number(process.env.BENCH_COMPLETES ?? 300);
const CONCURRENCY = 16; // the deliveries one instance runs at once (2 workers × batches of 8)

async function receiver() {
  let count = 0;
  let waiter: { n: number; resolve: () => void } | undefined;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204).end();
      count++;
      if (waiter && count >= waiter.n) waiter.resolve();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    reset: () => void (count = 0),
    until: (n: number) => (count >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { n, resolve }))),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** The baseline: sign and POST each body, CONCURRENCY at a time, nothing stored. */
async function leanSender(url: string, bodies: string[], secret: Buffer) {
  let next = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(url);
  const one = (body: string, id: string) => new Promise<void>((resolve, reject) => {
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', secret).update(`${id}.${ts}.${body}`).digest('base64');
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: {
      'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}`,
    } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < bodies.length) {
      const i = next++;
      await one(bodies[i], `msg_${i}`);
    }
  }));
  agent.destroy();
}

async function main() {
  const r = await receiver();
  const server = await startBenchServer({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_INTERVAL_MS: '50', LOG_LEVEL: 'warn' });
  const db = new Client({ connectionString: server.databaseUrl });
  await db.connect();
  db.on('error', () => undefined);
  try {
    const headers = await server.tenant(`jobs${Date.now()}`);
    const hook = await json(`${server.url}/api/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: r.url, events: ['*'] }) });
    const dept = await json(`${server.url}/api/v1/departments`, { method: 'POST', headers, body: JSON.stringify({ name: 'Jobs' }) });
    const link = await json(`${server.url}/api/v1/links`, { method: 'POST', headers, body: JSON.stringify({ department_id: dept.data.id }) });
    const seed = await json(`${server.url}/api/v1/call/${link.data.token}/join`, { method: 'POST', body: JSON.stringify({ name: 'Seed' }) });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    r.reset();

    // 1. Throughput.
    const { rows: [{ tenant_id: tenantId }] } = await db.query('select tenant_id from calls where id = $1', [seed.data.call_id]);
    const payload = (await db.query('select payload from outbox_events order by inserted_at limit 1')).rows[0].payload;
    let t0 = performance.now();
    await db.query(
      `insert into outbox_events (id, tenant_id, type, subject_id, payload)
       select gen_random_uuid(), $1, 'call.queued', $2, $3::jsonb from generate_series(1, $4::int)`,
      [tenantId, seed.data.call_id, JSON.stringify(payload), EVENTS],
    );
    await r.until(EVENTS);
    const ours = EVENTS / ((performance.now() - t0) / 1000);
    const body = JSON.stringify({ type: 'call.queued', timestamp: new Date().toISOString(), data: payload });
    r.reset();
    t0 = performance.now();
    await leanSender(r.url, Array.from({ length: EVENTS }, () => body), Buffer.from(hook.data.secret.slice(6), 'base64'));
    const lean = EVENTS / ((performance.now() - t0) / 1000);
    console.log(`webhook deliveries (${EVENTS} events, ${CONCURRENCY} at a time, to a local receiver)`);
    console.log(`  outbox → pg-boss → signed POST: ${ours.toFixed(0)} /s   lean sender (sign + POST only): ${lean.toFixed(0)} /s   ratio ${(lean / ours).toFixed(2)}× slower`);

    // 2. CPU per complete, without and with a subscribed webhook.
    const me = await json(`${server.url}/api/v1/users/me`, { headers });
    const perComplete = async (subscribed: boolean) => {
      await json(`${server.url}/api/v1/webhooks/${hook.data.id}`, { method: 'PUT', headers, body: JSON.stringify({ active: subscribed }) });
      const ids: string[] = [];
      for (let i = 0; i < COMPLETES; i++) {
        ids.push((await json(`${server.url}/api/v1/call/${link.data.token}/join`, { method: 'POST', body: JSON.stringify({ name: `C${i}` }) })).data.call_id);
      }
      await db.query(`update calls set status = 'active', user_id = $1, assigned_at = now(), started_at = now() where id = any($2::uuid[])`, [me.data.id, ids]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      r.reset();
      const before = cpuMicros(server.child.pid!);
      for (const id of ids) await fetch(`${server.url}/api/v1/calls/${id}/complete`, { method: 'POST', headers, body: '{}' }).then((x) => x.arrayBuffer());
      if (subscribed) await r.until(COMPLETES);
      else await new Promise((resolve) => setTimeout(resolve, 300));
      return (cpuMicros(server.child.pid!) - before) / COMPLETES;
    };
    const without = await perComplete(false);
    const withHook = await perComplete(true);
    console.log(`complete (${COMPLETES} sequential, server CPU incl. the background work each causes)`);
    console.log(`  no webhook: ${without.toFixed(0)} µs   one webhook subscribed: ${withHook.toFixed(0)} µs   ratio ${(withHook / without).toFixed(2)}×`);
  } finally {
    await db.end();
    await server.stop();
    await r.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
