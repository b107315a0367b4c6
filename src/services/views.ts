import type { AccessLink, CompanySettings, Department, Tag, Tenant, User } from '../entities';

/** The shapes services hand to the schema: plain objects, never entities with lazy state. */
export interface UserView {
  id: string; name: string; email: string; role: User['role']; status: User['status'];
  departmentIds: string[]; insertedAt: Date;
}

export const userView = (u: User, departmentIds: string[]): UserView => ({
  id: u.id, name: u.name, email: u.email, role: u.role, status: u.status, departmentIds, insertedAt: u.insertedAt,
});

export type DepartmentRow = Pick<
  Department, 'id' | 'name' | 'description' | 'queueTimeout' | 'isActive' | 'routing' | 'maxCallsPerAgent' | 'businessHours' | 'insertedAt'
>;

export const departmentView = (d: DepartmentRow) => ({
  id: d.id, name: d.name, description: d.description, queueTimeout: d.queueTimeout, isActive: d.isActive,
  routing: d.routing, maxCallsPerAgent: d.maxCallsPerAgent, businessHours: d.businessHours, insertedAt: d.insertedAt,
});

export const tagView = (t: Tag) => ({ id: t.id, name: t.name, color: t.color, insertedAt: t.insertedAt });

export const linkView = (l: AccessLink, publicUrl: string) => ({
  id: l.id, token: l.token, url: `${publicUrl}/call/${l.token}`, departmentId: l.departmentId, name: l.name,
  active: l.active, expiresAt: l.expiresAt, maxUses: l.maxUses, uses: l.uses, insertedAt: l.insertedAt,
});

export const companyView = (t: Tenant, s: CompanySettings) => ({
  name: t.name,
  logoUrl: s.logoUrl,
  primaryColor: s.primaryColor,
  features: { recording: !!s.features.recording, transcription: !!s.features.transcription, aiSummaries: !!s.features.ai_summaries },
  language: s.language,
});
