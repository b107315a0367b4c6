import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Caller } from '../context';
import { AppError } from '../errors';

const trustAll = () => true;

/** Who calls, read from a plain request as callerOf reads it from Express (TRUST_PROXY included). */
export function rawCaller(req: IncomingMessage, trustProxy: boolean): Caller {
  const tenant = req.headers['x-tenant'];
  return {
    authorization: req.headers.authorization,
    tenant: typeof tenant === 'string' ? tenant : undefined,
    ip: (trustProxy ? proxyaddr(req, trustAll) : req.socket.remoteAddress) ?? '',
  };
}

/** The path and the query string (without its `?`) of a request's URL. */
export function splitUrl(req: IncomingMessage): { path: string; search: string | undefined } {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? { path: url, search: undefined } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

/** A plain JSON body, which the fast paths read themselves; other types and encodings go to Express. */
export const isJsonRequest = (req: IncomingMessage) => JSON_TYPE.test(req.headers['content-type'] ?? '') && !req.headers['content-encoding'];

const malformed = () => new AppError('BAD_REQUEST', 'Malformed JSON in request body');

/**
 * The body as express.json reads it: at most `limit` bytes, an empty body as {}, else a JSON
 * object or array (body-parser's strict mode: a bare string or number is malformed).
 */
export function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large'));
      } else chunks.push(chunk);
    });
    req.on('error', () => reject(new AppError('BAD_REQUEST', 'Request aborted')));
    req.on('end', () => {
      if (size > limit) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return resolve({});
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return reject(malformed());
      }
      if (typeof value !== 'object' || value === null) return reject(malformed());
      resolve(value);
    });
  });
}
