import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { QUEUES, onClient, type Jobs } from '../jobs/queue';
import { parseWebhookUrl, resolveTarget, UnsafeUrl } from './url-guard';
import { signatureHeader } from './signing';
import { postJson, type PostResult as Result } from './post';
import { PinnedAgents } from './agents';
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

/** Only the newest two live secrets of each webhook sign (the rotated-out one for its 24 hours). */
const SECRETS_SQL = `select webhook_id, secret from (
    select webhook_id, secret, row_number() over (partition by webhook_id order by inserted_at desc) as n
      from webhook_secrets where webhook_id = any($1::uuid[]) and (expires_at is null or expires_at > now())) s
  where n <= 2 order by webhook_id, n`;

/** Records the final outcome of several attempts in one statement. */
const FINISH_SQL = `update webhook_deliveries w set status = v.status, response_status = v.response_status, last_error = v.last_error,
    next_attempt_at = null, claimed_until = null
  from unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) as v(id, status, response_status, last_error)
  where w.id = v.id`;

/** How long a batch's answers are waited for to be recorded together. */
const TOGETHER_MS = 200;

/**
 * Attempts of deliveries, run by jobs, a batch at a time (one claim, one secrets read and one
 * record for the whole batch; the POSTs side by side). Each attempt is claimed first (a
 * compare-and-set on a pending, due, unclaimed delivery), so a duplicate or stale job does
 * nothing; a 2xx is recorded before the job completes, and nothing is sent once it has been. A
 * failure schedules the next attempt as a new job in the same transaction that records it.
 */
export class WebhookDeliverer {
  private readonly agents = new PinnedAgents();

  constructor(
    private readonly pool: Pool,
    private readonly jobs: Jobs,
    private readonly settings: DeliverySettings,
    private readonly log: Logger,
    private readonly counted: (outcome: Outcome) => void = () => undefined,
  ) {}

  /** One attempt of each delivery (those already delivered, claimed or not due are skipped). */
  async attempt(deliveryIds: string[]): Promise<void> {
    const claimSeconds = attemptSeconds(this.settings.timeoutMs);
    const { rows: claimed } = await this.pool.query<Claimed>(
      `update webhook_deliveries x set attempts = attempts + 1, last_attempt_at = now(), claimed_until = now() + make_interval(secs => $2)
        where x.id = any($1::uuid[]) and x.status = 'pending' and x.next_attempt_at <= now() + interval '1 second'
          and (x.claimed_until is null or x.claimed_until < now())
        returning x.id, x.webhook_id, x.body, x.attempts,
                  (select url from webhooks where id = x.webhook_id) as url, (select active from webhooks where id = x.webhook_id) as active`,
      [deliveryIds, claimSeconds],
    );
    if (!claimed.length) return;
    const secrets = new Map<string, string[]>();
    const { rows } = await this.pool.query<{ webhook_id: string; secret: string }>(SECRETS_SQL, [[...new Set(claimed.map((d) => d.webhook_id))]]);
    for (const r of rows) secrets.set(r.webhook_id, [...(secrets.get(r.webhook_id) ?? []), r.secret]);

    // Most receivers answer within milliseconds and are recorded together; one that takes
    // longer is recorded on its own when it answers, not holding the others' records back.
    const answers = claimed.map(async (d) => ({ d, result: await this.post(d, secrets.get(d.webhook_id) ?? []) }));
    const inTime: Array<{ d: Claimed; result: Result }> = [];
    for (const answer of answers) void answer.then((a) => inTime.push(a));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(answers), new Promise((resolve) => (timer = setTimeout(resolve, TOGETHER_MS)))]);
    clearTimeout(timer);
    const together = new Set(inTime.map((a) => a.d));
    await this.record([...inTime]);
    await Promise.all(answers.map(async (answer, i) => {
      if (!together.has(claimed[i])) await this.record([await answer]);
    }));
  }

  /** Records what the receivers answered: final outcomes in one statement, retries each with its job. */
  private async record(answers: Array<{ d: Claimed; result: Result }>) {
    const final: Array<{ d: Claimed; outcome: 'delivered' | 'failed'; result: Result }> = [];
    await Promise.all(answers.map(async ({ d, result }) => {
      const wait = this.settings.retrySchedule[d.attempts - 1];
      if (result.status !== undefined && result.status >= 200 && result.status < 300) final.push({ d, outcome: 'delivered', result });
      else if (wait === undefined || !d.url || !d.active) final.push({ d, outcome: 'failed', result });
      else await this.retryLater(d, wait, result);
    }));
    if (final.length) await this.finish(final);
  }

  /** Closes the kept connections to receivers. */
  close() {
    this.agents.close();
  }

  private async post(d: Claimed, secrets: string[]): Promise<Result> {
    if (!d.url || !d.active) return { error: 'the webhook is disabled' };
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const url = parseWebhookUrl(d.url);
      const target = await resolveTarget(url, this.settings.allowPrivate);
      return await postJson(url, this.agents.for(url, target), d.body, {
        'webhook-id': d.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, d.id, timestamp, d.body),
      }, this.settings.timeoutMs);
    } catch (err) {
      return { error: err instanceof UnsafeUrl ? `refused: ${err.message}` : String((err as Error).message ?? err) };
    }
  }

  private async finish(done: Array<{ d: Claimed; outcome: 'delivered' | 'failed'; result: Result }>) {
    await this.pool.query(FINISH_SQL, [
      done.map((f) => f.d.id), done.map((f) => f.outcome), done.map((f) => f.result.status ?? null), done.map((f) => f.result.error ?? null),
    ]);
    for (const { d, outcome, result } of done) {
      this.counted(outcome);
      if (outcome === 'failed') this.log.info({ deliveryId: d.id, attempts: d.attempts, error: result.error, status: result.status }, 'webhook delivery failed for good');
    }
  }

  private async retryLater(d: Claimed, wait: number, result: Result) {
    await inPgTransaction(this.pool, async (client) => {
      await client.query(
        `update webhook_deliveries set response_status = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4), claimed_until = null
          where id = $1`,
        [d.id, result.status ?? null, result.error ?? (result.status ? `answered ${result.status}` : null), wait],
      );
      await this.jobs.send(QUEUES.webhookDelivery, { deliveryId: d.id }, { startAfter: wait, db: onClient(client) });
    });
    this.counted('retry');
  }
}
