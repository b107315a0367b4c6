import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';

/** A follow-up scheduled with a customer; `remindedAt` makes its reminder fire once. */
@Entity({ tableName: 'appointments' })
@TenantFilter
export class Appointment extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'datetime', fieldName: 'scheduled_at' })
  scheduledAt!: Date;

  @Property({ type: 'uuid', fieldName: 'customer_id', nullable: true })
  customerId: (string & Opt) | null = null;

  @Property({ type: 'uuid', fieldName: 'user_id' })
  userId!: string;

  @Property({ type: 'uuid', fieldName: 'department_id', nullable: true })
  departmentId: (string & Opt) | null = null;

  @Property({ type: 'text', nullable: true })
  notes: (string & Opt) | null = null;

  @Property({ type: 'datetime', fieldName: 'reminded_at', nullable: true })
  remindedAt: (Date & Opt) | null = null;
}
