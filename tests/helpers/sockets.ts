import WebSocket from 'ws';
// The official client, exactly as browsers use it; on Node 20 it needs `ws` as its transport.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const phoenix = require('phoenix');

export const { Socket, Presence } = phoenix as { Socket: any; Presence: any };

export const wsBase = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

/** A connected phoenix Socket at `endpoint` (the client appends /websocket); reconnection is off so a test sees each close. */
export async function connectPhoenix(httpUrl: string, token: string, opts: Record<string, unknown> = {}, endpoint = '/socket'): Promise<any> {
  const socket = new Socket(`${wsBase(httpUrl)}${endpoint}`, {
    params: { token }, transport: WebSocket, reconnectAfterMs: () => 3_600_000, rejoinAfterMs: () => 3_600_000, ...opts,
  });
  await new Promise<void>((resolve, reject) => {
    socket.onOpen(() => resolve());
    socket.onError((e: unknown) => reject(new Error(`socket error ${String((e as Error)?.message ?? e)}`)));
    socket.connect();
  });
  return socket;
}

/** Phoenix sockets a test file opens, all closed by `closeAll` (in afterEach). */
export function socketPool(url: () => string) {
  const open: any[] = [];
  return {
    async open(token: string) {
      const socket = await connectPhoenix(url(), token);
      open.push(socket);
      return socket;
    },
    closeAll() {
      for (const s of open.splice(0)) s.disconnect();
    },
  };
}

/** Joins and resolves with the reply: {status: 'ok'|'error', response}. */
export function join(channel: any): Promise<{ status: string; response: any }> {
  return new Promise((resolve) => {
    channel.join()
      .receive('ok', (response: any) => resolve({ status: 'ok', response }))
      .receive('error', (response: any) => {
        // The client would retry the join later; a test wants the answer, not a lingering timer.
        channel.rejoinTimer?.reset();
        resolve({ status: 'error', response });
      })
      .receive('timeout', () => resolve({ status: 'timeout', response: null }));
  });
}

export function push(channel: any, event: string, payload: unknown): Promise<{ status: string; response: any }> {
  return new Promise((resolve) => {
    channel.push(event, payload)
      .receive('ok', (response: any) => resolve({ status: 'ok', response }))
      .receive('error', (response: any) => resolve({ status: 'error', response }))
      .receive('timeout', () => resolve({ status: 'timeout', response: null }));
  });
}

/** Every payload of `event` on the channel, collected from now on. */
export function collect(channel: any, event: string): any[] {
  const seen: any[] = [];
  channel.on(event, (payload: any) => seen.push(payload));
  return seen;
}

/** Waits until `check()` is truthy (polling), or fails after `ms`. */
export async function eventually<T>(check: () => T | Promise<T>, ms = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves after `ms` (to show that something did NOT arrive). */
export const quiet = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/**
 * Every message the socket receives, whatever channel it names: a frame for a channel the client
 * never joined would not reach that channel's handlers, so "nothing arrived" is checked here.
 */
export function allFrames(socket: any): Array<{ topic: string; event: string; payload: any }> {
  const frames: Array<{ topic: string; event: string; payload: any }> = [];
  socket.onMessage((m: any) => frames.push(m));
  return frames;
}

/** A round trip on the socket: whatever the server wrote to it before this has arrived. */
export const roundTrip = (socket: any) => new Promise<void>((resolve) => socket.ping(() => resolve()));

/** A raw socket for protocol tests: every text frame received is kept, parsed. */
export async function rawSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; frames: any[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url, { headers });
  const frames: any[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

/** The HTTP status a refused upgrade answered with. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (e) => (/Unexpected server response/.test(String(e)) ? undefined : reject(e)));
  });
}
