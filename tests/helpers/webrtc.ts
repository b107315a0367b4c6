import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import dgram from 'node:dgram';
import { parse } from 'sdp-transform';
import { push } from './sockets';
import { feedTrack } from './real-media';

type Kind = 'audio' | 'video';

// werift leaves some of its UDP sockets open after close() when a connection was renegotiated;
// the test process would then never exit. Every socket made while peers live is closed at the end.
const udpSockets = new Set<dgram.Socket>();
const createSocket = dgram.createSocket;
(dgram as { createSocket: typeof dgram.createSocket }).createSocket = ((...args: Parameters<typeof dgram.createSocket>) => {
  const socket = createSocket(...args);
  udpSockets.add(socket);
  socket.once('close', () => udpSockets.delete(socket));
  return socket;
}) as typeof dgram.createSocket;

export function closeLeftoverSockets() {
  for (const socket of udpSockets) {
    try {
      socket.close();
    } catch {
      // already closed
    }
  }
  udpSockets.clear();
}

/** A VP8 key frame as far as an SFU looks (payload descriptor with S=1, inverse key-frame bit 0). */
const VP8_KEY = Buffer.from([0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, 0x00, 0x00, 0x00]);
const OPUS = Buffer.from([0xf8, 0xff, 0xfe]);
/** An H264 sequence parameter set in a single NAL unit packet (type 7): how an SFU spots a key frame. */
const H264_IDR = Buffer.from([0x67, 0x42, 0xe0, 0x1f, 0x8d, 0x68]);

/**
 * A real RTCPeerConnection on Node (werift) speaking the call channel's documented signalling
 * (CONTRACT §7) through the official phoenix client: it offers its own tracks, answers the SFU's
 * offers, is the polite peer on glare, sends RTP on its tracks and counts what arrives, per
 * sending participant (the SFU names a participant's stream by their id) and kind.
 */
export class TestPeer {
  readonly pc: RTCPeerConnection;
  /** `participantId kind` → RTP packets received. */
  readonly received = new Map<string, number>();
  readonly errors: unknown[] = [];
  readonly offersReceived: string[] = [];
  private readonly tracks: MediaStreamTrack[] = [];
  private readonly feeds: Array<() => void> = [];
  /** SSRC → the stream id (the sending participant) the SFU's offers named it with. */
  private readonly streamOf = new Map<number, string>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private seq = 0;
  private closed = false;
  private held: Array<{ type: string; sdp: string }> | undefined;
  /** Replies to this peer's own offers, in order. */
  readonly offerReplies: Array<{ status: string; response: any }> = [];

  constructor(private readonly channel: any, private readonly send: Kind[], private readonly video: 'VP8' | 'H264' = 'VP8') {
    const feedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }];
    this.pc = new RTCPeerConnection({
      codecs: {
        audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
        video: [video === 'VP8'
          ? new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: feedback })
          : new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, rtcpFeedback: feedback, parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1' })],
      },
    });
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        const key = `${this.streamOf.get(rtp.header.ssrc) ?? '?'} ${track.kind}`;
        this.received.set(key, (this.received.get(key) ?? 0) + 1);
      });
    });
    channel.on('signal', (payload: { type: string; sdp: string }) => {
      if (this.closed) return;
      if (this.held) return void this.held.push(payload);
      this.chain = this.chain.then(() => this.onSignal(payload)).catch((e) => this.errors.push(e));
    });
  }

  /** Adds the tracks (or recvonly transceivers when sending nothing) and sends the first offer; resolves with the push reply. */
  async start(): Promise<{ status: string; response: any }> {
    for (const kind of this.send) {
      const track = new MediaStreamTrack({ kind });
      this.tracks.push(track);
      this.pc.addTransceiver(track, { direction: 'sendrecv' });
    }
    if (!this.send.length) {
      this.pc.addTransceiver('audio', { direction: 'recvonly' });
      this.pc.addTransceiver('video', { direction: 'recvonly' });
    }
    return this.offer();
  }

  async offer(): Promise<{ status: string; response: any }> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const reply = await push(this.channel, 'signal', { type: 'offer', sdp: this.pc.localDescription!.sdp });
    this.offerReplies.push(reply);
    return reply;
  }

  /** Keeps the SFU's messages unprocessed until `release()` (to make both sides offer at once). */
  hold() {
    this.held = [];
  }

  release() {
    const held = this.held ?? [];
    this.held = undefined;
    for (const m of held) this.chain = this.chain.then(() => this.onSignal(m)).catch((e) => this.errors.push(e));
    return this.chain;
  }

  /** Sends a packet on every track every 20 ms (a VP8 key frame each time, so forwarding starts at once). */
  startMedia() {
    this.timer = setInterval(() => {
      this.seq = (this.seq + 1) & 0xffff;
      for (const track of this.tracks) {
        const video = track.kind === 'video';
        const header = new RtpHeader({ sequenceNumber: this.seq, timestamp: this.seq * (video ? 3000 : 960), marker: true, payloadType: video ? 96 : 111 });
        track.writeRtp(new RtpPacket(header, video ? (this.video === 'VP8' ? VP8_KEY : H264_IDR) : OPUS));
      }
    }, 20);
  }

  /** Real encoded media instead of the fixed packets: ffmpeg `inputs` per kind (see real-media.ts), for `seconds`. */
  async startRealMedia(inputs: Partial<Record<Kind, string[]>>, seconds: number) {
    for (const track of this.tracks) {
      const input = inputs[track.kind as Kind];
      if (input) this.feeds.push(await feedTrack(track, input, seconds));
    }
  }

  /** Packets from that participant of that kind. */
  from(participantId: string, kind: Kind) {
    return this.received.get(`${participantId} ${kind}`) ?? 0;
  }

  /** Packets from anyone but the given participants, of that kind. */
  fromOthers(kind: Kind, ...except: string[]) {
    let n = 0;
    for (const [key, count] of this.received) {
      const [who, k] = key.split(' ');
      if (k === kind && !except.includes(who)) n += count;
    }
    return n;
  }

  get connected() {
    return this.pc.connectionState === 'connected';
  }

  async close() {
    this.closed = true;
    clearInterval(this.timer);
    for (const stop of this.feeds.splice(0)) stop();
    await this.chain; // an answer still being pushed gets its reply before the socket goes
    await this.pc.close().catch(() => undefined);
  }

  private async onSignal(message: { type: string; sdp: string }) {
    if (message.type === 'answer') {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
      return;
    }
    // The polite peer (CONTRACT §7): an offer of ours crossed the SFU's; drop ours, answer, offer again.
    const glare = this.pc.signalingState !== 'stable';
    if (glare) await this.pc.setLocalDescription({ type: 'rollback' } as never);
    this.offersReceived.push(message.sdp);
    for (const m of parse(message.sdp).media) {
      for (const line of m.ssrcs ?? []) if (line.attribute === 'msid') this.streamOf.set(Number(line.id), String(line.value).split(' ')[0]);
    }
    await this.pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    const reply = await push(this.channel, 'signal', { type: 'answer', sdp: this.pc.localDescription!.sdp });
    if (reply.status !== 'ok') this.errors.push(reply);
    if (glare) await this.offer();
  }
}
