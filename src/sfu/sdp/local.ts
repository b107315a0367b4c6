import { write } from 'sdp-transform';
import type { types } from 'mediasoup';

export interface SlotCodec {
  payloadType: number;
  mimeType: string;
  clockRate: number;
  channels?: number;
  parameters?: Record<string, unknown>;
  rtcpFeedback?: Array<{ type: string; parameter?: string }>;
}

/**
 * One m-line as the SFU describes it. `receive`: the client sends (a Producer); `send`: the SFU
 * sends (a Consumer); `idle`: negotiated, nothing flows; `rejected`: port 0, kept for its place.
 */
export interface Slot {
  mid: string;
  kind: string;
  role: 'receive' | 'send' | 'idle' | 'rejected';
  codecs: SlotCodec[];
  extensions: Array<{ uri: string; id: number }>;
  send?: { ssrc: number; rtxSsrc?: number; cname: string; streamId: string; trackId: string };
}

export interface LocalTransport {
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

const DIRECTION = { receive: 'recvonly', send: 'sendonly', idle: 'inactive', rejected: 'inactive' } as const;
const codecName = (mime: string) => mime.split('/')[1];

/** The SFU's side of a negotiation (answer or offer): ICE-lite, DTLS passive, everything bundled on one transport. */
export function localDescription(session: { id: string; version: number }, transport: LocalTransport, slots: Slot[]): string {
  const fingerprint = transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? transport.dtlsParameters.fingerprints[0];
  const bundled = slots.filter((s) => s.role !== 'rejected').map((s) => s.mid);
  const description = {
    version: 0,
    origin: { username: 'voki', sessionId: session.id, sessionVersion: session.version, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
    name: '-',
    timing: { start: 0, stop: 0 },
    icelite: 'ice-lite',
    groups: bundled.length ? [{ type: 'BUNDLE', mids: bundled.join(' ') }] : [],
    msidSemantic: { semantic: 'WMS', token: '*' },
    fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
    media: slots.map((slot) => media(slot, transport)),
  };
  return write(description as never);
}

function media(slot: Slot, transport: LocalTransport) {
  const codecs = slot.codecs.length ? slot.codecs : [{ payloadType: slot.kind === 'audio' ? 111 : 96, mimeType: `${slot.kind}/${slot.kind === 'audio' ? 'opus' : 'VP8'}`, clockRate: slot.kind === 'audio' ? 48000 : 90000, channels: slot.kind === 'audio' ? 2 : undefined }];
  const rejected = slot.role === 'rejected' || (slot.kind !== 'audio' && slot.kind !== 'video');
  const m: Record<string, unknown> = {
    type: slot.kind,
    port: rejected ? 0 : 7,
    protocol: 'UDP/TLS/RTP/SAVPF',
    payloads: codecs.map((c) => c.payloadType).join(' '),
    connection: { version: 4, ip: '127.0.0.1' },
    mid: slot.mid,
    direction: DIRECTION[slot.role],
    rtp: codecs.map((c) => ({ payload: c.payloadType, codec: codecName(c.mimeType), rate: c.clockRate, encoding: c.channels && c.channels > 1 ? c.channels : undefined })),
    fmtp: codecs.filter((c) => c.parameters && Object.keys(c.parameters).length)
      .map((c) => ({ payload: c.payloadType, config: Object.entries(c.parameters!).map(([k, v]) => `${k}=${v}`).join(';') })),
    rtcpFb: codecs.flatMap((c) => (c.rtcpFeedback ?? []).map((f) => ({ payload: c.payloadType, type: f.type, subtype: f.parameter || undefined }))),
    ext: slot.extensions.map((e) => ({ value: e.id, uri: e.uri })),
  };
  if (rejected) return m;
  Object.assign(m, {
    rtcpMux: 'rtcp-mux',
    rtcpRsize: 'rtcp-rsize',
    iceUfrag: transport.iceParameters.usernameFragment,
    icePwd: transport.iceParameters.password,
    setup: 'passive',
    candidates: transport.iceCandidates.map((c, i) => ({
      foundation: c.foundation || `c${i}`, component: 1, transport: c.protocol, priority: c.priority, ip: c.address ?? (c as { ip?: string }).ip,
      port: c.port, type: c.type, tcptype: c.protocol === 'tcp' ? c.tcpType ?? 'passive' : undefined,
    })),
    endOfCandidates: 'end-of-candidates',
  });
  if (slot.role === 'send' && slot.send) {
    const { ssrc, rtxSsrc, cname, streamId, trackId } = slot.send;
    m.msid = [{ id: streamId, appdata: trackId }];
    m.ssrcs = [
      { id: ssrc, attribute: 'cname', value: cname },
      { id: ssrc, attribute: 'msid', value: `${streamId} ${trackId}` },
      ...(rtxSsrc ? [{ id: rtxSsrc, attribute: 'cname', value: cname }, { id: rtxSsrc, attribute: 'msid', value: `${streamId} ${trackId}` }] : []),
    ];
    if (rtxSsrc) m.ssrcGroups = [{ semantics: 'FID', ssrcs: `${ssrc} ${rtxSsrc}` }];
  }
  return m;
}
