import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { snakeKeys } from '../src/rest-compat/case';
import { cpuMicros, json, median, startBenchServer, startProcess } from './harness';

/**
 * `npm run bench`, part 1: server CPU per request, Voki against a lean peer (bench/peer.ts:
 * node:http + pg + jose doing the same checks and the same queries by hand), both in this run,
 * on the same database. CPU is read from /proc for the serving process only, so neither the
 * load generator nor PostgreSQL is counted. Prints the ratios issue 8 sets targets for.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 20;

const DEPARTMENTS = 'query($pageSize: Int) { departments(pageSize: $pageSize) { data { id name description queueTimeout isActive routing maxCallsPerAgent businessHours { timezone weekly { mon tue wed thu fri sat sun } closedDates } insertedAt } meta { currentPage pageSize totalPages totalCount } } }';
const CALLS = `query($pageSize: Int) { calls(pageSize: $pageSize) { data { id status departmentId departmentName userId userName customerName customerEmail customerPhone
  duration waitTime rating notes hasRecording startedAt completedAt insertedAt } meta { currentPage pageSize totalPages totalCount } } }`;

interface Variant { name: string; process: 'voki' | 'peer'; method: 'GET' | 'POST'; path: string; body?: string; auth: boolean }

async function main() {
  const secret = randomBytes(48).toString('base64url');
  // Nobody polls in the benchmark: keep the abandon timer from emptying the queue meanwhile.
  const server = await startBenchServer({ JWT_SECRET: secret, ABANDON_TIMEOUT: '86400', LOG_LEVEL: 'info' });
  const peer = await startProcess('peer.js', { DATABASE_URL: server.databaseUrl, JWT_SECRET: secret });
  try {
    const headers = await server.tenant('bench');
    const api = (path: string, method = 'GET', body?: unknown) => json(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const depts = [];
    for (let i = 0; i < 20; i++) depts.push((await api('/api/v1/departments', 'POST', { name: `Department ${i}`, description: i % 2 ? `Desk ${i}` : undefined })).data);
    const link = (await api('/api/v1/links', 'POST', { department_id: depts[0].id })).data;
    // The measured joins go to another tenant, so the calls list measured keeps its 20 rows.
    const other = await server.tenant('joins');
    const otherDept = await json(`${server.url}/api/v1/departments`, { method: 'POST', headers: other, body: JSON.stringify({ name: 'Queue' }) });
    const otherLink = await json(`${server.url}/api/v1/links`, { method: 'POST', headers: other, body: JSON.stringify({ department_id: otherDept.data.id }) });
    const joinPath = `/api/v1/call/${otherLink.data.token}/join`;
    for (let i = 0; i < 20; i++) {
      const joined = await json(`${server.url}/api/v1/call/${link.token}/join`, { method: 'POST', body: JSON.stringify({ name: `Customer ${i}`, email: `c${i}@bench.test`, phone: i % 3 ? null : '+15550100' }) });
      if (i % 2) await api(`/api/v1/calls/${joined.data.call_id}/assign`, 'POST', {});
    }

    const variants: Variant[] = [
      { name: 'peer departments', process: 'peer', method: 'GET', path: '/api/v1/departments?page_size=20', auth: true },
      { name: 'REST departments', process: 'voki', method: 'GET', path: '/api/v1/departments?page_size=20', auth: true },
      { name: 'GraphQL departments', process: 'voki', method: 'POST', path: '/graphql', body: JSON.stringify({ query: DEPARTMENTS, variables: { pageSize: 20 } }), auth: true },
      { name: 'peer calls', process: 'peer', method: 'GET', path: '/api/v1/calls?page_size=20', auth: true },
      { name: 'REST calls', process: 'voki', method: 'GET', path: '/api/v1/calls?page_size=20', auth: true },
      { name: 'GraphQL calls', process: 'voki', method: 'POST', path: '/graphql', body: JSON.stringify({ query: CALLS, variables: { pageSize: 20 } }), auth: true },
      { name: 'REST join', process: 'voki', method: 'POST', path: joinPath, body: JSON.stringify({ name: 'Bench customer' }), auth: false },
    ];
    const target = (v: Variant) => (v.process === 'peer' ? peer : server);
    const fetchText = async (v: Variant) => {
      const res = await fetch(`${target(v).url}${v.path}`, { method: v.method, headers: v.auth ? headers : { 'content-type': 'application/json' }, body: v.body });
      return res.text();
    };

    // The peer must answer the very bytes of the real route, and GraphQL the same data, or the
    // comparison means nothing.
    for (const list of ['departments', 'calls']) {
      const [peerText, restText, gqlText] = await Promise.all(variants.filter((v) => v.name.endsWith(` ${list}`)).map(fetchText));
      if (peerText !== restText) throw new Error(`peer and REST ${list} differ:\n${peerText}\n${restText}`);
      const rest = JSON.parse(restText);
      if (rest.data.length !== 20) throw new Error(`${list}: expected 20 rows, got ${rest.data.length}`);
      if (!isDeepStrictEqual(snakeKeys(JSON.parse(gqlText).data[list]), rest)) throw new Error(`GraphQL ${list} differs from REST:\n${gqlText}`);
    }

    const run = (v: Variant, duration: number) => autocannon({
      url: `${target(v).url}${v.path}`, method: v.method, body: v.body, connections: CONNECTIONS, duration,
      headers: v.auth ? headers : { 'content-type': 'application/json' },
    });
    for (const v of variants) await run(v, 1);
    // Rounds alternate between the variants and each figure is the median of its rounds, so
    // that warm-up, GC and the load generator sharing the cores favour none of them.
    const samples: Record<string, Array<{ rps: number; cpu: number }>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of variants) {
        const child: ChildProcess = target(v).child;
        // A process that sat idle while the others were measured has shrunk its heap and cooled
        // its caches: one unmeasured second first, for every variant alike.
        await run(v, 1);
        const before = cpuMicros(child.pid!);
        const r = await run(v, DURATION);
        const cpu = cpuMicros(child.pid!) - before;
        if (r.non2xx || r.errors) throw new Error(`${v.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        (samples[v.name] ??= []).push({ rps: r.requests.average, cpu: cpu / r.requests.total });
      }
    }
    const at = (name: string) => ({ rps: median(samples[name].map((s) => s.rps)), cpu: median(samples[name].map((s) => s.cpu)) });

    console.log(`\nServer CPU per request, ${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${DURATION}s (each after 1s unmeasured); 20-row pages\n`);
    console.log('variant                  req/s   CPU µs/req');
    for (const v of variants) {
      const r = at(v.name);
      console.log(`${v.name.padEnd(22)} ${r.rps.toFixed(0).padStart(7)}   ${r.cpu.toFixed(0).padStart(10)}`);
    }
    // Each round's ratio compares figures taken seconds apart; the median of those is steadier
    // than a ratio of medians when the machine's load drifts during the run.
    const ratio = (a: string, b: string, limit: number) => {
      const x = median(samples[a].map((s, i) => s.cpu / samples[b][i].cpu));
      console.log(`${`${a} / ${b}`.padEnd(44)} ${x.toFixed(2).padStart(5)}x   (target <= ${limit}x) ${x <= limit ? 'ok' : 'OVER'}`);
    };
    console.log('');
    ratio('REST departments', 'peer departments', 2);
    ratio('GraphQL departments', 'peer departments', 2);
    ratio('REST join', 'REST departments', 3);
    ratio('REST calls', 'peer calls', 2);
    ratio('GraphQL calls', 'peer calls', 2);
    ratio('REST join', 'REST calls', 3);
  } finally {
    await peer.stop();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
