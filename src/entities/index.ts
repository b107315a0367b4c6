import { Tenant } from './tenant.entity';
import { CompanySettings } from './company-settings.entity';
import { User } from './user.entity';
import { Department } from './department.entity';
import { DepartmentMember } from './department-member.entity';
import { AccessLink } from './access-link.entity';
import { Tag } from './tag.entity';
import { RefreshFamily } from './refresh-family.entity';
import { TenantScoped } from './tenant-scoped';

export { Tenant, CompanySettings, User, Department, DepartmentMember, AccessLink, Tag, RefreshFamily, TenantScoped };

export const ENTITIES = [TenantScoped, Tenant, CompanySettings, User, Department, DepartmentMember, AccessLink, Tag, RefreshFamily];
