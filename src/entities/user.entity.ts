import { Entity, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';
import type { Role } from '../auth/roles';

export type UserStatus = 'active' | 'inactive';

@Entity({ tableName: 'users' })
@TenantFilter
@Unique({ properties: ['tenantId', 'email'] })
export class User extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** Stored lower-cased; unique within the tenant. */
  @Property({ type: 'string', length: 254 })
  email!: string;

  @Property({ type: 'string', length: 255, fieldName: 'password_hash', hidden: true, lazy: true })
  passwordHash!: string;

  @Property({ type: 'string', length: 16 })
  role!: Role;

  @Property({ type: 'string', length: 16 })
  status: UserStatus & Opt = 'active';
}
