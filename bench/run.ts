import autocannon from 'autocannon';
import { cpuMicros, json, median, startBenchServer } from './harness';

/**
 * `npm run bench`, part 1: one list route served three ways by the same process and service.
 * Prints requests/s at 50 connections and server CPU µs per request (read from /proc, so
 * the load generator's own CPU is not counted), then the ratios the issue asks for.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;

async function main() {
  const server = await startBenchServer();
  const { url, child } = server;
  try {
    const headers = await server.tenant('bench');
    for (let i = 0; i < 20; i++) await json(`${url}/api/v1/tags`, { method: 'POST', headers, body: JSON.stringify({ name: `tag-${i}` }) });

    const query = 'query($pageSize: Int) { tags(pageSize: $pageSize) { data { id name color insertedAt } meta { currentPage pageSize totalPages totalCount } } }';
    const variants = [
      { name: 'hand-written route', method: 'GET' as const, path: '/bench/tags?page_size=20' },
      { name: 'REST through sofa', method: 'GET' as const, path: '/api/v1/tags?page_size=20' },
      { name: 'GraphQL POST', method: 'POST' as const, path: '/graphql', body: JSON.stringify({ query, variables: { pageSize: 20 } }) },
    ];
    // The three must answer the same data, or the comparison means nothing.
    const answers = await Promise.all(variants.map(async (v) => {
      const res = await json(`${url}${v.path}`, { method: v.method, headers, body: v.body });
      return (res.data?.tags?.data ?? res.data).length;
    }));
    if (new Set(answers).size !== 1 || answers[0] !== 20) throw new Error(`variants disagree: ${answers}`);

    // Rounds alternate between the variants and each figure is the median of its rounds, so
    // that warm-up, GC and the load generator sharing the cores do not favour any one of them.
    const samples: Record<string, Array<{ rps: number; cpu: number; p99: number }>> = {};
    for (const v of variants) await autocannon({ url: `${url}${v.path}`, method: v.method, headers, body: v.body, connections: CONNECTIONS, duration: 2 });
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of variants) {
        const before = cpuMicros(child.pid!);
        const r = await autocannon({ url: `${url}${v.path}`, method: v.method, headers, body: v.body, connections: CONNECTIONS, duration: DURATION });
        const cpu = cpuMicros(child.pid!) - before;
        if (r.non2xx || r.errors) throw new Error(`${v.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        (samples[v.name] ??= []).push({ rps: r.requests.average, cpu: cpu / r.requests.total, p99: r.latency.p99 });
      }
    }
    const results = Object.fromEntries(Object.entries(samples).map(([name, s]) => [
      name, { rps: median(s.map((x) => x.rps)), cpu: median(s.map((x) => x.cpu)), p99: median(s.map((x) => x.p99)) },
    ]));

    console.log(`\nGET tags list (20 items), ${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${DURATION}s, one server process\n`);
    console.log('variant                 req/s     CPU µs/req   p99 ms');
    for (const [name, r] of Object.entries(results)) {
      console.log(`${name.padEnd(22)} ${r.rps.toFixed(0).padStart(7)}   ${r.cpu.toFixed(0).padStart(10)}   ${String(r.p99).padStart(6)}`);
    }
    const hand = results['hand-written route'];
    const rest = results['REST through sofa'];
    const gql = results['GraphQL POST'];
    console.log(`\nREST / hand-written  CPU per request: ${(rest.cpu / hand.cpu).toFixed(2)}x   (target <= 1.5x)`);
    console.log(`REST / GraphQL POST  CPU per request: ${(rest.cpu / gql.cpu).toFixed(2)}x   (target <= 1.0x)`);
    console.log(`hand-written / REST  requests/s:      ${(hand.rps / rest.rps).toFixed(2)}x`);
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
