import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GraphQLSchema } from 'graphql';
import { authenticateToken } from '../../auth/principal';
import { toAppError } from '../../errors';
import type { ContextDeps } from '../../context';
import type { EventBus } from '../../events/event-bus';
import { CLOSE, PhoenixConnection, type ConnectionLimits } from './connection';
import { TopicHub } from './hub';
import { PushRunner } from './pushes';
import type { Vsn } from './frames';
import { refuseUpgrade, originAllowed } from '../upgrade';
import { SESSIONS_TOPIC, revokedUser } from '../../events/sessions';

export interface PhoenixOptions extends ConnectionLimits {
  /** A socket silent (no heartbeat, no message) this long is closed. */
  heartbeatTimeoutMs: number;
  maxFrameBytes: number;
  allowedOrigins: '*' | string[];
}

/** The `phoenix` client's auth-token subprotocol (`base64url.bearer.phx.<token>`), if used. */
function tokenFromProtocols(header: string | undefined): string | undefined {
  const entry = header?.split(',').map((p) => p.trim()).find((p) => p.startsWith('base64url.bearer.phx.'));
  if (!entry) return undefined;
  return Buffer.from(entry.slice('base64url.bearer.phx.'.length), 'base64url').toString('utf8');
}

/**
 * `/socket/websocket`: checks origin and token at the upgrade (403 before any frame), then runs
 * one PhoenixConnection per socket. One timer sweeps every socket for heartbeat timeouts and
 * expired tokens, rather than a timer per socket.
 */
export class PhoenixEndpoint {
  readonly hub: TopicHub;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<PhoenixConnection>();
  private readonly pushes: PushRunner;
  private readonly sweeper: NodeJS.Timeout;
  private readonly unsubscribeSessions: () => void;

  constructor(schema: GraphQLSchema, private readonly deps: ContextDeps, bus: EventBus, private readonly options: PhoenixOptions) {
    this.hub = new TopicHub(bus);
    this.pushes = new PushRunner(schema, deps);
    this.wss = new WebSocketServer({
      noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false, clientTracking: false,
      // The auth subprotocol is echoed back, as browsers require when they offered one.
      handleProtocols: (protocols) => [...protocols].find((p) => p === 'phoenix') ?? false,
    });
    this.sweeper = setInterval(() => this.sweep(), Math.max(100, Math.min(5000, Math.floor(options.heartbeatTimeoutMs / 4))));
    this.sweeper.unref();
    this.unsubscribeSessions = bus.subscribe(SESSIONS_TOPIC, (e) => {
      const revoked = revokedUser(e);
      for (const c of this.connections) {
        if (c.principal.kind === 'user' && c.principal.actor.userId === revoked?.userId) c.close(CLOSE.policy, revoked.reason);
      }
    });
  }

  get size() {
    return this.connections.size;
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
    if (!originAllowed(req.headers.origin, this.options.allowedOrigins)) return refuseUpgrade(socket, 403, 'origin not allowed');
    const vsnParam = url.searchParams.get('vsn') ?? '1.0.0';
    const vsn: Vsn | undefined = vsnParam.startsWith('2.') ? 2 : vsnParam.startsWith('1.') ? 1 : undefined;
    if (!vsn) return refuseUpgrade(socket, 400, 'unsupported vsn');
    const token = url.searchParams.get('token') ?? tokenFromProtocols(req.headers['sec-websocket-protocol']) ?? undefined;
    let principal;
    try {
      principal = await authenticateToken(this.deps.tokens, this.deps.orm.em.fork() as never, token, this.deps.actors);
    } catch (error) {
      // A database that cannot be reached is not the client's fault: 503, so it retries.
      if (toAppError(error).code === 'SERVICE_UNAVAILABLE') return refuseUpgrade(socket, 503, 'Service unavailable');
      return refuseUpgrade(socket, 403, 'invalid token');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, principal, vsn));
  }

  private attach(ws: WebSocket, principal: PhoenixConnection['principal'], vsn: Vsn) {
    const connection = new PhoenixConnection(
      { send: (frame) => ws.readyState === ws.OPEN && ws.send(frame, { binary: false }), close: (code, reason) => ws.close(code, reason) },
      principal, vsn,
      { realtime: this.deps.services.realtime, hub: this.hub, pushes: this.pushes, log: this.deps.log, limits: this.options },
    );
    this.connections.add(connection);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(CLOSE.malformed, 'binary frames are not supported');
      void connection.receive(data.toString());
    });
    // Oversized frames and protocol errors: ws closes the socket itself (1009/1002).
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.connections.delete(connection);
      void connection.closedByTransport();
    });
  }

  private sweep() {
    const silentSince = Date.now() - this.options.heartbeatTimeoutMs;
    for (const c of this.connections) {
      if (c.lastSeen < silentSince) c.close(CLOSE.goingAway, 'heartbeat timeout');
      else if (c.expired) c.close(CLOSE.policy, 'token expired');
    }
  }

  async close() {
    clearInterval(this.sweeper);
    this.unsubscribeSessions();
    for (const c of this.connections) c.close(CLOSE.goingAway, 'server shutting down');
    await Promise.all([...this.connections].map((c) => c.closedByTransport()));
    this.wss.close();
  }
}
