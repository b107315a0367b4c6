import { Entity, Index, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';

/** A link a company puts on its site; its token lets customers into one department's queue. */
@Entity({ tableName: 'access_links' })
@TenantFilter
export class AccessLink extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Unique()
  @Property({ type: 'string', length: 64 })
  token!: string;

  @Index()
  @Property({ type: 'uuid', fieldName: 'department_id' })
  departmentId!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'boolean' })
  active: boolean & Opt = true;

  @Property({ type: 'datetime', nullable: true, fieldName: 'expires_at' })
  expiresAt: (Date & Opt) | null = null;

  @Property({ type: 'integer', nullable: true, fieldName: 'max_uses' })
  maxUses: (number & Opt) | null = null;

  @Property({ type: 'integer' })
  uses: number & Opt = 0;
}
