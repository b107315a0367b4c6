import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import WebSocket from 'ws';
import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { mediasoup } from '../src/sfu/mediasoup';
import { ROUTER_CODECS, withoutEstimation } from '../src/sfu/sdp/rtp';
import { cpuMicros, json, median, percentile, startBenchServer } from './harness';

/**
 * `npm run bench`, part 4: media.
 * 1. One worker's forwarding cost and capacity: one video producer at RATE packets/s of
 *    PACKET bytes, fanned out to N consumers, each on its own transport (SRTP-encrypted, as
 *    in a call; plain RTP; plain RTP with bandwidth estimation, which the SFU's consumers leave out). The worker's CPU from /proc (median of WINDOWS windows); the baseline is
 *    a hand-written C forwarder (bench/udp-forwarder.c: one socket per receiver, all in one
 *    epoll set, an SSRC per copy, nothing else) fed the same packets in the same run. Copies go to a loopback socket
 *    that never reads (udp-forwarder's sink), so no receiver's cost is counted. Capacity: the most consumers at ≤ 80% of a core.
 * 2. Offer → answer: a client's first offer on `call:{id}` to the SFU's `signal` answer, through
 *    the real server (new RTCPeerConnection each time), p50/p99.
 */
const RATE = Number(process.env.BENCH_MEDIA_PPS ?? 100);
const PACKET = 1000;
const WINDOW_MS = 2000;
/** Windows per run, the median kept: the VM's neighbours come and go within seconds. */
const WINDOWS = 3;
const STEPS = (process.env.BENCH_MEDIA_CONSUMERS ?? '250,500,750,1000,1500').split(',').map(Number);
const OFFERS = Number(process.env.BENCH_MEDIA_OFFERS ?? 100);
const SRTP_KEY = randomBytes(30).toString('base64');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the C program at `binary` with `args`; resolves with the port it prints and the child. */
async function startC(binary: string, args: string[]) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port: number = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port)));
  return { port, child };
}

/** Sends RTP (a VP8 key frame's first packet, padded to PACKET bytes) at RATE/s to the port; returns stop(). */
function sendRtp(port: number): () => void {
  const socket = dgram.createSocket('udp4');
  const packet = Buffer.alloc(PACKET);
  packet[0] = 0x80;
  packet[1] = 0x80 | 101;
  packet.writeUInt32BE(1111, 8);
  packet[12] = 0x10;
  let seq = 0;
  const perTick = Math.max(1, Math.round(RATE / 100));
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      seq = (seq + 1) & 0xffff;
      packet.writeUInt16BE(seq, 2);
      packet.writeUInt32BE((seq * 3000) >>> 0, 4);
      socket.send(packet, port, '127.0.0.1');
    }
  }, 10);
  return () => {
    clearInterval(timer);
    socket.close();
  };
}

/**
 * CPU % of one core and µs per forwarded packet of `pid` while `n` copies of RATE/s are
 * forwarded: the median of WINDOWS windows of WINDOW_MS.
 */
async function measure(pid: number, n: number) {
  await sleep(1000);
  const windows: number[] = [];
  for (let i = 0; i < WINDOWS; i++) {
    const cpu0 = cpuMicros(pid);
    const t0 = process.hrtime.bigint();
    await sleep(WINDOW_MS);
    const cpu = cpuMicros(pid) - cpu0;
    windows.push(cpu / (Number(process.hrtime.bigint() - t0) / 1e3));
  }
  const share = median(windows);
  return { cpuPercent: share * 100, usPerPacket: share / (RATE * n) * 1e6 };
}

