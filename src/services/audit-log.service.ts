import type { Scope } from '../auth/actor';
import { requireRole } from '../auth/roles';
import { AuditLogArgs } from '../schema/audit.type';
import { escapeLike, isUuid } from './guards';
import { endOfDay } from './dates';
import { rowPage } from './raw-page';
import { validated } from './validate';

const COLUMNS = `id, action, actor_id as "actorId", actor_name as "actorName", actor_role as "actorRole",
  target_type as "targetType", target_id as "targetId", ip, changes, inserted_at as "insertedAt"`;

interface AuditRow {
  id: string; action: string; actorId: string | null; actorName: string | null; actorRole: string | null;
  targetType: string | null; targetId: string | null; ip: string | null; changes: Record<string, unknown> | null; insertedAt: Date;
}

const view = (r: AuditRow) => ({
  id: r.id, action: r.action, actorId: r.actorId, actorName: r.actorName, actorRole: r.actorRole,
  targetType: r.targetType, targetId: r.targetId, ip: r.ip, changes: r.changes, insertedAt: r.insertedAt,
});

/** Reading the audit log: managers only, their tenant only, newest first. Nothing writes here. */
export class AuditLogService {
  async list(scope: Scope, args: AuditLogArgs) {
    await validated(AuditLogArgs, args);
    requireRole(scope.actor, 'manager');
    const where = ['tenant_id = ?'];
    const params: unknown[] = [scope.actor.tenantId];
    const add = (condition: string, value: unknown) => {
      where.push(condition);
      params.push(value);
    };
    if (args.action?.endsWith('.*')) add(`action like ?`, `${escapeLike(args.action.slice(0, -1))}%`);
    else if (args.action) add('action = ?', args.action);
    // An id that is not a UUID matches nothing (rather than failing the cast in SQL).
    for (const [column, value] of [['actor_id', args.actorId], ['target_id', args.targetId]] as const) {
      if (value === undefined || value === null) continue;
      if (isUuid(value)) add(`${column} = ?`, value.toLowerCase());
      else where.push('false');
    }
    if (args.dateFrom) add('inserted_at >= ?', args.dateFrom);
    if (args.dateTo) add('inserted_at <= ?', endOfDay(args.dateTo));
    const { rows, meta } = await rowPage<AuditRow>(
      scope.em, { select: COLUMNS, from: 'audit_log', where, params, sortColumns: { inserted_at: 'inserted_at' }, tieBreaker: 'id' },
      args, { sortBy: 'inserted_at', sortOrder: 'desc' },
    );
    return { data: rows.map(view), meta };
  }
}
