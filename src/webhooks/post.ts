import http from 'node:http';
import https from 'node:https';

export interface PostResult { status?: number; error?: string }

const KEEP_BODY = 64 * 1024;

/**
 * POSTs `body` to `url` through `agent` (keep-alive, pinned to the checked address: agents.ts),
 * and gives up after `timeoutMs`. Redirects are not followed: a 3xx is an answer like any
 * other non-2xx, so a receiver cannot bounce us to an address we would refuse.
 */
export async function postJson(url: URL, agent: http.Agent, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const deadline = Date.now() + timeoutMs;
  const first = await postOnce(url, agent, body, headers, timeoutMs);
  // A kept connection the receiver closed just as it was reused fails before any answer; the
  // receiver never had the request, so it goes once more on a connection of its own.
  if (!first.staleSocket) return first.result;
  return (await postOnce(url, agent, body, headers, Math.max(1, deadline - Date.now()))).result;
}

function postOnce(url: URL, agent: http.Agent, body: string, headers: Record<string, string>, timeoutMs: number) {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<{ result: PostResult; staleSocket?: boolean }>((resolve) => {
    let settled = false;
    const done = (result: PostResult, staleSocket = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ result, staleSocket });
    };
    const req = client.request(url, {
      method: 'POST', agent,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Voki-Webhooks/1.0' },
    }, (res) => {
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        kept += chunk.length;
        if (kept > KEEP_BODY) res.destroy();
      });
      res.on('end', () => done({ status: res.statusCode }));
      res.on('close', () => done({ status: res.statusCode }));
      res.on('error', () => done({ status: res.statusCode }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      done({ error: err.message }, req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE'));
    });
    req.end(body);
  });
}
