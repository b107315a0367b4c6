import WebSocket from 'ws';
import { json, median, percentile, startBenchServer, type BenchServer } from './harness';

/**
 * `npm run bench`, part 3: real time.
 * 1. Fan-out: one queue event to N Phoenix subscribers, time until the last socket has it,
 *    against a plain `ws` broadcast of the same frame from the same server (target ≤ 1.2×).
 * 2. Idle sockets per GiB: sockets each joined to one presence channel (tracked), server
 *    memory after a GC (target ≥ 50,000 per GiB).
 * 3. Customer join → agent `customer_joined`, at 50 joins/s (target p50 ≤ 5 ms, p99 ≤ 50 ms).
 * Clients speak the Phoenix V2 wire directly (as the official client does) so thousands fit
 * in this process.
 */
const FANOUT_SIZES = (process.env.BENCH_FANOUT ?? '1000,5000').split(',').map(Number);
const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 5000);
const ROUNDS = 11;
const MARK = 'bench_fanout';

const wsUrl = (url: string) => url.replace(/^http/, 'ws');

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** A Phoenix socket joined to `topic` (reply awaited). */
async function phoenixMember(server: BenchServer, token: string, topic: string): Promise<WebSocket> {
  const ws = await connect(`${wsUrl(server.url)}/socket/websocket?vsn=2.0.0&token=${token}`);
  await new Promise<void>((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const [, ref, , event, payload] = JSON.parse(String(data));
      if (ref === '1' && event === 'phx_reply') {
        ws.off('message', onMessage);
        if (payload.status === 'ok') resolve();
        else reject(new Error(`join ${topic}: ${JSON.stringify(payload)}`));
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify(['1', '1', topic, 'phx_join', {}]));
  });
  return ws;
}

async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, k) => make(i + k)))));
  return out;
}

/** Milliseconds from the trigger until every socket has received a frame containing MARK. */
async function timeToLast(sockets: WebSocket[], trigger: () => Promise<unknown>): Promise<number> {
  let left = sockets.length;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const listeners = sockets.map((ws) => {
    const listener = (data: WebSocket.RawData) => {
      if (String(data).includes(MARK) && --left === 0) done();
    };
    ws.on('message', listener);
    return listener;
  });
  const t0 = performance.now();
  await trigger();
  await all;
  const elapsed = performance.now() - t0;
  sockets.forEach((ws, i) => ws.off('message', listeners[i]));
  return elapsed;
}

async function fanout(server: BenchServer, token: string, departmentId: string, n: number) {
  const topic = `queue:${departmentId}`;
  const phoenix = await inBatches(n, 100, () => phoenixMember(server, token, topic));
  const raw = await inBatches(n, 100, () => connect(`${wsUrl(server.url)}/bench/raw`));
  const payload = { call_id: MARK, customer_name: 'Bench', position: 1, queue_size: 1 };
  const frame = [null, null, topic, 'customer_joined', payload];
  const post = (path: string, body: unknown) => json(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const p: number[] = [];
  const r: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always runs on a warmer server.
    const runP = async () => p.push(await timeToLast(phoenix, () => post('/bench/publish', { topic, event: 'customer_joined', payload })));
    const runR = async () => r.push(await timeToLast(raw, () => post('/bench/raw-broadcast', { frame })));
    if (round % 2) await runR().then(runP);
    else await runP().then(runR);
  }
  for (const ws of [...phoenix, ...raw]) ws.terminate();
  await new Promise((res) => setTimeout(res, 500));
  return { phoenix: median(p), raw: median(r) };
}

async function idleSockets(server: BenchServer, headers: Record<string, string>, token: string) {
  const departments = await inBatches(Math.ceil(IDLE_SOCKETS / 10), 20, async (i) =>
    (await json(`${server.url}/api/v1/departments`, { method: 'POST', headers, body: JSON.stringify({ name: `Idle ${i}` }) })).data.id as string);
  const before = await json(`${server.url}/bench/memory`);
  const sockets = await inBatches(IDLE_SOCKETS, 100, (i) => phoenixMember(server, token, `presence:${departments[i % departments.length]}`));
  await new Promise((res) => setTimeout(res, 2000));
  const after = await json(`${server.url}/bench/memory`);
  for (const ws of sockets) ws.terminate();
  // RSS can shrink after a GC while the heap grew; count whichever growth is larger.
  const rss = (after.rss - before.rss) / IDLE_SOCKETS;
  const heap = (after.heapUsed + after.external - before.heapUsed - before.external) / IDLE_SOCKETS;
  const perSocket = Math.max(rss, heap);
  return { perSocket, rss, heap, perGiB: Math.floor(2 ** 30 / perSocket), open: after.sockets };
}

