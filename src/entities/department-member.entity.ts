import { Entity, PrimaryKey } from '@mikro-orm/core';
import { TenantFilter, TenantScoped } from './tenant-scoped';

/** Which users belong to which department; the pair is the key. */
@Entity({ tableName: 'department_members' })
@TenantFilter
export class DepartmentMember extends TenantScoped {
  @PrimaryKey({ type: 'uuid', fieldName: 'department_id' })
  departmentId!: string;

  @PrimaryKey({ type: 'uuid', fieldName: 'user_id' })
  userId!: string;
}
