import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantFilter, TenantScoped } from './tenant-scoped';

/**
 * One login's chain of refresh tokens. Only `currentJti` may be exchanged; presenting any
 * earlier token of the chain means it was stolen, and the whole family is revoked.
 */
@Entity({ tableName: 'refresh_token_families' })
@TenantFilter
export class RefreshFamily extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index()
  @Property({ type: 'uuid', fieldName: 'user_id' })
  userId!: string;

  @Property({ type: 'uuid', fieldName: 'current_jti' })
  currentJti!: string;

  @Property({ type: 'datetime', fieldName: 'expires_at' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true, fieldName: 'revoked_at' })
  revokedAt: (Date & Opt) | null = null;
}
