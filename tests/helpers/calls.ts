import type { Api, Auth } from './http';

/** A fresh access link of the department, made by a supervisor-or-above. */
export async function createLink(api: Api, auth: Auth, departmentId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post('/api/v1/links', { link: { department_id: departmentId, ...extra } }, auth);
  if (res.status !== 201) throw new Error(`link failed: ${res.status} ${res.text}`);
  return res.body.data.token;
}

export interface Joined {
  callId: string;
  position: number;
  websocketToken: string;
}

export async function joinQueue(api: Api, token: string, customer: Record<string, unknown> = { name: 'Carlos Ferreira' }): Promise<Joined> {
  const res = await api.post(`/api/v1/call/${token}/join`, customer);
  if (res.status !== 200) throw new Error(`join failed: ${res.status} ${res.text}`);
  return { callId: res.body.data.call_id, position: res.body.data.position, websocketToken: res.body.data.websocket_token };
}

/** Drives a call through assign → start → complete as `agent`. */
export async function completeCall(api: Api, agent: Auth, callId: string, notes?: string) {
  for (const [step, body] of [['assign', {}], ['start', undefined], ['complete', notes ? { notes } : {}]] as const) {
    const res = await api.post(`/api/v1/calls/${callId}/${step}`, body, agent);
    if (res.status !== 200) throw new Error(`${step} failed: ${res.status} ${res.text}`);
  }
}
