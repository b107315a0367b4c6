import { parse } from 'sdp-transform';
import { invalid } from '../../errors';

/** One codec of an m-line, as the remote side numbered it. */
export interface RemoteCodec {
  payloadType: number;
  /** `audio/opus`, `video/VP8`, `video/rtx`, … */
  mimeType: string;
  clockRate: number;
  channels?: number;
  parameters: Record<string, string | number>;
  rtcpFeedback: Array<{ type: string; parameter: string }>;
}

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** One m-line of a remote description, reduced to what the SFU needs. */
export interface RemoteSection {
  mid: string;
  kind: string;
  /** 0: the remote side rejected or stopped this m-line. */
  port: number;
  direction: Direction;
  codecs: RemoteCodec[];
  headerExtensions: Array<{ uri: string; id: number }>;
  /** The first media source the remote side sends on this m-line, with its RTX repair stream. */
  ssrc?: number;
  rtxSsrc?: number;
  cname?: string;
}

export interface RemoteDescription {
  type: 'offer' | 'answer';
  /** `o=` session id: a new RTCPeerConnection has a new one. */
  sessionId: string;
  iceUfrag: string;
  icePwd: string;
  fingerprint: { algorithm: string; value: string };
  setup: string;
  sections: RemoteSection[];
}

const MAX_SDP_BYTES = 64 * 1024;
const MAX_SECTIONS = 64;
const FINGERPRINT_ALGORITHMS = new Set(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']);
const badSdp = (why: string) => invalid({ sdp: [why] });

/** Parses a client's SDP; anything unusable is a 422 naming what is wrong, never a throw from below. */
export function parseRemote(type: 'offer' | 'answer', sdp: string): RemoteDescription {
  if (Buffer.byteLength(sdp) > MAX_SDP_BYTES) throw badSdp(`is longer than ${MAX_SDP_BYTES} bytes`);
  if (!/^v=0\r?\n/.test(sdp)) throw badSdp('is not a session description (it must start with v=0)');
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(sdp);
  } catch {
    throw badSdp('cannot be parsed');
  }
  const media = Array.isArray(parsed.media) ? parsed.media : [];
  if (!media.length) throw badSdp('has no media sections');
  if (media.length > MAX_SECTIONS) throw badSdp(`has more than ${MAX_SECTIONS} media sections`);
  const first = media.find((m) => m.port !== 0) ?? media[0];
  const iceUfrag = String(first.iceUfrag ?? parsed.iceUfrag ?? '');
  const icePwd = String(first.icePwd ?? parsed.icePwd ?? '');
  const fingerprint = first.fingerprint ?? parsed.fingerprint;
  if (!iceUfrag || !icePwd) throw badSdp('has no ICE credentials (a=ice-ufrag, a=ice-pwd)');
  if (!fingerprint?.hash || !FINGERPRINT_ALGORITHMS.has(String(fingerprint.type).toLowerCase()) || !/^([0-9A-F]{2}:)+[0-9A-F]{2}$/i.test(String(fingerprint.hash))) {
    throw badSdp('has no usable DTLS fingerprint');
  }
  const mids = new Set<string>();
  const sections = media.map((m, index) => {
    const mid = m.mid === undefined ? String(index) : String(m.mid);
    if (mids.has(mid)) throw badSdp(`repeats mid ${mid}`);
    mids.add(mid);
    return section(m, mid);
  });
  return {
    type,
    sessionId: String(parsed.origin?.sessionId ?? ''),
    iceUfrag,
    icePwd,
    fingerprint: { algorithm: String(fingerprint.type).toLowerCase(), value: String(fingerprint.hash).toUpperCase() },
    setup: String(first.setup ?? parsed.setup ?? 'actpass'),
    sections,
  };
}

type Media = ReturnType<typeof parse>['media'][number];

function section(m: Media, mid: string): RemoteSection {
  const rtcpFb = m.rtcpFb ?? [];
  const codecs: RemoteCodec[] = (m.rtp ?? []).map((rtp) => ({
    payloadType: Number(rtp.payload),
    mimeType: `${m.type}/${rtp.codec}`,
    clockRate: Number(rtp.rate ?? 90000),
    channels: rtp.encoding ? Number(rtp.encoding) : m.type === 'audio' ? 1 : undefined,
    parameters: fmtp((m.fmtp ?? []).find((f) => Number(f.payload) === Number(rtp.payload))?.config),
    rtcpFeedback: rtcpFb.filter((f) => String(f.payload) === String(rtp.payload) || f.payload === '*')
      .map((f) => ({ type: f.type, parameter: f.subtype ?? '' })),
  }));
  const ssrcs = m.ssrcs ?? [];
  const fid = (m.ssrcGroups ?? []).find((g) => g.semantics === 'FID')?.ssrcs.split(' ').map(Number);
  const ssrc = fid?.[0] ?? (ssrcs[0] ? Number(ssrcs[0].id) : undefined);
  return {
    mid,
    kind: m.type,
    port: Number(m.port),
    direction: (['sendrecv', 'sendonly', 'recvonly', 'inactive'].includes(m.direction as string) ? m.direction : 'sendrecv') as Direction,
    codecs: codecs.filter((c) => Number.isInteger(c.payloadType) && c.payloadType >= 0 && c.payloadType <= 127),
    headerExtensions: (m.ext ?? []).map((e) => ({ uri: e.uri, id: Number(e.value) })).filter((e) => e.id >= 1 && e.id <= 255),
    ssrc,
    rtxSsrc: fid?.[1],
    cname: ssrcs.find((s) => Number(s.id) === ssrc && s.attribute === 'cname')?.value as string | undefined,
  };
}

/** `minptime=10;useinbandfec=1` → `{minptime: 10, useinbandfec: 1}` (numbers stay numbers, as mediasoup compares them). */
function fmtp(config: string | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const pair of (config ?? '').split(';')) {
    const [key, ...rest] = pair.trim().split('=');
    if (!key) continue;
    const value = rest.join('=');
    out[key] = /^\d+$/.test(value) && key !== 'profile-level-id' ? Number(value) : value;
  }
  return out;
}