async function joinLatency(server: BenchServer, headers: Record<string, string>, token: string) {
  const dept = await json(`${server.url}/api/v1/departments`, { method: 'POST', headers, body: JSON.stringify({ name: 'Latency', queue_timeout: 86400 }) });
  const link = await json(`${server.url}/api/v1/links`, { method: 'POST', headers, body: JSON.stringify({ department_id: dept.data.id }) });
  const topic = `queue:${dept.data.id}`;
  await json(`${server.url}/bench/published?topic=${topic}`);
  const agent = await phoenixMember(server, token, topic);
  const received = new Map<string, number>();
  const receivedByName = new Map<string, number>();
  agent.on('message', (data) => {
    const [, , , event, payload] = JSON.parse(String(data));
    if (event !== 'customer_joined') return;
    const at = performance.timeOrigin + performance.now();
    received.set(payload.call_id, at);
    receivedByName.set(payload.customer_name, at);
  });
  const sentAt = new Map<string, number>();
  const total = 50 * 10;
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + i * 20 - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const name = `Latency ${i}`;
    sentAt.set(name, performance.timeOrigin + performance.now());
    inFlight.push(json(`${server.url}/api/v1/call/${link.data.token}/join`, { method: 'POST', body: JSON.stringify({ name }) }));
  }
  await Promise.all(inFlight);
  await new Promise((res) => setTimeout(res, 500));
  const published: Record<string, number> = await json(`${server.url}/bench/published?topic=${topic}`);
  const delivery = Object.entries(published).flatMap(([id, at]) => (received.has(id) ? [received.get(id)! - at] : []));
  const endToEnd = [...sentAt].flatMap(([name, at]) => (receivedByName.has(name) ? [receivedByName.get(name)! - at] : []));
  agent.terminate();
  return { delivery, endToEnd, missing: total - endToEnd.length };
}

async function main() {
  const server = await startBenchServer({ ABANDON_TIMEOUT: '86400', WS_RATE: '1000' });
  try {
    const headers = await server.tenant('realtime');
    const token = headers.authorization.slice('Bearer '.length);
    const dept = await json(`${server.url}/api/v1/departments`, { method: 'POST', headers, body: JSON.stringify({ name: 'Fanout' }) });

    console.log('\nReal time (Phoenix V2 frames over real sockets, one server process)\n');
    for (const n of FANOUT_SIZES) {
      const f = await fanout(server, token, dept.data.id, n);
      console.log(`fan-out to ${String(n).padStart(5)} subscribers: phoenix ${f.phoenix.toFixed(1)} ms, raw ws ${f.raw.toFixed(1)} ms  → ${(f.phoenix / f.raw).toFixed(2)}× (target ≤ 1.2×; medians of ${ROUNDS})`);
    }
    const idle = await idleSockets(server, headers, token);
    console.log(`idle sockets (one presence channel each, ${idle.open} open): ${(idle.perSocket / 1024).toFixed(1)} KiB per socket (RSS ${(idle.rss / 1024).toFixed(1)}, heap+external ${(idle.heap / 1024).toFixed(1)}) → ${idle.perGiB.toLocaleString('en')} per GiB (target ≥ 50,000)`);
    const lat = await joinLatency(server, headers, token);
    console.log(`join → customer_joined at 50 joins/s: bus-to-agent p50 ${percentile(lat.delivery, 50).toFixed(1)} ms, p99 ${percentile(lat.delivery, 99).toFixed(1)} ms (target p50 ≤ 5, p99 ≤ 50)`);
    console.log(`                                    POST-to-agent p50 ${percentile(lat.endToEnd, 50).toFixed(1)} ms, p99 ${percentile(lat.endToEnd, 99).toFixed(1)} ms${lat.missing ? `, ${lat.missing} events missing` : ''}`);
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
