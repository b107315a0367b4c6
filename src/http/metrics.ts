import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from '../db/rows';
import type { LocalMedia } from '../sfu/local-media';

const ROUTE = Symbol('voki.route');

/** Names the route a response answers (the pattern, never the raw path), for the request metrics. */
export function labelRoute(res: ServerResponse, route: string) {
  (res as ServerResponse & { [ROUTE]?: string })[ROUTE] = route;
}

function routeOf(req: IncomingMessage, res: ServerResponse): string {
  const labelled = (res as ServerResponse & { [ROUTE]?: string })[ROUTE];
  if (labelled) return labelled;
  const express = req as Partial<Request>;
  if (express.route?.path) return `${express.baseUrl ?? ''}${express.route.path}`;
  return 'unmatched';
}

export interface MetricSources {
  fork: () => EntityManager;
  sockets: { phoenix: () => number; graphqlWs: () => number };
  media?: LocalMedia;
  /** Jobs waiting or running, per queue. */
  jobs?: () => Promise<Record<string, number>>;
}

/**
 * This instance's metrics in the Prometheus text format (CONTRACT §14). Request counts and
 * latencies are counted as responses finish; the rest is read when scraped: open sockets, the
 * queues and live calls (one indexed query each, over every tenant), and the media workers.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request latency by method and route pattern', labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'voki_' });
    const sockets = new Gauge({ name: 'voki_sockets_open', help: 'Open sockets by door', labelNames: ['door'], registers: [this.registry],
      collect() {
        this.set({ door: 'phoenix' }, sources.sockets.phoenix());
        this.set({ door: 'graphql-ws' }, sources.sockets.graphqlWs());
      } });
    void sockets;
    // Both queue gauges come from one query per scrape: the first collect() starts it, the
    // second takes the same answer and clears it for the next scrape.
    let shared: Promise<Array<{ departmentId: string; n: number; oldest: number }>> | undefined;
    let takers = 0;
    const queues = () => {
      if (!shared) {
        takers = 0;
        shared = readRows(sources.fork(),
          `select department_id as "departmentId", (count(*))::int as n, extract(epoch from now() - min(inserted_at))::float8 as oldest
             from calls where status = 'queued' group by department_id`, []);
      }
      const answer = shared;
      if (++takers === 2) shared = undefined;
      return answer;
    };
    new Gauge({ name: 'voki_queue_size', help: 'Customers waiting, by department', labelNames: ['department_id'], registers: [this.registry],
      async collect() {
        this.reset();
        for (const q of await queues()) this.set({ department_id: q.departmentId }, q.n);
      } });
    new Gauge({ name: 'voki_queue_oldest_wait_seconds', help: 'How long the longest-waiting customer has waited, by department', labelNames: ['department_id'], registers: [this.registry],
      async collect() {
        this.reset();
        for (const q of await queues()) this.set({ department_id: q.departmentId }, Math.round(q.oldest));
      } });
    new Gauge({ name: 'voki_calls', help: 'Calls in progress, by status', labelNames: ['status'], registers: [this.registry],
      async collect() {
        const rows = await readRows<{ status: string; n: number }>(sources.fork(),
          `select status, (count(*))::int as n from calls where status in ('queued', 'assigned', 'active') group by status`, []);
        for (const status of ['queued', 'assigned', 'active']) this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
      } });
    const media = (name: string, help: string, key: 'rooms' | 'transports' | 'producers' | 'consumers') =>
      new Gauge({ name, help, labelNames: ['worker'], registers: [this.registry],
        async collect() {
          this.reset();
          for (const [worker, counts] of (await sources.media?.counts()) ?? []) this.set({ worker: String(worker) }, counts[key]);
        } });
    new Gauge({ name: 'voki_media_workers', help: 'Live mediasoup workers of this instance', registers: [this.registry],
      collect() {
        this.set(sources.media?.workers.size ?? 0);
      } });
    new Gauge({ name: 'voki_jobs_queued', help: 'Background jobs waiting or running, by queue (every instance sees the same)', labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        for (const [queue, n] of Object.entries((await sources.jobs?.()) ?? {})) this.set({ queue }, n);
      } });
    media('voki_media_rooms', 'Calls with media, by worker', 'rooms');
    media('voki_media_transports', 'WebRTC transports, by worker', 'transports');
    media('voki_media_producers', 'Producers, by worker', 'producers');
    media('voki_media_consumers', 'Consumers, by worker', 'consumers');
  }

  /** Webhook delivery attempts of this instance, by outcome: delivered, retry (failed, will be retried), failed (for good). */
  readonly webhookDeliveries = new Counter({
    name: 'voki_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome (delivered, retry, failed)', labelNames: ['outcome'],
    registers: [this.registry],
  });

  /** Label sets seen so far → their children: every request is counted, so no label hashing per request. */
  private readonly children = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();

  /** Counts a finished response. */
  observe(req: IncomingMessage, res: ServerResponse, seconds: number) {
    const route = routeOf(req, res);
    const method = req.method ?? 'GET';
    const key = `${method} ${res.statusCode} ${route}`;
    let child = this.children.get(key);
    if (!child) {
      child = { count: this.requests.labels(method, route, String(res.statusCode)), time: this.latency.labels(method, route) };
      this.children.set(key, child);
    }
    child.count.inc();
    child.time.observe(seconds);
  }

  /** GET /metrics; with METRICS_TOKEN, only for `Authorization: Bearer <METRICS_TOKEN>`. */
  handler(token: string | undefined) {
    const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
    return async (req: Request, res: Response) => {
      if (expected) {
        const given = Buffer.from(req.headers.authorization ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          return res.status(401).set('WWW-Authenticate', 'Bearer').json({ errors: { detail: 'Unauthorized' } });
        }
      }
      try {
        res.type(this.registry.contentType).send(await this.registry.metrics());
      } catch {
        res.status(503).set('Retry-After', '5').json({ errors: { detail: 'Service unavailable' } });
      }
    };
  }
}
