import { Migration } from '@mikro-orm/migrations';

/** The transactional outbox, webhooks and their deliveries, and the company's language. */
export class Migration20261203010000_jobs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- Written in the same statement or transaction as the change it records; the relay fans
      -- each row out to webhook deliveries and jobs, then marks it dispatched.
      create table outbox_events (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        type varchar(40) not null,
        subject_id uuid not null,
        payload jsonb not null,
        inserted_at timestamptz not null default now(),
        dispatched_at timestamptz
      );
      create index outbox_events_pending on outbox_events (inserted_at, id) where dispatched_at is null;

      create table webhooks (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        url varchar(2000) not null,
        events jsonb not null,
        description text,
        active boolean not null default true,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index webhooks_tenant on webhooks (tenant_id) where active;

      -- A rotated-out secret keeps signing until expires_at (24 h).
      create table webhook_secrets (
        id uuid primary key,
        webhook_id uuid not null references webhooks(id) on delete cascade,
        secret varchar(100) not null,
        inserted_at timestamptz not null default now(),
        expires_at timestamptz
      );
      create index webhook_secrets_webhook on webhook_secrets (webhook_id, inserted_at desc);

      create table webhook_deliveries (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        webhook_id uuid not null references webhooks(id) on delete cascade,
        outbox_id uuid not null,
        event_type varchar(40) not null,
        body text not null,
        status varchar(20) not null default 'pending',
        attempts integer not null default 0,
        response_status integer,
        last_error text,
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        claimed_until timestamptz,
        inserted_at timestamptz not null default now(),
        unique (outbox_id, webhook_id)
      );
      create index webhook_deliveries_list on webhook_deliveries (webhook_id, inserted_at desc, id);
      create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';

      alter table company_settings add column language varchar(35) not null default 'pt-BR';
    `);
  }
}
