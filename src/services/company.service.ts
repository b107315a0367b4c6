import { CompanySettings, Tenant } from '../entities';
import { forbidden, notFound } from '../errors';
import { requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';
import { companyView } from './views';
import { UpdateCompanyInput } from '../schema/company.type';
import { validated } from './validate';
import { audit, changesBetween } from './audit';

const audited = (t: Tenant, s: CompanySettings) => ({
  name: t.name, logo_url: s.logoUrl, primary_color: s.primaryColor, features: { ...s.features }, language: s.language,
});

export interface CompanyInput {
  name?: string;
  logoUrl?: string | null;
  primaryColor?: string;
  features?: { recording?: boolean; transcription?: boolean; aiSummaries?: boolean };
  language?: string;
}

/** Company branding (managers) and plan features (owners only). */
export class CompanyService {
  async get(scope: Scope) {
    requireRole(scope.actor, 'manager');
    const { tenant, settings } = await this.load(scope);
    return companyView(tenant, settings);
  }

  async update(scope: Scope, input: CompanyInput) {
    await validated(UpdateCompanyInput, input);
    requireRole(scope.actor, 'manager');
    if (input.features && scope.actor.role !== 'owner') throw forbidden('Only an owner can change plan features');
    const { tenant, settings } = await this.load(scope);
    const before = audited(tenant, settings);
    if (input.name !== undefined) tenant.name = input.name.trim();
    if (input.logoUrl !== undefined) settings.logoUrl = input.logoUrl;
    if (input.primaryColor !== undefined) settings.primaryColor = input.primaryColor.toLowerCase();
    if (input.language) settings.language = Intl.getCanonicalLocales(input.language)[0];
    if (input.features) {
      const f = input.features;
      settings.features = {
        recording: f.recording ?? settings.features.recording,
        transcription: f.transcription ?? settings.features.transcription,
        ai_summaries: f.aiSummaries ?? settings.features.ai_summaries,
      };
    }
    audit(scope, { action: 'company.updated', targetType: 'company', targetId: tenant.id, changes: changesBetween(before, audited(tenant, settings)) });
    await scope.em.flush();
    return companyView(tenant, settings);
  }

  private async load(scope: Scope) {
    const tenant = await scope.em.findOne(Tenant, { id: scope.actor.tenantId });
    const settings = await scope.em.findOne(CompanySettings, { tenantId: scope.actor.tenantId });
    if (!tenant || !settings) throw notFound('Company');
    return { tenant, settings };
  }
}
