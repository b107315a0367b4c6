import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Appointment, Customer, Department, User } from '../entities';
import { forbidden, invalid, notFound } from '../errors';
import { atLeast, requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';
import type { EventBus, BusEvent } from '../events/event-bus';
import { event } from '../events/catalog';
import { findPage, type PageArgs } from './pagination';
import { endOfDay } from './dates';
import { isUuid, requireUuid } from './guards';
import { CreateAppointmentInput, UpdateAppointmentInput } from '../schema/appointment.type';
import { validated } from './validate';

export interface AppointmentInput {
  title?: string | null; scheduledAt?: Date | null; customerId?: string | null; userId?: string | null;
  departmentId?: string | null; notes?: string | null;
}

const SORTABLE = ['scheduled_at', 'inserted_at', 'title'] as const;

/**
 * Follow-ups with customers (CONTRACT §4). Attendants see and manage their own; supervisors and
 * above those of everyone in the tenant. Another agent's appointment is simply not found.
 */
export class AppointmentsService {
  constructor(private readonly bus: EventBus) {}

  async list(scope: Scope, args: PageArgs & { userId?: string | null; dateFrom?: Date | null; dateTo?: Date | null }) {
    requireRole(scope.actor, 'attendant');
    const and: FilterQuery<Appointment>[] = [this.visible(scope)];
    if (args.userId) and.push({ userId: isUuid(args.userId) ? args.userId.toLowerCase() : [] as never });
    if (args.dateFrom) and.push({ scheduledAt: { $gte: args.dateFrom } });
    if (args.dateTo) and.push({ scheduledAt: { $lte: endOfDay(args.dateTo) } });
    const { items, meta } = await findPage(scope.em, Appointment, { $and: and }, args, SORTABLE, { sortBy: 'scheduled_at', sortOrder: 'asc' });
    return { data: await this.views(scope.em, items), meta };
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    return (await this.views(scope.em, [await this.load(scope, id)]))[0];
  }

  async create(scope: Scope, input: AppointmentInput) {
    await validated(CreateAppointmentInput, input);
    requireRole(scope.actor, 'attendant');
    if (!input.scheduledAt) throw invalid({ scheduledAt: ["can't be blank"] });
    const fields = await this.checkRefs(scope, { ...input, userId: input.userId ?? scope.actor.userId });
    const appointment = scope.em.create(Appointment, {
      tenantId: scope.actor.tenantId, title: input.title!.trim(), scheduledAt: input.scheduledAt,
      notes: input.notes?.trim() || null, ...fields,
    } as never);
    await scope.em.flush();
    return (await this.views(scope.em, [appointment]))[0];
  }

  /** Moving an appointment re-arms its reminder. */
  async update(scope: Scope, id: string, input: AppointmentInput) {
    await validated(UpdateAppointmentInput, input);
    requireRole(scope.actor, 'attendant');
    const appointment = await this.load(scope, id);
    Object.assign(appointment, await this.checkRefs(scope, input));
    if (input.title) appointment.title = input.title.trim();
    if (input.notes !== undefined && input.notes !== null) appointment.notes = input.notes.trim() || null;
    if (input.scheduledAt && input.scheduledAt.getTime() !== appointment.scheduledAt.getTime()) {
      appointment.scheduledAt = input.scheduledAt;
      appointment.remindedAt = null;
    }
    await scope.em.flush();
    return (await this.views(scope.em, [appointment]))[0];
  }

  async remove(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    const appointment = await this.load(scope, id);
    await scope.em.nativeDelete(Appointment, { id: appointment.id });
    return true;
  }

  /**
   * Sends each reminder `leadSeconds` before its appointment, once: the UPDATE claims due rows
   * (any instance, any restart), and only the instance whose UPDATE claimed a row publishes it.
   * An appointment already past is not reminded.
   */
  async sendDueReminders(em: EntityManager, leadSeconds: number): Promise<number> {
    const rows = await em.execute<Array<{ id: string; user_id: string; title: string; scheduled_at: Date; customer_name: string | null }>>(
      `update appointments a set reminded_at = now(), updated_at = now()
        where a.reminded_at is null and a.scheduled_at > now() and a.scheduled_at <= now() + make_interval(secs => ?)
        returning a.id, a.user_id, a.title, a.scheduled_at, (select name from customers where id = a.customer_id) as customer_name`,
      [leadSeconds],
    );
    const events: BusEvent[] = rows.flatMap((r) => {
      const scheduledAt = new Date(r.scheduled_at);
      const minutesUntil = Math.max(0, Math.round((scheduledAt.getTime() - Date.now()) / 60000));
      const at = scheduledAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
      return [
        event('notification', r.user_id, 'appointment_reminder', {
          appointment_id: r.id, title: r.title, scheduled_at: at, customer_name: r.customer_name, minutes_until: minutesUntil,
        }),
        event('notification', r.user_id, 'new_notification', {
          type: 'appointment_reminder', title: r.title,
          body: `${r.customer_name ? `With ${r.customer_name}, ` : ''}in ${minutesUntil} minutes`, data: { appointment_id: r.id },
        }),
      ];
    });
    if (events.length) this.bus.publish(events);
    return rows.length;
  }

  private visible(scope: Scope): FilterQuery<Appointment> {
    return atLeast(scope.actor.role, 'supervisor') ? {} : { userId: scope.actor.userId };
  }

  private async load(scope: Scope, id: string) {
    const found = await scope.em.findOne(Appointment, { $and: [{ id: requireUuid(id, 'Appointment') }, this.visible(scope)] });
    if (!found) throw notFound('Appointment');
    return found;
  }

  /** Each referenced id must be the tenant's; an attendant cannot book for someone else. */
  private async checkRefs(scope: Scope, input: AppointmentInput) {
    const out: Partial<Pick<Appointment, 'userId' | 'customerId' | 'departmentId'>> = {};
    const errors: Record<string, string[]> = {};
    if (input.userId) {
      const userId = input.userId.toLowerCase();
      if (userId !== scope.actor.userId && !atLeast(scope.actor.role, 'supervisor')) throw forbidden('Only supervisors may book for others');
      if (!isUuid(userId) || !(await scope.em.count(User, { id: userId, status: 'active' }))) errors.userId = ['does not exist'];
      else out.userId = userId;
    }
    if (input.customerId) {
      if (!isUuid(input.customerId) || !(await scope.em.count(Customer, { id: input.customerId.toLowerCase() }))) errors.customerId = ['does not exist'];
      else out.customerId = input.customerId.toLowerCase();
    }
    if (input.departmentId) {
      if (!isUuid(input.departmentId) || !(await scope.em.count(Department, { id: input.departmentId.toLowerCase() }))) errors.departmentId = ['does not exist'];
      else out.departmentId = input.departmentId.toLowerCase();
    }
    if (Object.keys(errors).length) throw invalid(errors);
    return out;
  }

  private async views(em: EntityManager, items: Appointment[]) {
    const ids = [...new Set(items.map((a) => a.customerId).filter((id): id is string => !!id))];
    const customers = ids.length ? await em.find(Customer, { id: { $in: ids } }) : [];
    const names = new Map(customers.map((c) => [c.id, c.name]));
    return items.map((a) => ({
      id: a.id, title: a.title, scheduledAt: a.scheduledAt, customerId: a.customerId,
      customerName: a.customerId ? names.get(a.customerId) ?? null : null, userId: a.userId,
      departmentId: a.departmentId, notes: a.notes, remindedAt: a.remindedAt, insertedAt: a.insertedAt,
    }));
  }
}
