import type { types } from 'mediasoup';
import type { RemoteCodec, RemoteSection } from './remote';

/** What every call's router speaks: Opus, VP8, and H264 (constrained baseline) when a browser offers it. */
export const ROUTER_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 } },
];

/** Header extensions the SFU keeps; others are dropped from answers. */
const EXTENSIONS = new Set([
  'urn:ietf:params:rtp-hdrext:sdes:mid',
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'urn:3gpp:video-orientation',
  'urn:ietf:params:rtp-hdrext:toffset',
]);
const FEEDBACK = new Set(['nack', 'nack pli', 'ccm fir', 'goog-remb', 'transport-cc']);

const lower = (s: string) => s.toLowerCase();

/** Whether the router can take this codec as a producer's (H264: packetization-mode 1, constrained baseline). */
function usable(codec: RemoteCodec): boolean {
  switch (lower(codec.mimeType)) {
    case 'audio/opus': return codec.clockRate === 48000 && codec.channels === 2;
    case 'video/vp8': return codec.clockRate === 90000;
    case 'video/h264':
      return Number(codec.parameters['packetization-mode']) === 1 && /^42e0/i.test(String(codec.parameters['profile-level-id'] ?? '42e01f'));
    default: return false;
  }
}

/** The media codecs of a section the router could take, in the remote side's order, VP8 first (every browser decodes it). */
export function usableCodecs(section: RemoteSection): RemoteCodec[] {
  const found = section.codecs.filter(usable);
  return [...found.filter((c) => lower(c.mimeType) === 'video/vp8'), ...found.filter((c) => lower(c.mimeType) !== 'video/vp8')];
}

const rtxOf = (section: RemoteSection, pt: number) =>
  section.codecs.find((c) => lower(c.mimeType).endsWith('/rtx') && Number(c.parameters.apt) === pt);

const feedback = (codec: RemoteCodec) =>
  codec.rtcpFeedback.filter((f) => FEEDBACK.has(`${f.type}${f.parameter ? ` ${f.parameter}` : ''}`));

const keptExtensions = (section: RemoteSection) => section.headerExtensions.filter((e) => EXTENSIONS.has(e.uri));

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';

/**
 * The Producer a sending m-line becomes: its chosen codec (+ RTX) and its SSRCs. No header
 * extensions are accepted from the client: in one BUNDLE every extension id means one thing, and
 * the SFU's consumers send with the router's ids (mediasoup cannot renumber them), so the
 * client's own ids (Chrome's 4 is the mid, mediasoup's 4 is abs-send-time) must not be in use.
 */
export function producerParameters(section: RemoteSection): types.RtpParameters | undefined {
  const codec = usableCodecs(section)[0];
  if (!codec) return undefined;
  const rtx = rtxOf(section, codec.payloadType);
  const codecs: types.RtpCodecParameters[] = [
    { mimeType: codec.mimeType, payloadType: codec.payloadType, clockRate: codec.clockRate, channels: codec.channels, parameters: codec.parameters, rtcpFeedback: feedback(codec) },
  ];
  if (rtx && section.rtxSsrc !== undefined) {
    codecs.push({ mimeType: rtx.mimeType, payloadType: rtx.payloadType, clockRate: rtx.clockRate, parameters: { apt: codec.payloadType }, rtcpFeedback: [] });
  }
  const encoding: types.RtpEncodingParameters = section.ssrc !== undefined ? { ssrc: section.ssrc } : {};
  if (section.rtxSsrc !== undefined && codecs.length > 1) encoding.rtx = { ssrc: section.rtxSsrc };
  return {
    mid: section.mid,
    codecs,
    // SSRCs route the packets; the mid extension only when the client declared none.
    headerExtensions: section.ssrc !== undefined ? [] : keptExtensions(section).filter((e) => e.uri === MID_URI)
      .map((e) => ({ uri: e.uri as types.RtpHeaderExtensionUri, id: e.id })),
    encodings: [encoding],
    rtcp: { cname: section.cname, reducedSize: true },
  };
}

/**
 * What consumers leave out. They are single-stream (no simulcast or SVC layers to choose), so
 * bandwidth estimation has nothing to decide, and its bookkeeping costs about 3 µs per
 * forwarded packet (see `npm run bench`).
 */
const ESTIMATION_FEEDBACK = new Set(['transport-cc', 'goog-remb']);
const ESTIMATION_EXTENSIONS = new Set([
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
]);

export function withoutEstimation(caps: types.RtpCapabilities): types.RtpCapabilities {
  return {
    codecs: caps.codecs?.map((c) => ({ ...c, rtcpFeedback: c.rtcpFeedback?.filter((f) => !ESTIMATION_FEEDBACK.has(f.type)) })),
    headerExtensions: caps.headerExtensions?.filter((e) => !ESTIMATION_EXTENSIONS.has(e.uri)),
  };
}

/**
 * What a client can receive: the codecs it offered, and the router's header extensions (with the
 * router's ids, which the SFU's offers then declare) for the URIs it offered; no estimation.
 */
export function receiveCapabilities(sections: RemoteSection[], routerExtensions: types.RtpHeaderExtension[]): types.RtpCapabilities {
  const codecs: types.RtpCodecCapability[] = [];
  const headerExtensions: types.RtpHeaderExtension[] = [];
  const seenPt = new Set<number>();
  const seenExt = new Set<string>();
  for (const s of sections) {
    if (s.kind !== 'audio' && s.kind !== 'video') continue;
    for (const c of usableCodecs(s)) {
      if (seenPt.has(c.payloadType)) continue;
      seenPt.add(c.payloadType);
      codecs.push({ kind: s.kind, mimeType: c.mimeType, preferredPayloadType: c.payloadType, clockRate: c.clockRate, channels: c.channels, parameters: c.parameters, rtcpFeedback: feedback(c) });
      const rtx = rtxOf(s, c.payloadType);
      if (rtx && !seenPt.has(rtx.payloadType)) {
        seenPt.add(rtx.payloadType);
        codecs.push({ kind: s.kind, mimeType: rtx.mimeType, preferredPayloadType: rtx.payloadType, clockRate: rtx.clockRate, parameters: { apt: c.payloadType }, rtcpFeedback: [] });
      }
    }
    for (const e of keptExtensions(s)) {
      const router = routerExtensions.find((r) => r.kind === s.kind && r.uri === e.uri);
      if (!router || seenExt.has(`${s.kind} ${e.uri}`)) continue;
      seenExt.add(`${s.kind} ${e.uri}`);
      headerExtensions.push({ ...router, direction: 'sendrecv' });
    }
  }
  return withoutEstimation({ codecs, headerExtensions });
}
