import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { json, median, percentile, startBenchServer } from './harness';

/**
 * `npm run bench`, part 5: the support desk's reads at scale.
 * 1. The manager dashboard over CALLS calls generated in SQL (30 days, every status), p50/p99
 *    of ROUNDS requests (target p50 < 1 s).
 * 2. The CSV export of about 100,000 of them (a date range), streamed: the server's RSS before,
 *    at its highest while streaming, and after (target: flat).
 */
const CALLS = Number(process.env.BENCH_DESK_CALLS ?? 1_000_000);
const ROUNDS = 11;

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** Streams the export of the last `days` days and samples the server's RSS meanwhile. */
async function exportRange(url: string, headers: Record<string, string>, pid: number, days: number) {
  const from = new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
  const before = rssKiB(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 20);
  const res = await fetch(`${url}/api/v1/calls/export?date_from=${encodeURIComponent(from)}`, { headers });
  let rows = -1;
  let bytes = 0;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    rows += (decoder.decode(chunk, { stream: true }).match(/\r\n/g) ?? []).length;
  }
  clearInterval(sampler);
  return { rows, bytes, before, peak, after: rssKiB(pid) };
}

async function main() {
  const server = await startBenchServer();
  try {
    const headers = await server.tenant(`desk${Date.now()}`);
    const dept = await json(`${server.url}/api/v1/departments`, { method: 'POST', headers, body: JSON.stringify({ name: 'Desk' }) });
    const link = await json(`${server.url}/api/v1/links`, { method: 'POST', headers, body: JSON.stringify({ department_id: dept.data.id }) });
    const joined = await json(`${server.url}/api/v1/call/${link.data.token}/join`, { method: 'POST', body: JSON.stringify({ name: 'Seed' }) });
    const me = await json(`${server.url}/api/v1/users/me`, { headers });
    const db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    db.on('error', () => undefined); // dropped with the bench database at the end
    const t0 = performance.now();
    // Calls over the last 30 days: two thirds completed (by the owner, rated), the rest spread over the other statuses.
    await db.query(
      `insert into calls (id, tenant_id, department_id, customer_id, user_id, status, wait_time, duration, rating, started_at, completed_at, inserted_at)
       select gen_random_uuid(), c.tenant_id, c.department_id, c.customer_id,
              case when g % 3 > 0 then $3::uuid end,
              (array['completed','completed','missed','cancelled','abandoned','active'])[1 + g % 6],
              g % 120, case when g % 6 < 2 then 60 + g % 600 end, case when g % 6 < 2 then 1 + g % 5 end,
              case when g % 6 in (0, 1, 5) then now() - make_interval(secs => g * 2592000.0 / $1) + make_interval(secs => g % 120) end,
              case when g % 6 < 2 then now() - make_interval(secs => g * 2592000.0 / $1) + make_interval(secs => 600) end,
              now() - make_interval(secs => g * 2592000.0 / $1)
         from calls c, generate_series(1, $1::int) g where c.id = $2`,
      [CALLS, joined.data.call_id, me.data.id],
    );
    await db.query('analyze calls');
    console.log(`\n== desk: ${CALLS.toLocaleString('en')} calls generated in SQL in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const times: number[] = [];
    let answer: any;
    for (let i = 0; i <= ROUNDS; i++) {
      const s = performance.now();
      answer = await json(`${server.url}/api/v1/analytics/dashboard`, { headers });
      if (i > 0) times.push(performance.now() - s); // the first warms the caches
    }
    if (!(answer.data?.totals.calls >= CALLS * 0.99)) throw new Error(`dashboard answered ${JSON.stringify(answer).slice(0, 300)}`);
    console.log(`dashboard over ${answer.data.totals.calls.toLocaleString('en')} calls: p50 ${median(times).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms (target p50 < 1000 ms)`);

    // About 10,000 and about 100,000 calls (the last 0.3 and 3 days of 30): flat memory means the same peak for both.
    for (const days of [0.3, 3]) {
      const e = await exportRange(server.url, headers, server.child.pid!, days);
      console.log(`export of ${e.rows.toLocaleString('en')} rows (${(e.bytes / 1e6).toFixed(1)} MB): server RSS ${(e.before / 1024).toFixed(0)} MiB before, ${(e.peak / 1024).toFixed(0)} MiB at most while streaming, ${(e.after / 1024).toFixed(0)} MiB after`);
    }
    await db.end();
  } finally {
    await server.stop();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
