import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface PostResult { status?: number; error?: string }

const KEEP_BODY = 64 * 1024;

/**
 * POSTs `body` to `url`, connecting to `target` (the address already checked) whatever DNS says
 * now, and gives up after `timeoutMs`. Redirects are not followed: a 3xx is an answer like any
 * other non-2xx, so a receiver cannot bounce us to an address we would refuse.
 */
export function postJson(url: URL, target: { address: string; family: number }, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = client.request(url, {
      method: 'POST', lookup, agent: false,
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
    req.on('error', (err) => done({ error: err.message }));
    req.end(body);
  });
}
