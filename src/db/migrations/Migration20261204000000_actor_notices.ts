import { Migration } from '@mikro-orm/migrations';

/**
 * Every instance caches who a token's user is (role, status, name). Whatever changes those
 * columns (a service, another instance, a statement typed into psql) tells every instance at
 * commit, so that none keeps serving an old role.
 */
export class Migration20261204000000_actor_notices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function users_actor_notice() returns trigger language plpgsql as $$
      begin
        perform pg_notify('voki_actor', old.id::text);
        return null;
      end $$;
      create trigger users_actor_changed after update on users
        for each row when (old.role is distinct from new.role or old.status is distinct from new.status
          or old.name is distinct from new.name or old.tenant_id is distinct from new.tenant_id)
        execute function users_actor_notice();
      create trigger users_actor_removed after delete on users
        for each row execute function users_actor_notice();
    `);
  }
}
