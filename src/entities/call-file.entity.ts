import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';

/** A file shared during a call; stored under DATA_DIR by a generated name, never the client's. */
@Entity({ tableName: 'call_files' })
@TenantFilter
export class CallFile extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Index()
  @Property({ type: 'uuid', fieldName: 'call_id' })
  callId!: string;

  /** The client's file name, cleaned for display and Content-Disposition. */
  @Property({ type: 'string', length: 255 })
  filename!: string;

  @Property({ type: 'string', length: 100, fieldName: 'content_type' })
  contentType!: string;

  @Property({ type: 'bigint' })
  size!: number;

  @Property({ type: 'string', length: 100, fieldName: 'stored_name' })
  storedName!: string;

  @Property({ type: 'uuid', nullable: true, fieldName: 'uploaded_by' })
  uploadedBy: (string & Opt) | null = null;
}
