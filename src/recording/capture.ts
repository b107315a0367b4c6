import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import type { types } from 'mediasoup';

/** ffmpeg ends a capture by itself this long after its last packet; `q` waits for that too. */
const STOP_LIMIT_MS = 15_000;

/** Two consecutive free UDP ports (RTP, RTCP) on loopback, for ffmpeg to listen on. */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      a.once('error', reject);
      a.bind(0, '127.0.0.1', () => resolve(a.address().port));
    });
    a.close();
    if (port % 2 !== 0 || port > 65534) continue;
    const b = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      b.once('error', () => resolve(false));
      b.bind(port + 1, '127.0.0.1', () => resolve(true));
    });
    b.close();
    if (ok) return port;
  }
  throw new Error('no free UDP port pair for a recording');
}

/** The SDP ffmpeg reads to receive one consumer's RTP on `port` (RTCP on port + 1). */
export function captureSdp(consumer: types.Consumer, port: number): string {
  const codec = consumer.rtpParameters.codecs[0];
  const [, name] = codec.mimeType.split('/');
  const rtpmap = `${codec.payloadType} ${name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`;
  const fmtp = Object.entries(codec.parameters ?? {}).map(([k, v]) => `${k}=${v}`).join(';');
  return [
    'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=voki-recording', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=${consumer.kind} ${port} RTP/AVP ${codec.payloadType}`, `a=rtpmap:${rtpmap}`, ...(fmtp ? [`a=fmtp:${codec.payloadType} ${fmtp}`] : []),
    'a=recvonly', '',
  ].join('\r\n');
}

/**
 * One running ffmpeg writing one consumer's RTP, as it comes, into a Matroska file (no
 * re-encoding; Matroska holds Opus, VP8 and H264 alike). It exits by itself 10 s after the last
 * packet (a long pause), or on `stop()`.
 */
export class Capture {
  readonly exited: Promise<number | null>;
  /** When `stop()` was first asked for (undefined: the capture ended by itself). */
  stoppedAt?: Date;
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
  }

  static async start(sdpPath: string, sdp: string, outPath: string): Promise<Capture> {
    await writeFile(sdpPath, sdp);
    const child = spawn('ffmpeg', [
      '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts', '-i', sdpPath,
      '-map', '0', '-c', 'copy', '-f', 'matroska', '-y', outPath,
    ], { stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin?.on('error', () => undefined);
    child.stderr?.resume();
    return new Capture(child);
  }

  /** Asks ffmpeg to finish the file; kills it if it has not within the limit. */
  async stop() {
    this.stoppedAt ??= new Date();
    this.child.stdin?.end('q');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_LIMIT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
