/** A Phoenix message, whichever serializer carried it. */
export interface PhoenixMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

/** 1: `{topic, event, payload, ref, join_ref}` objects; 2: `[join_ref, ref, topic, event, payload]` arrays. */
export type Vsn = 1 | 2;

export class MalformedFrame extends Error {
  constructor(reason: string, readonly ref: string | null = null, readonly topic: string | null = null) {
    super(reason);
  }
}

const refOrNull = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text → message; anything else (binary, bad JSON, wrong arity, wrong types) → MalformedFrame. */
export function decode(raw: string, vsn: Vsn): PhoenixMessage {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new MalformedFrame('malformed frame');
  }
  let parts: unknown[];
  if (vsn === 2) {
    if (!Array.isArray(data) || data.length !== 5) throw new MalformedFrame('expected [join_ref, ref, topic, event, payload]');
    parts = data;
  } else {
    if (!isObject(data)) throw new MalformedFrame('expected {topic, event, payload, ref}');
    parts = [data.join_ref ?? null, data.ref ?? null, data.topic, data.event, data.payload ?? {}];
  }
  const [joinRef, ref, topic, event, payload] = parts;
  const r = refOrNull(ref);
  const t = typeof topic === 'string' ? topic : null;
  if (t === null || typeof event !== 'string' || !event) throw new MalformedFrame('topic and event must be strings', r, t);
  if (!isObject(payload)) throw new MalformedFrame('payload must be an object', r, t);
  return { joinRef: refOrNull(joinRef), ref: r, topic: t, event, payload };
}

export function encode(m: PhoenixMessage, vsn: Vsn): string {
  return vsn === 2
    ? JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload])
    : JSON.stringify({ join_ref: m.joinRef, ref: m.ref, topic: m.topic, event: m.event, payload: m.payload });
}

/** The server ending a channel (`phx_close`) or reporting it crashed (`phx_error`): refs are the join's. */
export const channelEnd = (joinRef: string | null, topic: string, event: 'phx_close' | 'phx_error'): PhoenixMessage =>
  ({ joinRef, ref: joinRef, topic, event, payload: {} });

export const reply = (joinRef: string | null, ref: string | null, topic: string, status: 'ok' | 'error', response: Record<string, unknown>): PhoenixMessage =>
  ({ joinRef, ref, topic, event: 'phx_reply', payload: { status, response } });
