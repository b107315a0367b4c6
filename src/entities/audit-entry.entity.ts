import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter } from './tenant-scoped';

export const AUDIT_TARGETS = ['user', 'department', 'link', 'company', 'webhook', 'call', 'tenant'] as const;
export type AuditTarget = (typeof AUDIT_TARGETS)[number];

/** One line of the append-only audit log (CONTRACT §11); never updated, so no updated_at. */
@Entity({ tableName: 'audit_log' })
@TenantFilter
export class AuditEntry {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid', fieldName: 'tenant_id' })
  tenantId!: string;

  @Property({ type: 'string', length: 60 })
  action!: string;

  @Property({ type: 'uuid', nullable: true, fieldName: 'actor_id' })
  actorId: (string & Opt) | null = null;

  @Property({ type: 'string', length: 200, nullable: true, fieldName: 'actor_name' })
  actorName: (string & Opt) | null = null;

  @Property({ type: 'string', length: 20, nullable: true, fieldName: 'actor_role' })
  actorRole: (string & Opt) | null = null;

  @Property({ type: 'string', length: 20, nullable: true, fieldName: 'target_type' })
  targetType: (AuditTarget & Opt) | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'target_id' })
  targetId: (string & Opt) | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip: (string & Opt) | null = null;

  @Property({ type: 'json', nullable: true })
  changes: (Record<string, unknown> & Opt) | null = null;

  @Property({ type: 'datetime', fieldName: 'inserted_at', onCreate: () => new Date() })
  insertedAt: Date & Opt = new Date();
}
