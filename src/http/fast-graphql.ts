import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { AppError, toAppError } from '../errors';
import { sendError } from '../rest-compat/respond';
import { createContext, type Context, type ContextDeps } from '../context';
import { rawCaller, splitUrl } from './raw';
import { beginRequest, type Middleware } from './request-log';

const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

/** The body as express.json reads it: at most `limit` bytes, an empty body as {}, else JSON. */
function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
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
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new AppError('BAD_REQUEST', 'Malformed JSON in request body'));
      }
    });
  });
}

/**
 * GraphQL POSTs with a JSON body on plain node:http, ahead of Express: the same request id, log
 * line and headers, the same body limit and error shapes, then Apollo's own HTTP entry point
 * (what its Express integration calls). Other content types, GETs and compressed bodies are left
 * to Express.
 */
export function fastGraphQL(server: ApolloServer<Context>, deps: ContextDeps, cors: Middleware, trustProxy: boolean, limit: number) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST') return false;
    const { path, search } = splitUrl(req);
    if (path !== '/graphql' && path !== '/graphql/') return false;
    if (!JSON_TYPE.test(req.headers['content-type'] ?? '') || req.headers['content-encoding']) return false;
    beginRequest(deps.log, cors, req, res, path, (id) => {
      void (async () => {
        let body: unknown;
        try {
          body = await readJson(req, limit);
        } catch (error) {
          return sendError(res, toAppError(error));
        }
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        const answer = await server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: 'POST', headers, search: search === undefined ? '' : `?${search}`, body },
          context: async () => createContext(deps, rawCaller(req, trustProxy), id),
        });
        for (const [key, value] of answer.headers) res.setHeader(key, value);
        res.statusCode = answer.status ?? 200;
        if (answer.body.kind === 'complete') return void res.end(answer.body.string);
        for await (const chunk of answer.body.asyncIterator) res.write(chunk);
        res.end();
      })().catch((error) => {
        deps.log.error({ err: error }, 'graphql request failed');
        if (res.headersSent) return void res.end();
        sendError(res, toAppError(error));
      });
    });
    return true;
  };
}
