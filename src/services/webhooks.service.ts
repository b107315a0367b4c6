import { randomUUID } from 'node:crypto';
import type { Scope } from '../auth/actor';
import { requireRole } from '../auth/roles';
import { conflict, invalid, notFound } from '../errors';
import { readRows } from '../db/rows';
import { inTransaction } from '../db/transaction';
import { CreateWebhookInput, UpdateWebhookInput } from '../schema/webhook.type';
import { parseWebhookUrl, resolveTarget, UnsafeUrl } from '../webhooks/url-guard';
import { newSecret } from '../webhooks/signing';
import { QUEUES, type Jobs } from '../jobs/queue';
import { audit, changesBetween } from './audit';
import { requireUuid } from './guards';
import type { PageArgs } from './pagination';
import { rowPage } from './raw-page';
import { validated } from './validate';

interface WebhookRow { id: string; url: string; events: string[]; description: string | null; active: boolean; insertedAt: Date }
interface DeliveryRow {
  id: string; eventType: string; status: string; attempts: number; responseStatus: number | null;
  lastAttemptAt: Date | null; nextAttemptAt: Date | null; insertedAt: Date;
}

const COLUMNS = 'id, url, events, description, active, inserted_at as "insertedAt"';
const DELIVERY_COLUMNS = `id, event_type as "eventType", status, attempts, response_status as "responseStatus",
  last_attempt_at as "lastAttemptAt", next_attempt_at as "nextAttemptAt", inserted_at as "insertedAt"`;

const view = (w: WebhookRow) => ({ id: w.id, url: w.url, events: w.events, description: w.description, active: w.active, insertedAt: w.insertedAt });
const deliveryView = (d: DeliveryRow) => ({
  id: d.id, eventType: d.eventType, status: d.status, attempts: d.attempts, responseStatus: d.responseStatus,
  lastAttemptAt: d.lastAttemptAt, nextAttemptAt: d.nextAttemptAt, insertedAt: d.insertedAt,
});
const audited = (w: WebhookRow) => ({ url: w.url, events: w.events, description: w.description, active: w.active });

export interface WebhookInput { url?: string; events?: string[]; description?: string | null; active?: boolean }

/** Managers' webhook endpoints (CONTRACT §10); deliveries are made by the jobs. */
export class WebhooksService {
  constructor(private readonly jobs: Jobs | undefined, private readonly allowPrivate: boolean) {}

