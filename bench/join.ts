import { json, percentile, startBenchServer } from './harness';

/**
 * `npm run bench`, part 2: POST join latency with 1,000 customers already queued in one
 * department, at a steady 50 joins/s (open loop: requests go out on schedule whether or not
 * earlier ones have answered, so a slow server cannot slow the load down).
 */
const QUEUED = Number(process.env.BENCH_QUEUED ?? 1000);
const RATE = 50;
const SECONDS = Number(process.env.BENCH_JOIN_SECONDS ?? 10);

async function main() {
  // Nobody polls in the benchmark: keep the abandon timer from emptying the queue meanwhile.
  const server = await startBenchServer({ ABANDON_TIMEOUT: '86400' });
  try {
    const headers = await server.tenant('joins');
    const dept = await json(`${server.url}/api/v1/departments`, { method: 'POST', headers, body: JSON.stringify({ name: 'Queue', queue_timeout: 86400 }) });
    const link = await json(`${server.url}/api/v1/links`, { method: 'POST', headers, body: JSON.stringify({ department_id: dept.data.id }) });
    const joinUrl = `${server.url}/api/v1/call/${link.data.token}/join`;
    const join = (i: number) => json(joinUrl, { method: 'POST', body: JSON.stringify({ name: `Customer ${i}`, email: `c${i}@bench.test` }) });

    for (let i = 0; i < QUEUED; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => join(i + k)));
    const check = await join(-1);
    if (check.data.position !== QUEUED + 1) throw new Error(`expected position ${QUEUED + 1}, got ${check.data.position}`);

    const latencies: number[] = [];
    const total = RATE * SECONDS;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      inFlight.push(join(QUEUED + i).then((r) => {
        if (!r.data?.call_id) throw new Error(`join failed: ${JSON.stringify(r)}`);
        latencies.push(performance.now() - t0);
      }));
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - started) / 1000;
    console.log(`\nPOST /api/v1/call/:token/join with ${QUEUED} customers already queued, ${RATE} joins/s for ${SECONDS}s, real PostgreSQL\n`);
    console.log(`joins: ${latencies.length} in ${elapsed.toFixed(1)}s (${(latencies.length / elapsed).toFixed(1)}/s)`);
    console.log(`latency p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   max ${Math.max(...latencies).toFixed(1)} ms   (target p99 < 20 ms)`);
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
