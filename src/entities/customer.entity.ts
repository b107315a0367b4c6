import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';

/** Someone who came in through an access link; found again by email within the tenant. */
@Entity({ tableName: 'customers' })
@TenantFilter
@Index({ properties: ['tenantId', 'email'] })
export class Customer extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 254, nullable: true })
  email: (string & Opt) | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  phone: (string & Opt) | null = null;
}
