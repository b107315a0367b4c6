import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventBus } from '../events/event-bus';
import { SESSIONS_TOPIC, revokedUser } from '../events/sessions';
import { useServer } from 'graphql-ws/use/ws';
import { CloseCode } from 'graphql-ws';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { authenticateToken, type Principal } from '../auth/principal';
import { bearerToken } from '../auth/authenticate';
import { createContext, type ContextDeps } from '../context';
import { formatError, QUERY_LIMITS } from '../http/graphql';
import { originAllowed, refuseUpgrade } from './upgrade';
import { MessageBudget } from './message-budget';

type Params = Record<string, unknown> | undefined;

/** `{authorization: "Bearer …"}`, `{Authorization: …}` or `{token: …}` (a customer's websocket token). */
function tokenOf(params: Params): string | undefined {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  if (typeof raw !== 'string') return undefined;
  return bearerToken(raw) ?? (raw.includes(' ') ? undefined : raw);
}

/** A socket lives no longer than its token, as on the Phoenix endpoint. */
function closeAtExpiry(socket: import('ws').WebSocket, expiresAt: number) {
  const timer = setTimeout(() => socket.close(CloseCode.Forbidden, 'Token expired'), Math.min(2 ** 31 - 1, Math.max(0, expiresAt - Date.now())));
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * graphql-ws on `/graphql`: the same schema, queries and mutations included. Authentication is
 * in `connection_init`: no token closes with 4401, a bad one (or an X-Tenant that is not the
 * token's) with 4403. Results and errors are formatted as on HTTP.
 */
export function createGraphQLWsEndpoint(
  schema: GraphQLSchema, deps: ContextDeps, bus: EventBus, options: { maxFrameBytes: number; allowedOrigins: '*' | string[]; messagesPerSecond: number },
) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false });
  const principals = new WeakMap<object, { principal: Principal; id: string }>();
  const format = formatError(deps.log);
  // Sockets per user, so a revoked user's sockets can be closed.
  const byUser = new Map<string, Set<WebSocket>>();
  const trackUser = (userId: string, socket: WebSocket) => {
    let set = byUser.get(userId);
    if (!set) byUser.set(userId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (!set.size) byUser.delete(userId);
    });
  };
  const unsubscribeSessions = bus.subscribe(SESSIONS_TOPIC, (e) => {
    const revoked = revokedUser(e);
    const reason = revoked?.reason === 'access changed' ? 'Access changed' : 'Session revoked';
    for (const socket of byUser.get(revoked?.userId ?? '') ?? []) socket.close(CloseCode.Forbidden, reason);
  });
  const rules = [...specifiedRules, ...new ApolloArmor(QUERY_LIMITS).protect().validationRules];
  const disposable = useServer<Params>({
    schema,
    onConnect: async (ctx) => {
      const token = tokenOf(ctx.connectionParams);
      if (!token) {
        ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
        return false;
      }
      try {
        const principal = await authenticateToken(deps.tokens, deps.orm.em.fork() as never, token, deps.actors);
        const tenant = ctx.connectionParams?.tenant ?? ctx.connectionParams?.['x-tenant'] ?? ctx.connectionParams?.['X-Tenant'];
        if (tenant !== undefined && (principal.kind !== 'user' || tenant !== principal.actor.tenantSlug)) return false;
        principals.set(ctx.extra.socket, { principal, id: randomUUID() });
        if (principal.kind === 'user') trackUser(principal.actor.userId, ctx.extra.socket);
        closeAtExpiry(ctx.extra.socket, principal.expiresAt);
        return true;
      } catch {
        return false;
      }
    },
    // The same limits as on HTTP (depth, aliases, cost, tokens), then the context of the socket.
    onSubscribe: (ctx, id, payload) => {
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: QUERY_LIMITS.maxTokens.n });
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
      }
      const errors = validate(schema, document, rules);
      if (errors.length) return errors;
      const who = principals.get(ctx.extra.socket)!;
      const socket = ctx.extra.socket;
      const contextValue = createContext(deps, {
        ip: ctx.extra.request.socket.remoteAddress ?? '',
        principal: who.principal,
        connection: { id: `${who.id}:${id}`, closed: () => socket.readyState >= socket.CLOSING },
      }, randomUUID());
      return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
    },
    onNext: (_ctx, _id, _payload, _args, result) => {
      if (!result.errors?.length) return;
      return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) };
    },
  }, wss);

  // The same message budget as a Phoenix socket; graphql-ws has already read the message.
  wss.on('connection', (socket) => {
    const budget = new MessageBudget(options.messagesPerSecond);
    socket.on('message', () => {
      if (!budget.spend()) socket.close(1008, 'too many messages');
    });
  });

  return {
    /** Open sockets, for /metrics. */
    get size() {
      return wss.clients.size;
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      if (!originAllowed(req.headers.origin, options.allowedOrigins)) return refuseUpgrade(socket, 403, 'origin not allowed');
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close() {
      unsubscribeSessions();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await disposable.dispose();
      wss.close();
    },
  };
}
