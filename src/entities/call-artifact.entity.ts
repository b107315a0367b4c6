import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantFilter } from './tenant-scoped';

/** The transcript of a call, when the transcription feature produced one. */
@Entity({ tableName: 'call_transcripts' })
@TenantFilter
export class CallTranscript {
  @PrimaryKey({ type: 'uuid', fieldName: 'call_id' })
  callId!: string;

  @Property({ type: 'uuid', fieldName: 'tenant_id' })
  tenantId!: string;

  @Property({ type: 'text' })
  transcript!: string;

  @Property({ type: 'string', length: 16 })
  language!: string;

  @Property({ type: 'datetime', fieldName: 'generated_at' })
  generatedAt!: Date;
}

/** The AI summary of a call, when the ai_summaries feature produced one. */
@Entity({ tableName: 'call_summaries' })
@TenantFilter
export class CallSummary {
  @PrimaryKey({ type: 'uuid', fieldName: 'call_id' })
  callId!: string;

  @Property({ type: 'uuid', fieldName: 'tenant_id' })
  tenantId!: string;

  @Property({ type: 'text' })
  summary!: string;

  @Property({ type: 'string', length: 50 })
  provider!: string;

  @Property({ type: 'string', length: 100 })
  model!: string;

  @Property({ type: 'datetime', fieldName: 'generated_at' })
  generatedAt!: Date;
}
