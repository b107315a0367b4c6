import { Migration } from '@mikro-orm/migrations';

/** Customers, calls and what hangs off them: tags, evaluations, files, transcripts, summaries. */
export class Migration20261121010000_calls extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table customers (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name varchar(200) not null,
        email varchar(254),
        phone varchar(40),
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index customers_tenant_email on customers (tenant_id, email);
      create index customers_tenant_inserted on customers (tenant_id, inserted_at);

      create table calls (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        department_id uuid not null references departments(id) on delete cascade,
        customer_id uuid not null references customers(id) on delete cascade,
        access_link_id uuid references access_links(id) on delete set null,
        user_id uuid references users(id) on delete set null,
        status varchar(16) not null default 'queued'
          check (status in ('queued','assigned','active','completed','missed','cancelled','abandoned')),
        reason text,
        notes text,
        manager_notes text,
        assigned_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        end_reason varchar(16) check (end_reason is null or end_reason in ('normal','timeout','disconnect','abandoned')),
        customer_seen_at timestamptz not null default now(),
        disconnected_at timestamptz,
        reconnected_at timestamptz,
        wait_time integer,
        duration integer,
        rating integer check (rating is null or rating between 1 and 5),
        recording_path varchar(500),
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index calls_tenant_inserted on calls (tenant_id, inserted_at);
      create index calls_user on calls (user_id, inserted_at);
      -- Queue position counts the queued calls of a department joined earlier: an index-only range.
      create index calls_queue on calls (department_id, inserted_at, id) where status = 'queued';
      -- The wait estimate averages the department's latest handling times.
      create index calls_completed on calls (department_id, completed_at desc) where status = 'completed';
      -- The timer sweeps look only at calls that can still change on their own.
      create index calls_assigned_since on calls (assigned_at) where status = 'assigned';
      create index calls_queued_since on calls (inserted_at) where status = 'queued';

      create table call_tags (
        call_id uuid not null references calls(id) on delete cascade,
        tag_id uuid not null references tags(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (call_id, tag_id)
      );

      create table evaluations (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        call_id uuid not null unique references calls(id) on delete cascade,
        rating integer not null check (rating between 1 and 5),
        comment text,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index evaluations_tenant_inserted on evaluations (tenant_id, inserted_at);

      create table call_files (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        call_id uuid not null references calls(id) on delete cascade,
        filename varchar(255) not null,
        content_type varchar(100) not null,
        size bigint not null,
        stored_name varchar(100) not null unique,
        uploaded_by uuid references users(id) on delete set null,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index call_files_call on call_files (call_id);

      create table call_transcripts (
        call_id uuid primary key references calls(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        transcript text not null,
        language varchar(16) not null,
        generated_at timestamptz not null
      );
      create table call_summaries (
        call_id uuid primary key references calls(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        summary text not null,
        provider varchar(50) not null,
        model varchar(100) not null,
        generated_at timestamptz not null
      );
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists call_summaries, call_transcripts, call_files, evaluations, call_tags, calls, customers cascade;');
  }
}
