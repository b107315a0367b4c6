import type { EntityManager } from '@mikro-orm/postgresql';
import type { TokenIssuer } from '../auth/tokens';
import type { Logger } from '../logger';
import type { ActorCache } from '../auth/actor-cache';
import type { EventBus } from '../events/event-bus';
import type { PresenceBackend } from '../presence/presence-types';
import type { MediaGateway } from '../sfu/media-gateway';
import type { CallConnections } from '../presence/call-connections';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';
import { DepartmentsService } from './departments.service';
import { LinksService } from './links.service';
import { TagsService } from './tags.service';
import { CompanyService } from './company.service';
import { QueueMath } from './queue';
import { WidgetService } from './widget.service';
import { CallsService } from './calls.service';
import { EvaluationsService } from './evaluations.service';
import { TurnService } from './turn.service';
import { FilesService } from './files.service';
import { PresenceService } from './presence.service';
import { QueueNotifier } from './queue-notifier';
import { CallEvents } from './call-events';
import { RealtimeService } from './realtime.service';
import { CallControlsService } from './call-controls.service';
import { AppointmentsService } from './appointments.service';
import { CustomersService } from './customers.service';
import { AnalyticsService } from './analytics.service';
import { CallRouter } from './call-router';
import { AuditLogService } from './audit-log.service';
import { WebhooksService } from './webhooks.service';
import type { Jobs } from '../jobs/queue';
import type { Storage } from '../storage';

export type Services = ReturnType<typeof createServices>;

export interface ServiceSettings {
  tokens: TokenIssuer;
  publicUrl: string;
  websocketUrl: string;
  customerTokenTtlSeconds: number;
  turnSecret: string;
  turnUrls: string[];
  dataDir: string;
  uploadLimitBytes: number;
  /** Webhook URLs may point at private addresses (development). */
  webhookAllowPrivate: boolean;
}

/** The real-time plumbing the services publish through; the app picks in-process or Redis. */
export interface RealtimeDeps {
  bus: EventBus;
  presenceBackend: PresenceBackend;
  /** Names this process in presence entries, so its death can expire them. */
  instanceId: string;
  media: MediaGateway;
  /** Which participants have a socket open on which call, on any instance. */
  connections: CallConnections;
  /** Where files live (DATA_DIR or S3). */
  storage: Storage;
  /** The durable job queue (PostgreSQL). */
  jobs: Jobs;
  /** A fresh EntityManager for work that happens outside any request. */
  fork: () => EntityManager;
  log: Logger;
  /** Who tokens' users are; evicted by the services that change them. */
  actors: ActorCache;
}

export function createServices(s: ServiceSettings, rt: RealtimeDeps) {
  const auth = new AuthService(s.tokens);
  const evaluations = new EvaluationsService();
  const presence = new PresenceService(rt.presenceBackend, rt.bus, rt.instanceId);
  const queue = new QueueMath(presence);
  const notifier = new QueueNotifier(rt.bus, queue, rt.fork, rt.log);
  const events = new CallEvents(rt.bus, notifier, presence);
  const router = new CallRouter(presence, events, queue, rt.fork, rt.log);
  presence.whenOnlineChanges((tenantId, departmentId, userId) => {
    notifier.changed(tenantId, departmentId);
    router.presenceChanged(tenantId, departmentId, userId).catch((err) => rt.log.warn({ err, userId }, 'routing after a presence change failed'));
  });
  events.whenQueued((tenantId) => router.poke(tenantId));
  return {
    auth,
    users: new UsersService(auth, rt.bus, rt.actors),
    departments: new DepartmentsService(rt.bus),
    links: new LinksService(s.publicUrl),
    tags: new TagsService(),
    company: new CompanyService(),
    widget: new WidgetService(queue, s.tokens, evaluations, events, {
      websocketUrl: s.websocketUrl, customerTokenTtl: s.customerTokenTtlSeconds,
    }),
    calls: new CallsService(events),
    evaluations,
    turn: new TurnService(s.turnSecret, s.turnUrls),
    files: new FilesService(s.dataDir, s.uploadLimitBytes, rt.storage),
    presence,
    queue,
    notifier,
    events,
    router,
    realtime: new RealtimeService(rt.bus, presence, queue, rt.media, rt.connections, rt.fork, rt.log, rt.actors),
    callControls: new CallControlsService(rt.bus, presence, rt.media, rt.fork),
    appointments: new AppointmentsService(rt.bus),
    customers: new CustomersService(),
    analytics: new AnalyticsService(),
    auditLog: new AuditLogService(),
    webhooks: new WebhooksService(rt.jobs, s.webhookAllowPrivate),
  };
}