async function mediasoupRun(n: number, srtp: boolean, sink: number, estimation = false) {
  const worker = await mediasoup().createWorker({ logLevel: 'error', disableLiburing: true });
  try {
    const router = await worker.createRouter({ mediaCodecs: ROUTER_CODECS });
    const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
    const input = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const producer = await input.produce({
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] },
    });
    const consumers = [];
    for (let i = 0; i < n; i++) {
      const t = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false, enableSrtp: srtp, srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80' });
      await t.connect({ ip: '127.0.0.1', port: sink, ...(srtp ? { srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' as const, keyBase64: SRTP_KEY } } : {}) });
      // As the SFU's consumers are (no bandwidth estimation); `estimation` shows what it would cost.
      consumers.push(await t.consume({ producerId: producer.id, rtpCapabilities: estimation ? router.rtpCapabilities : withoutEstimation(router.rtpCapabilities) }));
    }
    const stop = sendRtp(input.tuple.localPort);
    const result = await measure(worker.pid, n);
    stop();
    // The copies really went out: a sample of consumers each sent about what came in.
    const sample = await Promise.all(consumers.slice(0, 5).map(async (c) => (await c.getStats())[0]?.packetCount ?? 0));
    const expected = RATE * ((WINDOWS * WINDOW_MS) / 1000);
    if (sample.some((count) => count < expected)) throw new Error(`consumers sent too little: ${sample} (expected ≥ ${expected})`);
    return result;
  } finally {
    worker.close();
  }
}

async function forwarderRun(binary: string, n: number, sink: number) {
  const { port, child } = await startC(binary, [String(sink), String(n)]);
  const stop = sendRtp(port);
  try {
    return await measure(child.pid!, n);
  } finally {
    stop();
    child.kill();
  }
}

async function forwarding() {
  const binary = join(tmpdir(), 'voki-udp-forwarder');
  execFileSync('cc', ['-O2', '-o', binary, join(__dirname, '..', '..', 'bench', 'udp-forwarder.c')]);
  const { port: sink, child: sinkProcess } = await startC(binary, ['sink']);
  try {
    await forwardingTo(binary, sink);
  } finally {
    sinkProcess.kill();
  }
}

async function forwardingTo(binary: string, sink: number) {
  console.log(`\n== media: one worker forwarding ${RATE} packets/s of ${PACKET} B to N consumers (CPU of one core; µs per forwarded packet)`);
  console.log('consumers | forwarded/s | SFU+SRTP cpu% µs/pkt | SFU plain cpu% µs/pkt | plain + estimation | C forwarder cpu% µs/pkt | plain ÷ C | + estimation ÷ C | SRTP ÷ C');
  let capacity = 0;
  const ratios: number[] = [];
  for (const n of STEPS) {
    const srtp = await mediasoupRun(n, true, sink);
    const plain = await mediasoupRun(n, false, sink);
    const estimating = await mediasoupRun(n, false, sink, true);
    const floor = await forwarderRun(binary, n, sink);
    ratios.push(plain.usPerPacket / floor.usPerPacket);
    if (srtp.cpuPercent <= 80) capacity = n;
    const f = (m: { cpuPercent: number; usPerPacket: number }) => `${m.cpuPercent.toFixed(1).padStart(5)} ${m.usPerPacket.toFixed(2).padStart(5)}`;
    console.log(`${String(n).padStart(9)} | ${String(RATE * n).padStart(11)} | ${f(srtp).padStart(20)} | ${f(plain).padStart(21)} | ${f(estimating).padStart(18)} | ${f(floor).padStart(23)} | ${(plain.usPerPacket / floor.usPerPacket).toFixed(2).padStart(9)} | ${(estimating.usPerPacket / floor.usPerPacket).toFixed(2).padStart(16)} | ${(srtp.usPerPacket / floor.usPerPacket).toFixed(2).padStart(8)}`);
    if (srtp.cpuPercent > 80) break;
  }
  const biggest = STEPS[STEPS.length - 1];
  console.log(`capacity: ${capacity >= biggest ? `≥ ${capacity}` : capacity} consumers (${RATE * capacity} packets/s) per worker at ≤ 80% of a core, SRTP as in calls (target ≥ 500)`);
  console.log(`CPU per forwarded packet, SFU (plain RTP) ÷ C forwarder: median ${median(ratios).toFixed(2)}× (target ≤ 2×)`);
}

/** A real client offer (werift: audio + video), reused with a fresh o= session each time, as a new RTCPeerConnection's. */
async function clientOffer(): Promise<string> {
  const pc = new RTCPeerConnection({});
  for (const kind of ['audio', 'video'] as const) pc.addTransceiver(new MediaStreamTrack({ kind }), { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription!.sdp;
  await pc.close();
  return sdp;
}

async function offerToAnswer() {
  const server = await startBenchServer({ MEDIA: 'on', MEDIA_WORKERS: '1', MEDIA_PORT: '0', MEDIA_LISTEN_IP: '127.0.0.1' });
  try {
    const headers = await server.tenant(`media${Date.now()}`);
    const dept = await json(`${server.url}/api/v1/departments`, { method: 'POST', headers, body: JSON.stringify({ name: 'Media' }) });
    const link = await json(`${server.url}/api/v1/links`, { method: 'POST', headers, body: JSON.stringify({ department_id: dept.data.id }) });
    const joined = await json(`${server.url}/api/v1/call/${link.data.token}/join`, { method: 'POST', body: JSON.stringify({ name: 'Bench' }) });
    const callId = joined.data.call_id;
    await json(`${server.url}/api/v1/calls/${callId}/assign`, { method: 'POST', headers, body: '{}' });
    await json(`${server.url}/api/v1/calls/${callId}/start`, { method: 'POST', headers });
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/socket/websocket?vsn=2.0.0&token=${joined.data.websocket_token}`);
    await new Promise((r) => ws.once('open', r));
    const topic = `call:${callId}`;
    const answers: Array<(at: bigint) => void> = [];
    ws.on('message', (d) => {
      const [, , t, event, payload] = JSON.parse(String(d));
      if (t === topic && event === 'signal' && payload.type === 'answer') answers.shift()?.(process.hrtime.bigint());
    });
    ws.send(JSON.stringify(['1', '1', topic, 'phx_join', {}]));
    await sleep(200);
    const offer = await clientOffer();
    const times: number[] = [];
    for (let i = 0; i < OFFERS; i++) {
      const sdp = offer.replace(/^o=(\S+) \d+/m, `o=$1 ${1000 + i}`);
      const answered = new Promise<bigint>((resolve) => answers.push(resolve));
      const t0 = process.hrtime.bigint();
      ws.send(JSON.stringify(['1', String(i + 2), topic, 'signal', { type: 'offer', sdp }]));
      times.push(Number((await answered) - t0) / 1e6);
    }
    ws.close();
    console.log(`\n== media: client offer → SFU answer on call:{id}, ${OFFERS} offers, each a new RTCPeerConnection's (new transport)`);
    console.log(`p50 ${median(times).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`);
  } finally {
    await server.stop();
  }
}

async function main() {
  await forwarding();
  await offerToAnswer();
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
