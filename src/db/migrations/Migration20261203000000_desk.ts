import { Migration } from '@mikro-orm/migrations';

/** Routing and business hours per department, and the append-only audit log. */
export class Migration20261203000000_desk extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table departments
        add column routing varchar(20) not null default 'manual',
        add column max_calls_per_agent integer not null default 1,
        add column business_hours jsonb;

      -- An assignment the router made (put back when the agent goes away), whom it last offered
      -- the call to (the next offer prefers someone else) and when each agent was last offered a
      -- call (round robin takes the one offered longest ago).
      alter table calls add column routed boolean not null default false, add column last_offered_to uuid;
      alter table users add column last_offered_at timestamptz;
      create index calls_agent_load on calls (user_id) where status in ('assigned', 'active');

      create table audit_log (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        action varchar(60) not null,
        actor_id uuid,
        actor_name varchar(200),
        actor_role varchar(20),
        target_type varchar(20),
        target_id uuid,
        ip varchar(64),
        changes jsonb,
        inserted_at timestamptz not null default now()
      );
      create index audit_log_tenant_inserted on audit_log (tenant_id, inserted_at desc, id desc);

      -- Append-only below the application too: no statement may change or remove an entry,
      -- except the cascade that erases a whole tenant (its row is already gone by then).
      create function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and not exists (select 1 from tenants where id = old.tenant_id) then
          return old;
        end if;
        raise exception 'audit_log is append-only';
      end $$;
      create trigger audit_log_append_only before update or delete on audit_log
        for each row execute function audit_log_append_only();
    `);
  }
}
