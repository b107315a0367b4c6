import { Migration } from '@mikro-orm/migrations';

/** Tenants, users, departments and membership, access links, tags, company settings, refresh families. */
export class Migration20261121000000_core extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenants (
        id uuid primary key,
        slug varchar(63) not null unique,
        name varchar(200) not null,
        inserted_at timestamptz not null default now()
      );
      create table company_settings (
        tenant_id uuid primary key references tenants(id) on delete cascade,
        logo_url varchar(2048),
        primary_color varchar(7) not null default '#6366f1',
        features jsonb not null default '{"recording":false,"transcription":false,"ai_summaries":false}',
        updated_at timestamptz not null default now()
      );
      create table users (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name varchar(200) not null,
        email varchar(254) not null,
        password_hash varchar(255) not null,
        role varchar(16) not null check (role in ('attendant','supervisor','manager','owner')),
        status varchar(16) not null default 'active' check (status in ('active','inactive')),
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, email)
      );
      create index users_tenant_inserted on users (tenant_id, inserted_at, id);
      create table departments (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name varchar(200) not null,
        description text,
        queue_timeout integer not null default 600 check (queue_timeout > 0),
        is_active boolean not null default true,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index departments_tenant_inserted on departments (tenant_id, inserted_at, id);
      create table department_members (
        department_id uuid not null references departments(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (department_id, user_id)
      );
      create index department_members_user on department_members (user_id);
      create table access_links (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        department_id uuid not null references departments(id) on delete cascade,
        token varchar(64) not null unique,
        name varchar(200) not null,
        active boolean not null default true,
        expires_at timestamptz,
        max_uses integer check (max_uses is null or max_uses > 0),
        uses integer not null default 0,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index access_links_tenant_inserted on access_links (tenant_id, inserted_at, id);
      create index access_links_department on access_links (department_id);
      create table tags (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name varchar(50) not null,
        color varchar(7) not null default '#3b82f6',
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, name)
      );
      create table refresh_token_families (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        current_jti uuid not null,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        inserted_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index refresh_token_families_user on refresh_token_families (user_id);
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists refresh_token_families, tags, access_links, department_members,
      departments, users, company_settings, tenants cascade;`);
  }
}