  async list(scope: Scope, args: PageArgs) {
    requireRole(scope.actor, 'manager');
    const { rows, meta } = await rowPage<WebhookRow>(
      scope.em, { select: COLUMNS, from: 'webhooks', where: ['tenant_id = ?'], params: [scope.actor.tenantId], sortColumns: { inserted_at: 'inserted_at' }, tieBreaker: 'id' },
      args, { sortBy: 'inserted_at', sortOrder: 'desc' },
    );
    return { data: rows.map(view), meta };
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'manager');
    return view(await this.load(scope, id));
  }

  async create(scope: Scope, input: WebhookInput & { url: string; events: string[] }) {
    await validated(CreateWebhookInput, input);
    requireRole(scope.actor, 'manager');
    const url = await this.safeUrl(input.url);
    const id = randomUUID();
    const secret = newSecret();
    const events = [...new Set(input.events)];
    await inTransaction(scope.em, async () => {
      await scope.em.execute(
        'insert into webhooks (id, tenant_id, url, events, description, active) values (?, ?, ?, ?::jsonb, ?, ?)',
        [id, scope.actor.tenantId, url, JSON.stringify(events), input.description ?? null, input.active ?? true],
      );
      await scope.em.execute('insert into webhook_secrets (id, webhook_id, secret) values (?, ?, ?)', [randomUUID(), id, secret]);
      audit(scope, { action: 'webhook.created', targetType: 'webhook', targetId: id, changes: { url: [null, url], events: [null, events] } });
      await scope.em.flush();
    });
    return { ...view(await this.load(scope, id)), secret };
  }

  async update(scope: Scope, id: string, input: WebhookInput) {
    await validated(UpdateWebhookInput, input);
    requireRole(scope.actor, 'manager');
    const before = await this.load(scope, id);
    const next: WebhookRow = {
      ...before,
      url: input.url !== undefined ? await this.safeUrl(input.url) : before.url,
      events: input.events ? [...new Set(input.events)] : before.events,
      description: input.description !== undefined ? input.description : before.description,
      active: input.active ?? before.active,
    };
    await inTransaction(scope.em, async () => {
      await scope.em.execute(
        'update webhooks set url = ?, events = ?::jsonb, description = ?, active = ?, updated_at = now() where id = ? and tenant_id = ?',
        [next.url, JSON.stringify(next.events), next.description, next.active, before.id, scope.actor.tenantId],
      );
      audit(scope, { action: 'webhook.updated', targetType: 'webhook', targetId: before.id, changes: changesBetween(audited(before), audited(next)) });
      await scope.em.flush();
    });
    return view(next);
  }

  /** Deleted with its secrets and delivery log; deliveries still queued are dropped. */
  async remove(scope: Scope, id: string) {
    requireRole(scope.actor, 'manager');
    const webhook = await this.load(scope, id);
    await inTransaction(scope.em, async () => {
      await scope.em.execute('delete from webhooks where id = ? and tenant_id = ?', [webhook.id, scope.actor.tenantId]);
      audit(scope, { action: 'webhook.deleted', targetType: 'webhook', targetId: webhook.id, changes: { url: [webhook.url, null] } });
      await scope.em.flush();
    });
    return view(webhook);
  }

  /**
   * A new secret signs from now on; the ones it replaces keep signing for 24 hours (only the
   * newest two sign at all, so a second rotation within the day retires the oldest at once).
   */
  async rotateSecret(scope: Scope, id: string) {
    requireRole(scope.actor, 'manager');
    const webhook = await this.load(scope, id);
    const secret = newSecret();
    await inTransaction(scope.em, async () => {
      await scope.em.execute(
        `update webhook_secrets set expires_at = now() + interval '24 hours' where webhook_id = ? and expires_at is null`, [webhook.id]);
      await scope.em.execute('insert into webhook_secrets (id, webhook_id, secret) values (?, ?, ?)', [randomUUID(), webhook.id, secret]);
      audit(scope, { action: 'webhook.secret_rotated', targetType: 'webhook', targetId: webhook.id });
      await scope.em.flush();
    });
    return { secret };
  }

  async deliveries(scope: Scope, id: string, args: PageArgs) {
    requireRole(scope.actor, 'manager');
    const webhook = await this.load(scope, id);
    const { rows, meta } = await rowPage<DeliveryRow>(
      scope.em, {
        select: DELIVERY_COLUMNS, from: 'webhook_deliveries', where: ['webhook_id = ?', 'tenant_id = ?'], params: [webhook.id, scope.actor.tenantId],
        sortColumns: { inserted_at: 'inserted_at' }, tieBreaker: 'id',
      },
      args, { sortBy: 'inserted_at', sortOrder: 'desc' },
    );
    return { data: rows.map(deliveryView), meta };
  }

  /** Queues one more attempt now; the attempt count and the backoff after it carry on. */
  async retry(scope: Scope, id: string, deliveryId: string) {
    requireRole(scope.actor, 'manager');
    const webhook = await this.load(scope, id);
    const [row] = await scope.em.execute<DeliveryRow[]>(
      `update webhook_deliveries set status = 'pending', next_attempt_at = now()
        where id = ? and webhook_id = ? and tenant_id = ? and (claimed_until is null or claimed_until < now())
        returning ${DELIVERY_COLUMNS}`,
      [requireUuid(deliveryId, 'Delivery'), webhook.id, scope.actor.tenantId],
    );
    if (!row) {
      const [exists] = await readRows(scope.em, 'select 1 from webhook_deliveries where id = ? and webhook_id = ?', [deliveryId.toLowerCase(), webhook.id]);
      if (!exists) throw notFound('Delivery');
      throw conflict('An attempt of this delivery is in progress');
    }
    // The sweep of stranded deliveries would send it within a minute anyway should this fail.
    await this.jobs?.send(QUEUES.webhookDelivery, { deliveryId: row.id });
    return deliveryView(row);
  }

  private async safeUrl(raw: string) {
    try {
      const url = parseWebhookUrl(raw.trim());
      await resolveTarget(url, this.allowPrivate);
      return raw.trim();
    } catch (err) {
      if (err instanceof UnsafeUrl) throw invalid({ url: [err.message] });
      throw err;
    }
  }

  private async load(scope: Scope, id: string): Promise<WebhookRow> {
    const [row] = await readRows<WebhookRow>(scope.em, `select ${COLUMNS} from webhooks where id = ? and tenant_id = ?`,
      [requireUuid(id, 'Webhook'), scope.actor.tenantId]);
    if (!row) throw notFound('Webhook');
    return row;
  }
}
