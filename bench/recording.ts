import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import { mediasoup } from '../src/sfu/mediasoup';
import { ROUTER_CODECS } from '../src/sfu/sdp/rtp';
import { createLogger } from '../src/logger';
import { RoomRecorder, type SegmentStore } from '../src/recording/room-recorder';
import { Capture, freePortPair } from '../src/recording/capture';
import { composeCall, placeSegments, type SegmentFile } from '../src/recording/compose';
import { cpuMicros, reapedChildrenCpuMicros } from './harness';

/**
 * `npm run bench`, part 7: CPU per recorded call-minute. A call of two participants (VP8 320×240
 * at 15 fps and Opus each, encoded in real time by ffmpeg senders outside this process tree) for
 * SECONDS, recorded the way the server does — through a mediasoup worker, a PlainTransport
 * consumer per track and an ffmpeg capture each (RoomRecorder), then composed (composeCall) —
 * against a baseline doing the same work without the SFU: the same senders captured by ffmpeg
 * directly from their RTP, and the same composition. CPU comes from /proc: the worker's own, and
 * the reaped ffmpeg children's (cutime + cstime of this process).
 */
const SECONDS = Number(process.env.BENCH_RECORDING_SECONDS ?? 20);
const childrenCpuMs = () => reapedChildrenCpuMicros('self') / 1000;
const processCpuMs = (pid: number) => cpuMicros(pid) / 1000;

const VIDEO = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '15', '-an', '-payload_type', '101', '-ssrc'];
const AUDIO = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '32k', '-vn', '-payload_type', '100', '-ssrc'];

/** An ffmpeg sender outside this process tree (its CPU is nobody's here), RTP to `port`. */
function send(args: string[], ssrc: number, port: number) {
  const line = ['ffmpeg', '-v', 'error', '-re', '-t', String(SECONDS), ...args, String(ssrc), '-f', 'rtp', `rtp://127.0.0.1:${port}?pkt_size=1200`]
    .map((a) => `'${a}'`).join(' ');
  spawn('sh', ['-c', `${line} >/dev/null 2>&1 &`], { stdio: 'ignore' });
}

const TRACKS = [
  { participantId: 'agent-1', role: 'agent', kind: 'video' as const, ssrc: 1001 },
  { participantId: 'agent-1', role: 'agent', kind: 'audio' as const, ssrc: 1002 },
  { participantId: 'customer-1', role: 'customer', kind: 'video' as const, ssrc: 2001 },
  { participantId: 'customer-1', role: 'customer', kind: 'audio' as const, ssrc: 2002 },
];

async function throughSfu(dir: string) {
  const worker = await mediasoup().createWorker({ logLevel: 'error', disableLiburing: true });
  const router = await worker.createRouter({ mediaCodecs: ROUTER_CODECS });
  const segments: SegmentFile[] = [];
  const store: SegmentStore = {
    async started(s) {
      segments.push({ path: join(dir, s.path), role: s.role, participantId: s.participantId, kind: s.kind, startedAt: new Date(), endedAt: null });
    },
    async ended() { /* the files are read where they are */ },
  };
  const recorder = new RoomRecorder(router, { id: 'bench', tenantId: 'bench' }, dir, store, createLogger('error'));
  const cpu0 = { worker: processCpuMs(worker.pid), children: childrenCpuMs() };
  for (const t of TRACKS) {
    // The participants' side, as a WebRTC transport would be: a transport whose producers the recorder follows.
    const input = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    await input.produce({
      kind: t.kind,
      rtpParameters: {
        codecs: [t.kind === 'video'
          ? { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }
          : { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: t.ssrc }],
      },
      appData: { participantId: t.participantId, role: t.role },
    } as types.ProducerOptions);
    await new Promise((r) => setTimeout(r, 400)); // the capture is listening
    send(t.kind === 'video' ? VIDEO : AUDIO, t.ssrc, input.tuple.localPort);
  }
  await new Promise((r) => setTimeout(r, SECONDS * 1000 + 500));
  router.close();
  await recorder.stop();
  const capture = { worker: processCpuMs(worker.pid) - cpu0.worker, children: childrenCpuMs() - cpu0.children };
  worker.close();
  const beforeCompose = childrenCpuMs();
  await composeCall(await placeSegments(segments), join(dir, 'call.webm'));
  return { capture: capture.worker + capture.children, compose: childrenCpuMs() - beforeCompose, worker: capture.worker };
}

async function direct(dir: string) {
  const cpu0 = childrenCpuMs();
  const segments: SegmentFile[] = [];
  const captures: Capture[] = [];
  for (const [i, t] of TRACKS.entries()) {
    const port = await freePortPair();
    const sdp = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=direct', 'c=IN IP4 127.0.0.1', 't=0 0',
      t.kind === 'video' ? `m=video ${port} RTP/AVP 101` : `m=audio ${port} RTP/AVP 100`,
      t.kind === 'video' ? 'a=rtpmap:101 VP8/90000' : 'a=rtpmap:100 opus/48000/2', 'a=recvonly', ''].join('\r\n');
    const path = join(dir, `direct-${i}.mkv`);
    captures.push(await Capture.start(join(dir, `direct-${i}.sdp`), sdp, path));
    segments.push({ path, role: t.role, participantId: t.participantId, kind: t.kind, startedAt: new Date(), endedAt: null });
    await new Promise((r) => setTimeout(r, 400));
    send(t.kind === 'video' ? VIDEO : AUDIO, t.ssrc, port);
  }
  await new Promise((r) => setTimeout(r, SECONDS * 1000 + 500));
  await Promise.all(captures.map((c) => c.stop()));
  const capture = childrenCpuMs() - cpu0;
  const beforeCompose = childrenCpuMs();
  await composeCall(await placeSegments(segments), join(dir, 'direct.webm'));
  return { capture, compose: childrenCpuMs() - beforeCompose };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'voki-bench-rec-'));
  try {
    const sfu = await throughSfu(dir);
    const plain = await direct(dir);
    const perMinute = (ms: number) => (ms / SECONDS) * 60;
    console.log(`recording a two-party call (${SECONDS} s of VP8 + Opus each), CPU ms per call-minute`);
    console.log(`  through the SFU: capture ${perMinute(sfu.capture).toFixed(0)} (worker ${perMinute(sfu.worker).toFixed(0)}) + compose ${perMinute(sfu.compose).toFixed(0)} = ${perMinute(sfu.capture + sfu.compose).toFixed(0)}`);
    console.log(`  ffmpeg alone:    capture ${perMinute(plain.capture).toFixed(0)} + compose ${perMinute(plain.compose).toFixed(0)} = ${perMinute(plain.capture + plain.compose).toFixed(0)}`);
    console.log(`  ratio ${((sfu.capture + sfu.compose) / (plain.capture + plain.compose)).toFixed(2)}× (capture alone ${(sfu.capture / Math.max(1, plain.capture)).toFixed(2)}×)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
