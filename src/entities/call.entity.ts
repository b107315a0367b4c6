import { Entity, Index, ManyToOne, PrimaryKey, Property, type Opt, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantFilter, TenantScoped } from './tenant-scoped';
import { Customer } from './customer.entity';
import { Department } from './department.entity';
import { User } from './user.entity';

export const CALL_STATUSES = ['queued', 'assigned', 'active', 'completed', 'missed', 'cancelled', 'abandoned'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export type EndReason = 'normal' | 'timeout' | 'disconnect' | 'abandoned';

/**
 * One customer's visit. Every timer of the state machine is derived from the timestamps kept
 * here, so a restart neither loses nor repeats a transition.
 */
@Entity({ tableName: 'calls' })
@TenantFilter
@Index({ properties: ['tenantId', 'insertedAt'] })
export class Call extends TenantScoped {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Department, { fieldName: 'department_id', ref: true })
  department!: Ref<Department>;

  @ManyToOne(() => Customer, { fieldName: 'customer_id', ref: true })
  customer!: Ref<Customer>;

  @Property({ type: 'uuid', fieldName: 'access_link_id', nullable: true })
  accessLinkId: (string & Opt) | null = null;

  /** The agent, once assigned. */
  @ManyToOne(() => User, { fieldName: 'user_id', ref: true, nullable: true })
  user: (Ref<User> & Opt) | null = null;

  @Property({ type: 'string', length: 16 })
  status: CallStatus & Opt = 'queued';

  @Property({ type: 'text', nullable: true })
  reason: (string & Opt) | null = null;

  @Property({ type: 'text', nullable: true })
  notes: (string & Opt) | null = null;

  @Property({ type: 'text', nullable: true, fieldName: 'manager_notes' })
  managerNotes: (string & Opt) | null = null;

  @Property({ type: 'datetime', nullable: true, fieldName: 'assigned_at' })
  assignedAt: (Date & Opt) | null = null;

  /** After-call work (CONTRACT §12): null (not on the plan), pending, ready, failed or unavailable. */
  @Property({ type: 'string', length: 20, nullable: true, fieldName: 'transcript_status' })
  transcriptStatus: (string & Opt) | null = null;

  @Property({ type: 'string', length: 20, nullable: true, fieldName: 'summary_status' })
  summaryStatus: (string & Opt) | null = null;

  /** Assigned by automatic routing: put back in the queue when the agent goes away. */
  @Property({ type: 'boolean' })
  routed: boolean & Opt = false;

  @Property({ type: 'datetime', nullable: true, fieldName: 'started_at' })
  startedAt: (Date & Opt) | null = null;

  @Property({ type: 'datetime', nullable: true, fieldName: 'completed_at' })
  completedAt: (Date & Opt) | null = null;

  @Property({ type: 'string', length: 16, nullable: true, fieldName: 'end_reason' })
  endReason: (EndReason & Opt) | null = null;

  /** Last sign of life from the customer while queued (status poll or open socket). */
  @Property({ type: 'datetime', fieldName: 'customer_seen_at' })
  customerSeenAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true, fieldName: 'disconnected_at' })
  disconnectedAt: (Date & Opt) | null = null;

  /** The participant whose socket dropped during the active call; cleared when they return. */
  @Property({ type: 'uuid', nullable: true, fieldName: 'disconnected_participant' })
  disconnectedParticipant: (string & Opt) | null = null;

  @Property({ type: 'datetime', nullable: true, fieldName: 'reconnected_at' })
  reconnectedAt: (Date & Opt) | null = null;

  /** Seconds, set when the call starts (or stops waiting). */
  @Property({ type: 'integer', nullable: true, fieldName: 'wait_time' })
  waitTime: (number & Opt) | null = null;

  /** Seconds, set when the call completes. */
  @Property({ type: 'integer', nullable: true })
  duration: (number & Opt) | null = null;

  @Property({ type: 'integer', nullable: true })
  rating: (number & Opt) | null = null;

  @Property({ type: 'string', length: 500, nullable: true, fieldName: 'recording_path' })
  recordingPath: (string & Opt) | null = null;
}
