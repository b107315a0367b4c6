import type { Api, Auth } from './http';

export const PASSWORD = 'correct-horse-battery';

export interface Member extends Auth {
  id: string;
  email: string;
  refreshToken: string;
}

export interface TestTenant {
  slug: string;
  owner: Member;
  manager: Member;
  supervisor: Member;
  attendant: Member;
  departmentId: string;
}

let counter = 0;
export const uniqueSlug = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

async function login(api: Api, tenant: string, email: string): Promise<Member> {
  const res = await api.post('/api/auth/login', { email, password: PASSWORD, tenant });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return { token: res.body.data.access_token, refreshToken: res.body.data.refresh_token, tenant, id: res.body.data.user.id, email };
}

/** A tenant with one user per role and one department the attendant belongs to, all made over HTTP. */
export async function createTenant(api: Api, prefix = 'acme'): Promise<TestTenant> {
  const slug = uniqueSlug(prefix);
  const signup = await api.post('/api/v1/signup', {
    company_name: `${prefix} Inc`, tenant: slug, name: `${prefix} Owner`, email: `owner@${slug}.test`, password: PASSWORD,
  });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${signup.text}`);
  const owner: Member = {
    token: signup.body.data.access_token, refreshToken: signup.body.data.refresh_token, tenant: slug,
    id: signup.body.data.user.id, email: `owner@${slug}.test`,
  };
  const dept = await api.post('/api/v1/departments', { department: { name: 'Suporte Técnico' } }, owner);
  if (dept.status !== 201) throw new Error(`department failed: ${dept.status} ${dept.text}`);
  const departmentId = dept.body.data.id;
  const members: Record<string, Member> = {};
  for (const role of ['manager', 'supervisor', 'attendant'] as const) {
    const email = `${role}@${slug}.test`;
    const created = await api.post('/api/v1/users', {
      user: { name: `${prefix} ${role}`, email, password: PASSWORD, role, department_ids: role === 'attendant' ? [departmentId] : [] },
    }, owner);
    if (created.status !== 201) throw new Error(`user failed: ${created.status} ${created.text}`);
    members[role] = await login(api, slug, email);
  }
  return { slug, owner, manager: members.manager, supervisor: members.supervisor, attendant: members.attendant, departmentId };
}
