import { Api } from '../helpers/http';
import { restart, startTestServer, type TestServer } from '../helpers/server';
import type { VokiServer } from '../../src/app';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { collect, connectPhoenix, eventually, join, quiet, roundTrip } from '../helpers/sockets';

let srv: TestServer;
let api: Api;
let a: TestTenant;
let b: TestTenant;
let customerId: string;
let restarted: VokiServer | undefined;

const inMinutes = (m: number) => new Date(Date.now() + m * 60000).toISOString();

beforeAll(async () => {
  srv = await startTestServer({ TIMER_INTERVAL_MS: '200' });
  api = new Api(srv.url);
  a = await createTenant(api, 'appt-a');
  b = await createTenant(api, 'appt-b');
  const link = await createLink(api, a.supervisor, a.departmentId);
  const { callId } = await joinQueue(api, link, { name: 'Carlos Ferreira', email: 'carlos@example.com' });
  const details = await api.get(`/api/v1/calls/${callId}`, a.supervisor);
  const [row] = await srv.server.db.orm.em.getConnection().execute('select customer_id from calls where id = ?', [details.body.data.id]);
  customerId = row.customer_id;
});
afterAll(async () => {
  await restarted?.close();
  await srv?.stop();
});

describe('appointments CRUD (CONTRACT §4)', () => {
  it('creates, reads, updates, lists and deletes, wrapped as the other resources', async () => {
    const created = await api.post('/api/v1/appointments', {
      appointment: { title: 'Follow-up consultation', scheduled_at: '2030-02-20T10:00:00Z', customer_id: customerId, department_id: a.departmentId, notes: 'Bring the invoice' },
    }, a.attendant);
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.any(String), title: 'Follow-up consultation', scheduled_at: '2030-02-20T10:00:00Z', customer_id: customerId,
      customer_name: 'Carlos Ferreira', user_id: a.attendant.id, department_id: a.departmentId, notes: 'Bring the invoice',
      reminded_at: null, inserted_at: expect.any(String),
    });
    const id = created.body.data.id;
    expect((await api.get(`/api/v1/appointments/${id}`, a.attendant)).body.data.title).toBe('Follow-up consultation');
    const updated = await api.put(`/api/v1/appointments/${id}`, { appointment: { title: 'Second follow-up' } }, a.attendant);
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ title: 'Second follow-up', scheduled_at: '2030-02-20T10:00:00Z' });
    const list = await api.get('/api/v1/appointments?date_from=2030-02-20&date_to=2030-02-20', a.attendant);
    expect(list.body.data.map((x: any) => x.id)).toEqual([id]);
    expect(list.body.meta).toMatchObject({ total_count: 1 });
    expect((await api.request('DELETE', `/api/v1/appointments/${id}`, { auth: a.attendant })).status).toBe(204);
    expect((await api.get(`/api/v1/appointments/${id}`, a.attendant)).status).toBe(404);
  });

  it('rejects bad input with 422 and hides other agents’ and tenants’ appointments (404)', async () => {
    const missing = await api.post('/api/v1/appointments', { appointment: { title: '' } }, a.attendant);
    expect(missing.status).toBe(422);
    const badRefs = await api.post('/api/v1/appointments', {
      appointment: { title: 'x', scheduled_at: inMinutes(60), customer_id: '00000000-0000-4000-8000-000000000000', department_id: 'nope' },
    }, a.attendant);
    expect(badRefs.status).toBe(422);
    expect(badRefs.body.errors).toEqual({ customer_id: ['does not exist'], department_id: ['does not exist'] });
    const forOther = await api.post('/api/v1/appointments', { appointment: { title: 'x', scheduled_at: inMinutes(60), user_id: a.supervisor.id } }, a.attendant);
    expect(forOther.status).toBe(403);

    const mine = await api.post('/api/v1/appointments', { appointment: { title: 'Mine', scheduled_at: inMinutes(600) } }, a.supervisor);
    const id = mine.body.data.id;
    expect((await api.get(`/api/v1/appointments/${id}`, a.attendant)).status).toBe(404);
    expect((await api.get(`/api/v1/appointments/${id}`, b.owner)).status).toBe(404);
    expect((await api.put(`/api/v1/appointments/${id}`, { appointment: { title: 'stolen' } }, b.owner)).status).toBe(404);
    expect((await api.request('DELETE', `/api/v1/appointments/${id}`, { auth: b.owner })).status).toBe(404);
    const gql = await api.post('/graphql', { query: 'query($id: ID!) { appointment(id: $id) { id } }', variables: { id } }, b.owner);
    expect(gql.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('appointment reminders on notification:{user_id}', () => {
  it('fires once, 15 minutes before, and not for appointments far ahead or past', async () => {
    const socket = await connectPhoenix(srv.url, a.attendant.token);
    const inbox = socket.channel(`notification:${a.attendant.id}`, {});
    const reminders = collect(inbox, 'appointment_reminder');
    const notes = collect(inbox, 'new_notification');
    expect((await join(inbox)).status).toBe('ok');
    const soon = await api.post('/api/v1/appointments', { appointment: { title: 'Soon', scheduled_at: inMinutes(10), customer_id: customerId } }, a.attendant);
    await api.post('/api/v1/appointments', { appointment: { title: 'Later', scheduled_at: inMinutes(30) } }, a.attendant);
    await eventually(() => reminders.length, 5000, 'appointment_reminder');
    expect(reminders[0]).toEqual({
      appointment_id: soon.body.data.id, title: 'Soon', scheduled_at: soon.body.data.scheduled_at,
      customer_name: 'Carlos Ferreira', minutes_until: 10,
    });
    expect(notes.find((n) => n.type === 'appointment_reminder')).toMatchObject({ data: { appointment_id: soon.body.data.id } });
    // Once: more sweeps (run here, so they surely ran), then a round trip on the socket.
    for (let i = 0; i < 3; i++) await srv.server.deps.services.appointments.sendDueReminders(srv.server.db.orm.em.fork() as never, 15 * 60);
    await roundTrip(socket);
    expect(reminders).toHaveLength(1);
    expect((await api.get(`/api/v1/appointments/${soon.body.data.id}`, a.attendant)).body.data.reminded_at).toEqual(expect.any(String));

    // Moving it re-arms the reminder.
    await api.put(`/api/v1/appointments/${soon.body.data.id}`, { appointment: { scheduled_at: inMinutes(12) } }, a.attendant);
    await eventually(() => reminders.length === 2, 5000, 'second reminder');
    expect(reminders[1].minutes_until).toBe(12);
    socket.disconnect();
  });
});

describe('reminders survive a restart', () => {
  it('a reminder that fell due while the server was down goes out after it starts again, once', async () => {
    const created = await api.post('/api/v1/appointments', {
      appointment: { title: 'While down', scheduled_at: new Date(Date.now() + 15 * 60000 + 1500).toISOString() },
    }, a.attendant);
    expect(created.status).toBe(201);
    await srv.server.close();
    await quiet(2000);
    // The first sweep after the start comes one interval later: time enough to connect.
    restarted = await restart(srv, { TIMER_INTERVAL_MS: '2000' });
    const socket = await connectPhoenix(restarted.url, a.attendant.token);
    const inbox = socket.channel(`notification:${a.attendant.id}`, {});
    const reminders = collect(inbox, 'appointment_reminder');
    expect((await join(inbox)).status).toBe('ok');
    await eventually(() => reminders.find((r) => r.appointment_id === created.body.data.id), 8000, 'reminder after restart');
    for (let i = 0; i < 3; i++) await restarted.deps.services.appointments.sendDueReminders(restarted.db.orm.em.fork() as never, 15 * 60);
    await roundTrip(socket);
    expect(reminders.filter((r) => r.appointment_id === created.body.data.id)).toHaveLength(1);
    socket.disconnect();
  }, 20000);
});
