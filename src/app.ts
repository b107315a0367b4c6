import 'reflect-metadata';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cors from 'cors';
import type { Config } from './config';
import type { Logger } from './logger';
import { openDatabase, type Database } from './db/database';
import { TokenIssuer } from './auth/tokens';
import { createServices } from './services';
import { RateLimits } from './services/rate-limits';
import { announceSweep, startCallTimers } from './services/call-timers';
import { every } from './services/background';
import { Redis } from 'ioredis';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LocalEventBus, type EventBus } from './events/event-bus';
import { RedisEventBus } from './events/redis-event-bus';
import { MemoryPresenceBackend } from './presence/memory-backend';
import { RedisPresenceBackend } from './presence/redis-backend';
import { MemoryCallConnections, RedisCallConnections } from './presence/call-connections';
import { startMedia, type Media } from './sfu/start';
import { startBackground } from './jobs/start';
import { createStorage } from './storage';
import { PhoenixEndpoint } from './subscriptions/phoenix/server';
import { createGraphQLWsEndpoint } from './subscriptions/graphql-ws';
import { refuseUpgrade } from './subscriptions/upgrade';
import { Department } from './entities';
import { buildVokiSchema } from './schema/build';
import { beginRequest } from './http/request-log';
import { errorHandler, notFoundHandler } from './http/errors';
import { healthHandler } from './http/health';
import { Metrics, labelRoute } from './http/metrics';
import { createGraphQLMiddleware } from './http/graphql';
import { createRestDoor, createRestMiddleware } from './http/rest';
import { fastRest } from './http/fast-rest';
import { fastGraphQL } from './http/fast-graphql';
import { openApiRoutes } from './http/openapi';
import { callFileRoutes } from './http/call-files';
import type { ContextDeps } from './context';
import { ActorCache } from './auth/actor-cache';
import { pageRoutes } from './http/pages';
import { listenForActorChanges } from './db/actor-notices';

const PHOENIX_PATHS = new Set(['/socket/websocket', '/socket/websocket/websocket']);

