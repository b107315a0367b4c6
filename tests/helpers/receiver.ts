import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string>;
  body: string;
  /** What this request was answered with (undefined while held or when never answered). */
  answered?: number;
  /** The sender gave up on it (closed the connection) before any answer. */
  abandoned?: boolean;
}

/**
 * A webhook receiver on loopback: it keeps every request and answers with what `respond` says
 * for it (a status, or 'hang' to never answer).
 */
export async function startReceiver(respond: (r: Received, index: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  const held: http.ServerResponse[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() };
      received.push(r);
      res.on('close', () => void (r.answered === undefined && (r.abandoned = true)));
      const answer = respond(r, received.length - 1);
      if (answer === 'hang') return void held.push(res);
      r.answered = answer;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    /** The parsed bodies of the requests received so far. */
    events: () => received.map((r) => JSON.parse(r.body)),
    /** TCP connections opened to it so far. */
    connections: () => connections,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
