import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';

export const DEFAULT_QUEUE_TIMEOUT = 600;

@Entity({ tableName: 'departments' })
@TenantFilter
export class Department extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description: (string & Opt) | null = null;

  /** Seconds a customer may wait in this department's queue before the call is missed. */
  @Property({ type: 'integer', fieldName: 'queue_timeout' })
  queueTimeout: number & Opt = DEFAULT_QUEUE_TIMEOUT;

  @Property({ type: 'boolean', fieldName: 'is_active' })
  isActive: boolean & Opt = true;
}
