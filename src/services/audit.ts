import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEntry, type AuditTarget } from '../entities/audit-entry.entity';
import type { Scope } from '../auth/actor';

export interface AuditFacts {
  action: string;
  targetType?: AuditTarget | null;
  targetId?: string | null;
  /** `{field: [old, new]}` in REST casing; never a password or a token. */
  changes?: Record<string, unknown> | null;
}

export interface AuditActor { id: string; name: string; role: string }

/**
 * Adds an entry to the EntityManager's unit of work, so the same flush (one transaction) that
 * writes the change writes its entry: an action that fails, or is refused, leaves none.
 */
export function recordAudit(em: EntityManager, tenantId: string, actor: AuditActor | null, ip: string | null | undefined, facts: AuditFacts) {
  em.create(AuditEntry, {
    tenantId,
    action: facts.action,
    actorId: actor?.id ?? null,
    actorName: actor?.name ?? null,
    actorRole: actor?.role ?? null,
    targetType: facts.targetType ?? null,
    targetId: facts.targetId ?? null,
    ip: ip ?? null,
    changes: facts.changes ?? null,
  });
}

/** The acting agent's entry, in `em` (the scope's own, or a transaction's). */
export function audit(scope: Scope, facts: AuditFacts, em: EntityManager = scope.em) {
  const { actor } = scope;
  recordAudit(em, actor.tenantId, { id: actor.userId, name: actor.name, role: actor.role }, scope.ip, facts);
}

/** `{field: [old, new]}` for the fields whose value differs (compared as JSON). */
export function changesBetween(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [field, value] of Object.entries(after)) {
    const old = before[field] ?? null;
    if (JSON.stringify(old) !== JSON.stringify(value ?? null)) out[field] = [old, value ?? null];
  }
  return out;
}
