import { Tenant } from './tenant.entity';
import { CompanySettings } from './company-settings.entity';
import { User } from './user.entity';
import { Department } from './department.entity';
import { DepartmentMember } from './department-member.entity';
import { AccessLink } from './access-link.entity';
import { Tag } from './tag.entity';
import { RefreshFamily } from './refresh-family.entity';
import { TenantScoped } from './tenant-scoped';
import { Customer } from './customer.entity';
import { Call } from './call.entity';
import { CallTag } from './call-tag.entity';
import { Evaluation } from './evaluation.entity';
import { CallFile } from './call-file.entity';
import { CallSummary, CallTranscript } from './call-artifact.entity';
import { Appointment } from './appointment.entity';
import { AuditEntry } from './audit-entry.entity';

export type { CallStatus, EndReason } from './call.entity';
export {
  Tenant, CompanySettings, User, Department, DepartmentMember, AccessLink, Tag, RefreshFamily, TenantScoped,
  Customer, Call, CallTag, Evaluation, CallFile, CallTranscript, CallSummary, Appointment, AuditEntry,
};

export const ENTITIES = [
  TenantScoped, Tenant, CompanySettings, User, Department, DepartmentMember, AccessLink, Tag, RefreshFamily,
  Customer, Call, CallTag, Evaluation, CallFile, CallTranscript, CallSummary, Appointment, AuditEntry,
];
