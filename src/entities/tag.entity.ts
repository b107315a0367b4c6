import { Entity, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';

@Entity({ tableName: 'tags' })
@TenantFilter
@Unique({ properties: ['tenantId', 'name'] })
export class Tag extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 50 })
  name!: string;

  @Property({ type: 'string', length: 7 })
  color: string & Opt = '#3b82f6';
}
