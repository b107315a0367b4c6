import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';
import type { BusinessHours } from '../services/business-hours';

export const ROUTINGS = ['manual', 'round_robin', 'least_busy'] as const;
export type Routing = (typeof ROUTINGS)[number];

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

  /** `manual`: agents pick; otherwise the server assigns queued calls (CONTRACT §9). */
  @Property({ type: 'string', length: 20 })
  routing: Routing & Opt = 'manual';

  @Property({ type: 'integer', fieldName: 'max_calls_per_agent' })
  maxCallsPerAgent: number & Opt = 1;

  /** null: always open. */
  @Property({ type: 'json', nullable: true, fieldName: 'business_hours' })
  businessHours: (BusinessHours & Opt) | null = null;
}
