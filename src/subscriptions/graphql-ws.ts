import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { CloseCode } from 'graphql-ws';
import type { GraphQLSchema } from 'graphql';
import { authenticateToken, type Principal } from '../auth/principal';
import { bearerToken } from '../auth/authenticate';
import { createContext, type ContextDeps } from '../context';
import { formatError } from '../http/graphql';
import { originAllowed, refuseUpgrade } from './upgrade';

type Params = Record<string, unknown> | undefined;

/** `{authorization: "Bearer …"}`, `{Authorization: …}` or `{token: …}` (a customer's websocket token). */
function tokenOf(params: Params): string | undefined {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  if (typeof raw !== 'string') return undefined;
  return bearerToken(raw) ?? (raw.includes(' ') ? undefined : raw);
}

/**
 * graphql-ws on `/graphql`: the same schema, queries and mutations included. Authentication is
 * in `connection_init`: no token closes with 4401, a bad one (or an X-Tenant that is not the
 * token's) with 4403. Results and errors are formatted as on HTTP.
 */
export function createGraphQLWsEndpoint(schema: GraphQLSchema, deps: ContextDeps, options: { maxFrameBytes: number; allowedOrigins: '*' | string[] }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false });
  const principals = new WeakMap<object, { principal: Principal; id: string }>();
  const format = formatError(deps.log);
  const disposable = useServer<Params>({
    schema,
    onConnect: async (ctx) => {
      const token = tokenOf(ctx.connectionParams);
      if (!token) {
        ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
        return false;
      }
      try {
        const principal = await authenticateToken(deps.tokens, deps.orm.em.fork() as never, token);
        const tenant = ctx.connectionParams?.tenant ?? ctx.connectionParams?.['x-tenant'] ?? ctx.connectionParams?.['X-Tenant'];
        if (tenant !== undefined && (principal.kind !== 'user' || tenant !== principal.actor.tenantSlug)) return false;
        principals.set(ctx.extra.socket, { principal, id: randomUUID() });
        return true;
      } catch {
        return false;
      }
    },
    context: (ctx, id) => {
      const who = principals.get(ctx.extra.socket)!;
      const socket = ctx.extra.socket;
      return createContext(deps, {
        ip: ctx.extra.request.socket.remoteAddress ?? '',
        principal: who.principal,
        connection: { id: `${who.id}:${id}`, closed: () => socket.readyState >= socket.CLOSING },
      }, randomUUID());
    },
    onNext: (_ctx, _id, _payload, _args, result) => {
      if (!result.errors?.length) return;
      return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) };
    },
  }, wss);

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      if (!originAllowed(req.headers.origin, options.allowedOrigins)) return refuseUpgrade(socket, 403, 'origin not allowed');
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close() {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await disposable.dispose();
      wss.close();
    },
  };
}
