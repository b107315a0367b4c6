import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cors from 'cors';
import type { Config } from './config';
import type { Logger } from './logger';
import { openDatabase, type Database } from './db/database';
import { TokenIssuer } from './auth/tokens';
import { createServices } from './services';
import { NO_PRESENCE } from './services/queue';
import { RateLimits } from './services/rate-limits';
import { startCallTimers } from './services/call-timers';
import { Redis } from 'ioredis';
import { buildVokiSchema } from './schema/build';
import { requestLog } from './http/request-log';
import { errorHandler, notFoundHandler } from './http/errors';
import { healthHandler } from './http/health';
import { createGraphQLMiddleware } from './http/graphql';
import { createRestMiddleware } from './http/rest';
import { openApiRoutes } from './http/openapi';
import { callFileRoutes } from './http/call-files';
import type { ContextDeps } from './context';

export interface VokiServer {
  url: string;
  httpServer: http.Server;
  db: Database;
  deps: ContextDeps;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra routes mounted before the 404 handler (the benchmark's hand-written floor route). */
  extraRoutes?: (app: express.Express, deps: ContextDeps) => void;
}

export async function startServer(config: Config, log: Logger, options: StartOptions = {}): Promise<VokiServer> {
  const db = await openDatabase(config, log);
  const tokens = new TokenIssuer(config.jwtSecret, config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds);
  const services = createServices({
    tokens, publicUrl: config.publicUrl, websocketUrl: config.websocketUrl, customerTokenTtlSeconds: config.customerTokenTtlSeconds,
    turnSecret: config.turnSecret, turnUrls: config.turnUrls, presence: NO_PRESENCE,
    dataDir: config.dataDir, uploadLimitBytes: config.uploadLimitBytes,
  });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: false }) : undefined;
  redis?.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  if (redis) await waitForRedis(redis, log);
  const rateLimits = new RateLimits({ auth: config.rateLimitAuth, public: config.rateLimitPublic }, redis);
  const deps: ContextDeps = { orm: db.orm, tokens, services, log, rateLimits };
  const timers = startCallTimers(
    () => db.orm.em.fork() as never,
    { assignTimeoutSeconds: config.assignTimeoutSeconds, abandonTimeoutSeconds: config.abandonTimeoutSeconds },
    config.timerIntervalMs, log,
  );
  const schema = await buildVokiSchema();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  app.use(requestLog(log));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(cors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Tenant', 'X-Request-Id', 'Apollo-Require-Preflight'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  }));
  app.get('/health', healthHandler(db));
  app.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  const graphql = await createGraphQLMiddleware(schema, deps);
  app.use('/graphql', graphql.middleware);
  app.use(openApiRoutes(schema));
  app.use(callFileRoutes(deps, services));
  app.use(createRestMiddleware(schema, deps));
  options.extraRoutes?.(app, deps);
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 5000;
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
      await drained;
      clearInterval(sweep);
      clearTimeout(timer);
      await graphql.server.stop();
      await timers.stop();
      redis?.disconnect();
      await db.close();
      log.info('voki stopped');
    })());

  return { url, httpServer, db, deps, close };
}

/** Gives Redis a moment at start-up so the first requests already count there; never blocks for long. */
async function waitForRedis(redis: Redis, log: Logger, ms = 3000) {
  if (redis.status === 'ready') return;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);
  if (!ready) log.warn('redis not ready at start-up; rate limits fail open until it is');
}