export interface VokiServer {
  url: string;
  phoenix: PhoenixEndpoint;
  bus: EventBus;
  httpServer: http.Server;
  db: Database;
  deps: ContextDeps;
  media: Media;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra routes mounted before the 404 handler (the benchmark's hand-written floor route). */
  extraRoutes?: (app: express.Express, deps: ContextDeps) => void;
  /** Extra WebSocket paths (the benchmark's raw-broadcast baseline). */
  extraUpgrades?: Record<string, (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void>;
}

export async function startServer(config: Config, log: Logger, options: StartOptions = {}): Promise<VokiServer> {
  const db = await openDatabase(config, log);
  // What start-up has opened so far, closed again (newest first) should a later step fail.
  const undo: Array<() => unknown> = [() => db.close()];
  try {
    const tokens = new TokenIssuer(config.jwtSecret, config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds);
    const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: false }) : undefined;
    redis?.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
    undo.push(() => redis?.disconnect());
    if (redis) await waitForRedis(redis, log);
    const instanceId = randomUUID();
    const fork = () => db.orm.em.fork() as unknown as EntityManager;
    const bus: EventBus = redis ? new RedisEventBus(redis, log) : new LocalEventBus((err) => log.warn({ err }, 'event listener failed'));
    if (bus instanceof RedisEventBus) await withTimeout(bus.start(), 3000, () => log.warn('redis event subscription not ready at start-up'));
    undo.push(() => bus.close());
    const presenceBackend = redis ? new RedisPresenceBackend(redis, instanceId, config.presenceLeaseMs) : new MemoryPresenceBackend();
    undo.push(() => presenceBackend.close());
    const connections = redis ? new RedisCallConnections(redis, instanceId) : new MemoryCallConnections();
    const storage = createStorage(config);
    const media = await startMedia(config, bus, fork, storage, log, redis ? { redis, instanceId } : undefined);
    undo.push(() => media.close());
    const background = await startBackground(config, db.url, fork, storage, log);
    undo.push(() => background.stop());
    const actors = new ActorCache();
    const actorNotices = listenForActorChanges(db.url, actors, log);
    undo.push(() => actorNotices.close());
    await withTimeout(actorNotices.ready, 3000, () => log.warn('actor change notices not ready at start-up: the actor cache stays off'));
    const services = createServices({
      tokens, publicUrl: config.publicUrl, websocketUrl: config.websocketUrl, customerTokenTtlSeconds: config.customerTokenTtlSeconds,
      turnSecret: config.turnSecret, turnUrls: config.turnUrls,
      dataDir: config.dataDir, uploadLimitBytes: config.uploadLimitBytes, webhookAllowPrivate: config.webhooks.allowPrivate,
    }, { bus, presenceBackend, instanceId, media: media.gateway, connections, jobs: background.jobs, storage, fork, log, actors });
    const rateLimits = new RateLimits({ auth: config.rateLimitAuth, public: config.rateLimitPublic }, redis);
    const deps: ContextDeps = { orm: db.orm, tokens, services, log, rateLimits, actors };
    const timers = startCallTimers(
      fork,
      { assignTimeoutSeconds: config.assignTimeoutSeconds, abandonTimeoutSeconds: config.abandonTimeoutSeconds, graceSeconds: config.reconnectGraceSeconds },
      config.timerIntervalMs, log,
      (result, em) => announceSweep(result, services.events, services.queue, em),
    );
    const routing = every(config.timerIntervalMs, () => services.router.sweep(), log, 'routing sweep');
    const reminders = every(config.timerIntervalMs, () => services.appointments.sendDueReminders(fork(), config.reminderLeadSeconds), log, 'appointment reminders');
    const tenantOf = async (departmentId: string) =>
      (await fork().findOne(Department, { id: departmentId }, { filters: false }))?.tenantId;
    const reaper = redis ? every(Math.max(200, Math.floor(config.presenceLeaseMs / 3)), () => services.presence.reap(tenantOf), log, 'presence reaper') : undefined;
    services.realtime.startSeenTouch(Math.max(500, Math.floor((config.abandonTimeoutSeconds * 1000) / 3)));
    undo.push(() => services.realtime.stop(), () => services.notifier.stop(), () => timers.stop(), () => services.router.settled(), () => routing.stop(), () => reminders.stop(), () => reaper?.stop());
    const schema = await buildVokiSchema();

    // The socket counts are read at scrape time, once the endpoints below exist.
    const metrics = new Metrics({
      fork, media: media.local, sockets: { phoenix: () => phoenix.size, graphqlWs: () => graphqlWs.size }, jobs: () => background.jobs.depth(),
    });
    await background.work((outcome) => metrics.webhookDeliveries.inc({ outcome }));
    const app = express();
    app.disable('x-powered-by');
    app.set('trust proxy', config.trustProxy);
    app.set('query parser', 'simple');
    const corsHeaders = cors({
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Tenant', 'X-Request-Id', 'Apollo-Require-Preflight'],
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
      maxAge: 600,
    });
    app.use((req, res, next) => beginRequest(log, corsHeaders as never, req, res, req.path, (id) => {
      req.id = id;
      next();
    }));
    app.get('/health', healthHandler(db, media.status));
    app.get('/metrics', metrics.handler(config.metricsToken));
    app.use('/graphql', (_req, res, next) => {
      labelRoute(res, '/graphql');
      next();
    });
    app.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
    const graphql = await createGraphQLMiddleware(schema, deps);
    undo.push(() => graphql.server.stop());
    app.use('/graphql', graphql.middleware);
    app.use(pageRoutes({ websocketUrl: config.websocketUrl, log }));
    app.use(openApiRoutes(schema));
    app.use(callFileRoutes(deps, services));
    const restDoor = createRestDoor(schema, deps);
    app.use(createRestMiddleware(restDoor));
    options.extraRoutes?.(app, deps);
    app.use(notFoundHandler);
    app.use(errorHandler(log));

    const phoenix = new PhoenixEndpoint(schema, deps, bus, {
      heartbeatTimeoutMs: config.wsHeartbeatTimeoutMs, maxFrameBytes: config.wsMaxFrameBytes,
      messagesPerSecond: config.wsMessagesPerSecond, allowedOrigins: config.wsAllowedOrigins,
    });
    const graphqlWs = createGraphQLWsEndpoint(schema, deps, bus, {
      maxFrameBytes: config.wsMaxFrameBytes, allowedOrigins: config.wsAllowedOrigins, messagesPerSecond: config.wsMessagesPerSecond,
    });
    undo.push(() => phoenix.close(), () => graphqlWs.close());

    // The hot doors on plain node:http; Express serves everything they leave.
    const restFast = fastRest(restDoor, log, corsHeaders as never, config.trustProxy, config.bodyLimitBytes);
    const fastGraph = fastGraphQL(graphql, deps, corsHeaders as never, config.trustProxy, config.bodyLimitBytes);
    const httpServer = http.createServer((req, res) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => metrics.observe(req, res, Number(process.hrtime.bigint() - started) / 1e9));
      if (!restFast(req, res) && !fastGraph(req, res)) app(req, res);
    });
    httpServer.keepAliveTimeout = 5000;
    httpServer.on('upgrade', (req, socket, head) => {
      socket.on('error', () => undefined);
      const url = new URL(req.url ?? '/', 'http://localhost');
      // Seeds 001/003 print `new Socket(".../socket/websocket")`, and the official client appends
      // `/websocket` to whatever it is given: that copied code arrives here, and is accepted too.
      if (PHOENIX_PATHS.has(url.pathname)) void phoenix.handleUpgrade(req, socket, head, url);
      else if (url.pathname === '/graphql') graphqlWs.handleUpgrade(req, socket, head);
      else if (options.extraUpgrades?.[url.pathname]) options.extraUpgrades[url.pathname](req, socket, head);
      else refuseUpgrade(socket, 404, 'Not found');
    });
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
    const { port } = httpServer.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    log.info({ port, host: config.host, publicUrl: config.publicUrl, embeddedDatabase: db.embedded }, 'voki listening');

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // Keep-alive connections go idle as their last response ends; close each as soon as it does.
        const sweep = setInterval(() => httpServer.closeIdleConnections(), 50);
        const timer = setTimeout(() => httpServer.closeAllConnections(), config.shutdownGraceMs);
        await Promise.all([phoenix.close(), graphqlWs.close()]);
        await drained;
        clearInterval(sweep);
        clearTimeout(timer);
        await graphql.server.stop();
        await Promise.all([timers.stop(), routing.stop(), reminders.stop(), reaper?.stop(), services.notifier.stop(), services.realtime.stop()]);
        await services.router.settled();
        await background.stop();
        await actorNotices.close();
        await media.close();
        await presenceBackend.close();
        await bus.close();
        redis?.disconnect();
        await db.close();
        log.info('voki stopped');
      })());

    return { url, httpServer, db, deps, phoenix, bus, media, close };
  } catch (error) {
    for (const step of undo.reverse()) await Promise.resolve().then(step).catch(() => undefined);
    throw error;
  }
}

async function withTimeout(work: Promise<unknown>, ms: number, onTimeout: () => void) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(() => {
    onTimeout();
    resolve();
  }, ms)));
  await Promise.race([work.then(() => undefined), late]);
  clearTimeout(timer);
}

/** Gives Redis a moment at start-up so the first requests already count there; never blocks for long. */
async function waitForRedis(redis: Redis, log: Logger, ms = 3000) {
  if (redis.status === 'ready') return;
  await withTimeout(new Promise((resolve) => redis.once('ready', resolve)), ms,
    () => log.warn('redis not ready at start-up; rate limits fail open until it is'));
}
