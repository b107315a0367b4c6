import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantFilter } from './tenant-scoped';

export interface PlanFeatures {
  recording: boolean;
  transcription: boolean;
  ai_summaries: boolean;
}

export const DEFAULT_FEATURES: PlanFeatures = { recording: false, transcription: false, ai_summaries: false };

/** Branding and plan of one tenant; exactly one row per tenant, keyed by it. */
@Entity({ tableName: 'company_settings' })
@TenantFilter
export class CompanySettings {
  @PrimaryKey({ type: 'uuid', fieldName: 'tenant_id' })
  tenantId!: string;

  @Property({ type: 'string', length: 2048, nullable: true, fieldName: 'logo_url' })
  logoUrl: (string & Opt) | null = null;

  @Property({ type: 'string', length: 7, fieldName: 'primary_color' })
  primaryColor: string & Opt = '#6366f1';

  @Property({ type: 'json' })
  features: PlanFeatures & Opt = { ...DEFAULT_FEATURES };

  /** BCP 47: the language of transcripts and summaries. */
  @Property({ type: 'string', length: 35 })
  language: string & Opt = 'pt-BR';

  @Property({ type: 'datetime', fieldName: 'updated_at', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
