import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { QUEUES, onClient, type Jobs } from '../jobs/queue';
import { parseWebhookUrl, resolveTarget, UnsafeUrl } from './url-guard';
import { signatureHeader } from './signing';
import { postJson } from './post';
import { inPgTransaction } from '../jobs/pg-client';

export interface DeliverySettings {
  allowPrivate: boolean;
  timeoutMs: number;
  /** Seconds before retry 1, 2, …; after the last the delivery has failed. */
  retrySchedule: number[];
}

export type Outcome = 'delivered' | 'retry' | 'failed';

/**
 * How long one attempt may take, past its timeout: its claim lasts that long, and so does its job
 * before pg-boss takes the worker for dead; both lapse together, so the retried job can claim.
 */
export const attemptSeconds = (timeoutMs: number) => Math.ceil(timeoutMs / 1000) + 5;

interface Claimed { id: string; webhook_id: string; body: string; attempts: number; url: string | null; active: boolean | null }

/** Only the newest two live secrets sign (the rotated-out one for its 24 hours). */
const SECRETS_SQL = `select secret from webhook_secrets where webhook_id = $1 and (expires_at is null or expires_at > now())
  order by inserted_at desc limit 2`;

/**
 * One attempt of one delivery, run by a job. The attempt is claimed first (a compare-and-set on
 * a pending, due, unclaimed delivery), so a duplicate or stale job does nothing; a 2xx is
 * recorded before the job completes, and nothing is sent once it has been. A failure schedules
 * the next attempt as a new job in the same transaction that records it.
 */
export class WebhookDeliverer {
  constructor(
    private readonly pool: Pool,
    private readonly jobs: Jobs,
    private readonly settings: DeliverySettings,
    private readonly log: Logger,
    private readonly counted: (outcome: Outcome) => void = () => undefined,
  ) {}

  async attempt(deliveryId: string): Promise<Outcome | 'skipped'> {
    const claimSeconds = attemptSeconds(this.settings.timeoutMs);
    const { rows: [d] } = await this.pool.query<Claimed>(
      `update webhook_deliveries x set attempts = attempts + 1, last_attempt_at = now(), claimed_until = now() + make_interval(secs => $2)
        where x.id = $1 and x.status = 'pending' and x.next_attempt_at <= now() + interval '1 second'
          and (x.claimed_until is null or x.claimed_until < now())
        returning x.id, x.webhook_id, x.body, x.attempts,
                  (select url from webhooks where id = x.webhook_id) as url, (select active from webhooks where id = x.webhook_id) as active`,
      [deliveryId, claimSeconds],
    );
    if (!d) return 'skipped';
    if (!d.url || !d.active) return this.finish(d, 'failed', { error: 'the webhook is disabled' });
    const timestamp = Math.floor(Date.now() / 1000);
    const { rows: secrets } = await this.pool.query<{ secret: string }>(SECRETS_SQL, [d.webhook_id]);
    let result;
    try {
      const url = parseWebhookUrl(d.url);
      const target = await resolveTarget(url, this.settings.allowPrivate);
      result = await postJson(url, target, d.body, {
        'webhook-id': d.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets.map((s) => s.secret), d.id, timestamp, d.body),
      }, this.settings.timeoutMs);
    } catch (err) {
      result = { error: err instanceof UnsafeUrl ? `refused: ${err.message}` : String((err as Error).message ?? err) };
    }
    if (result.status !== undefined && result.status >= 200 && result.status < 300) return this.finish(d, 'delivered', result);
    const wait = this.settings.retrySchedule[d.attempts - 1];
    return wait === undefined ? this.finish(d, 'failed', result) : this.retryLater(d, wait, result);
  }

  private async finish(d: Claimed, outcome: 'delivered' | 'failed', result: { status?: number; error?: string }) {
    await this.pool.query(
      `update webhook_deliveries set status = $2, response_status = $3, last_error = $4, next_attempt_at = null, claimed_until = null
        where id = $1`,
      [d.id, outcome, result.status ?? null, result.error ?? null],
    );
    this.counted(outcome);
    if (outcome === 'failed') this.log.info({ deliveryId: d.id, attempts: d.attempts, error: result.error, status: result.status }, 'webhook delivery failed for good');
    return outcome;
  }

  private async retryLater(d: Claimed, wait: number, result: { status?: number; error?: string }): Promise<Outcome> {
    await inPgTransaction(this.pool, async (client) => {
      await client.query(
        `update webhook_deliveries set response_status = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4), claimed_until = null
          where id = $1`,
        [d.id, result.status ?? null, result.error ?? (result.status ? `answered ${result.status}` : null), wait],
      );
      await this.jobs.send(QUEUES.webhookDelivery, { deliveryId: d.id }, { startAfter: wait, db: onClient(client) });
    });
    this.counted('retry');
    return 'retry';
  }
}
