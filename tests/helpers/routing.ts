import type { Api } from './http';
import { PASSWORD, uniqueSlug, type TestTenant } from './tenants';
import { collect, connectPhoenix, eventually, join } from './sockets';

/** An attendant of one department, online on `presence:{department}` over a phoenix socket at `url`. */
export interface Agent {
  id: string;
  name: string;
  auth: { token: string; tenant: string };
  socket: any;
  presence: any;
  /** `new_notification` payloads on the agent's own channel. */
  notifications: any[];
}

export async function addAgent(api: Api, t: TestTenant, departmentId: string, name = uniqueSlug('agent')): Promise<Agent> {
  const email = `${name}@${t.slug}.test`;
  const created = await api.post('/api/v1/users', { user: { name, email, password: PASSWORD, role: 'attendant', department_ids: [departmentId] } }, t.owner);
  if (created.status !== 201) throw new Error(`user failed: ${created.status} ${created.text}`);
  const login = await api.post('/api/auth/login', { email, password: PASSWORD, tenant: t.slug });
  const auth = { token: login.body.data.access_token, tenant: t.slug };
  return { id: created.body.data.id, name, auth, socket: undefined, presence: undefined, notifications: [] };
}

/** Opens the agent's socket on `url`, subscribes to their notifications and goes online in the department. */
export async function goOnline(agent: Agent, url: string, departmentId: string, status = 'online') {
  agent.socket = await connectPhoenix(url, agent.auth.token);
  const mine = agent.socket.channel(`notification:${agent.id}`, {});
  agent.notifications = collect(mine, 'new_notification');
  if ((await join(mine)).status !== 'ok') throw new Error('notification join failed');
  agent.presence = agent.socket.channel(`presence:${departmentId}`, { status });
  if ((await join(agent.presence)).status !== 'ok') throw new Error('presence join failed');
  return agent;
}

/** The call as a supervisor reads it once the router has offered it: `{status, user_id}`. */
export async function assignedTo(api: Api, t: TestTenant, callId: string, ms = 5000): Promise<string> {
  const call = await eventually(async () => {
    const res = await api.get(`/api/v1/calls/${callId}`, t.supervisor);
    return res.body.data.status === 'assigned' ? res.body.data : undefined;
  }, ms, `call ${callId} assigned`);
  return call.user_id;
}

export async function statusOf(api: Api, t: TestTenant, callId: string) {
  return (await api.get(`/api/v1/calls/${callId}`, t.supervisor)).body.data;
}

/** An automatically routed department with an access link. */
export async function routedDepartment(api: Api, t: TestTenant, settings: Record<string, unknown>) {
  const res = await api.post('/api/v1/departments', { department: { name: uniqueSlug('routed'), ...settings } }, t.supervisor);
  if (res.status !== 201) throw new Error(`department failed: ${res.status} ${res.text}`);
  const link = await api.post('/api/v1/links', { link: { department_id: res.body.data.id } }, t.supervisor);
  return { id: res.body.data.id as string, link: link.body.data.token as string };
}
