import { Entity, PrimaryKey } from '@mikro-orm/core';
import { TenantFilter, TenantScoped } from './tenant-scoped';

@Entity({ tableName: 'call_tags' })
@TenantFilter
export class CallTag extends TenantScoped {
  @PrimaryKey({ type: 'uuid', fieldName: 'call_id' })
  callId!: string;

  @PrimaryKey({ type: 'uuid', fieldName: 'tag_id' })
  tagId!: string;
}
