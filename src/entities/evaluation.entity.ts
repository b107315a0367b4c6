import { Entity, ManyToOne, PrimaryKey, Property, type Opt, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';
import { Call } from './call.entity';

/** A customer's rating of a completed call; at most one per call. */
@Entity({ tableName: 'evaluations' })
@TenantFilter
export class Evaluation extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Unique in the database: a second rating of the same call is a conflict. */
  @ManyToOne(() => Call, { fieldName: 'call_id', ref: true })
  call!: Ref<Call>;

  @Property({ type: 'integer' })
  rating!: number;

  @Property({ type: 'text', nullable: true })
  comment: (string & Opt) | null = null;
}
