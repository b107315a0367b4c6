import { registerEnumType } from 'type-graphql';
import { ROLES, type Role } from '../auth/roles';

/** Lower-case values, so GraphQL and REST spell roles identically. */
export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
registerEnumType(RoleEnum, { name: 'Role', description: 'attendant < supervisor < manager < owner' });

export const UserStatusEnum = { active: 'active', inactive: 'inactive' } as const;
registerEnumType(UserStatusEnum, { name: 'UserStatus' });
