import { Migration } from '@mikro-orm/migrations';

/** Who dropped out of an active call (for the reconnection grace) and the appointments. */
export class Migration20261121020000_realtime extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table calls add column disconnected_participant uuid;
      create index calls_disconnected on calls (disconnected_at) where status = 'active' and disconnected_at is not null;

      create table appointments (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        title varchar(200) not null,
        scheduled_at timestamptz not null,
        customer_id uuid references customers(id) on delete set null,
        user_id uuid not null references users(id) on delete cascade,
        department_id uuid references departments(id) on delete set null,
        notes text,
        reminded_at timestamptz,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index appointments_tenant_scheduled on appointments (tenant_id, scheduled_at);
      create index appointments_due on appointments (scheduled_at) where reminded_at is null;
    `);
  }
}
