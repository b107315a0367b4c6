import type { FilterQuery } from '@mikro-orm/postgresql';
import { Call, CallSummary, CallTag, CallTranscript, CompanySettings, DepartmentMember, Tag, User, type CallStatus } from '../entities';
import { CALL_STATUSES } from '../entities/call.entity';
import type { PlanFeatures } from '../entities/company-settings.entity';
import { conflict, forbidden, invalid, notFound } from '../errors';
import { atLeast, requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';
import { escapeLike, isUuid } from './guards';
import { findPage, type PageArgs } from './pagination';
import { loadVisibleCall, visibleCalls } from './call-access';
import { endOfDay, secondsBetween } from './dates';
import { tagView } from './views';
import type { CallEvents } from './call-events';

const SORTABLE = ['inserted_at', 'started_at', 'completed_at', 'duration', 'wait_time', 'status', 'rating'] as const;
const STATUSES: readonly string[] = CALL_STATUSES;
const TERMINAL: readonly CallStatus[] = ['completed', 'missed', 'cancelled', 'abandoned'];

/** "An assigned call", "A completed call": how 409 messages name the state a call is in. */
export const callInState = (status: string) => `${/^[aeiou]/.test(status) ? 'An' : 'A'} ${status} call`;

export interface CallFilters extends PageArgs {
  status?: string | null; departmentId?: string | null; userId?: string | null;
  dateFrom?: Date | null; dateTo?: Date | null; search?: string | null;
}

function callView(c: Call) {
  const customer = c.customer.getEntity();
  const agent = c.user?.getEntity();
  return {
    id: c.id, status: c.status,
    departmentId: c.department.id, departmentName: c.department.getEntity().name,
    userId: agent?.id ?? null, userName: agent?.name ?? null,
    customerName: customer.name, customerEmail: customer.email, customerPhone: customer.phone,
    duration: c.duration, waitTime: c.waitTime, rating: c.rating, notes: c.notes,
    hasRecording: !!c.recordingPath,
    startedAt: c.startedAt, completedAt: c.completedAt, insertedAt: c.insertedAt,
  };
}

const POPULATE = ['customer', 'department', 'user'] as const;

/** Agents' handling of calls: every rule of the state table lives here or in the timers. */
export class CallsService {
  constructor(private readonly events: CallEvents) {}

  async list(scope: Scope, args: CallFilters) {
    requireRole(scope.actor, 'attendant');
    const { items, meta } = await findPage(scope.em, Call, await this.filters(scope, args), args, SORTABLE, { sortBy: 'inserted_at', sortOrder: 'desc' });
    await scope.em.populate(items, POPULATE as never);
    return { data: items.map(callView), meta };
  }

  /** Every call matching the list filters, oldest first, for export; capped so one request stays bounded. */
  async listAll(scope: Scope, args: CallFilters, cap = 10000) {
    requireRole(scope.actor, 'supervisor');
    const items = await scope.em.find(Call, await this.filters(scope, args), {
      orderBy: { insertedAt: 'asc', id: 'asc' }, limit: cap, populate: POPULATE as never,
    });
    return items.map(callView);
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, id, [...POPULATE]);
    return {
      ...callView(call),
      recordingUrl: call.recordingPath ? `/api/v1/calls/${call.id}/recording` : null,
      tags: await this.tagsOf(scope, call.id),
      managerNotes: call.managerNotes,
      endReason: call.endReason,
      disconnectedAt: call.disconnectedAt,
      reconnectedAt: call.reconnectedAt,
    };
  }

  /**
   * queued → assigned, as one conditional UPDATE: of two agents taking the same call at the
   * same moment exactly one matches the row still queued; the other gets 409.
   */
  async assign(scope: Scope, id: string, userId?: string | null) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, id, ['department', 'customer']);
    const assigneeId = userId ? requireAssignee(userId) : scope.actor.userId;
    if (assigneeId !== scope.actor.userId && !atLeast(scope.actor.role, 'supervisor')) {
      throw forbidden('Only supervisors may assign calls to others');
    }
    const assignee = await scope.em.findOne(User, { id: assigneeId, status: 'active' });
    if (!assignee) throw invalid({ userId: ['does not exist'] });
    if (!atLeast(assignee.role, 'supervisor')) {
      const member = await scope.em.count(DepartmentMember, { userId: assignee.id, departmentId: call.department.id });
      if (!member) {
        if (assignee.id === scope.actor.userId) throw forbidden('You are not a member of this department');
        throw invalid({ userId: ['is not a member of the call’s department'] });
      }
    }
    const won = await scope.em.nativeUpdate(Call, { id: call.id, status: 'queued' }, { status: 'assigned', user: assignee.id, assignedAt: new Date() });
    if (won !== 1) throw conflict(`${callInState(await this.currentStatus(scope, call.id))} cannot be assigned`);
    this.events.assigned(refOf(call), assignee, call.customer.getEntity().name, call.department.getEntity().name);
    return { id: call.id, status: 'assigned' as const, userId: assignee.id, userName: assignee.name };
  }

  /** assigned → active, by the assigned agent (or a supervisor). */
  async start(scope: Scope, id: string) {
    const call = await this.loadOwned(scope, id);
    const now = new Date();
    const changed = await scope.em.nativeUpdate(
      Call, { id: call.id, status: 'assigned' },
      { status: 'active', startedAt: now, waitTime: secondsBetween(call.insertedAt, now) },
    );
    if (changed !== 1) throw conflict(`${callInState(await this.currentStatus(scope, call.id))} cannot be started`);
    const agent = call.user!.getEntity();
    this.events.started(refOf(call), agent, now);
    return { id: call.id, status: 'active' as const, startedAt: now };
  }

  /** active → completed with end_reason normal; the agent's notes are kept. */
  async complete(scope: Scope, id: string, notes?: string | null) {
    const call = await this.loadOwned(scope, id);
    const now = new Date();
    const changed = await scope.em.nativeUpdate(
      Call, { id: call.id, status: 'active' },
      {
        status: 'completed', completedAt: now, endReason: 'normal',
        duration: call.startedAt ? secondsBetween(call.startedAt, now) : 0,
        ...(notes?.trim() ? { notes: notes.trim() } : {}),
      },
    );
    if (changed !== 1) throw conflict(`${callInState(await this.currentStatus(scope, call.id))} cannot be completed`);
    this.events.ended(refOf(call), call.user?.id ?? null, 'completed');
    return { id: call.id, status: 'completed' as const, completedAt: now };
  }

  async tags(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, callId);
    return this.tagsOf(scope, call.id);
  }

  async addTag(scope: Scope, callId: string, tagId: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, callId);
    const tag = isUuid(tagId) ? await scope.em.findOne(Tag, { id: tagId.toLowerCase() }) : null;
    if (!tag) throw invalid({ tagId: ['does not exist'] });
    if (!(await scope.em.count(CallTag, { callId: call.id, tagId: tag.id }))) {
      scope.em.create(CallTag, { tenantId: scope.actor.tenantId, callId: call.id, tagId: tag.id });
      await scope.em.flush();
    }
    return this.tagsOf(scope, call.id);
  }

  async removeTag(scope: Scope, callId: string, tagId: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, callId);
    const removed = isUuid(tagId) ? await scope.em.nativeDelete(CallTag, { callId: call.id, tagId: tagId.toLowerCase() }) : 0;
    if (!removed) throw notFound('Tag');
    return this.tagsOf(scope, call.id);
  }

  /** Append-only: each note is stamped `[YYYY-MM-DD HH:MM - Name]` and added on its own line. */
  async addManagerNote(scope: Scope, id: string, notes: string) {
    requireRole(scope.actor, 'supervisor');
    const text = notes?.trim();
    if (!text) throw invalid({ notes: ["can't be blank"] });
    const call = await loadVisibleCall(scope, id);
    if (!TERMINAL.includes(call.status)) throw conflict('Manager notes are added once the call has ended');
    const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const line = `[${stamp} - ${scope.actor.name}] ${text}`;
    const [row] = await scope.em.execute<{ manager_notes: string }[]>(
      `update calls set manager_notes = case when manager_notes is null or manager_notes = '' then ? else manager_notes || E'\\n' || ? end,
              updated_at = now()
        where id = ? and tenant_id = ? returning manager_notes`,
      [line, line, call.id, scope.actor.tenantId],
    );
    return { id: call.id, managerNotes: row.manager_notes };
  }

  async transcript(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    await this.requireFeature(scope, 'transcription');
    const call = await loadVisibleCall(scope, callId);
    const found = await scope.em.findOne(CallTranscript, { callId: call.id });
    if (!found) throw notFound('Transcript');
    return { callId: call.id, transcript: found.transcript, language: found.language, generatedAt: found.generatedAt };
  }

  async summary(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    await this.requireFeature(scope, 'ai_summaries');
    const call = await loadVisibleCall(scope, callId);
    const found = await scope.em.findOne(CallSummary, { callId: call.id });
    if (!found) throw notFound('Summary');
    return { callId: call.id, summary: found.summary, provider: found.provider, model: found.model, generatedAt: found.generatedAt };
  }

  private async requireFeature(scope: Scope, feature: keyof PlanFeatures) {
    const settings = await scope.em.findOne(CompanySettings, { tenantId: scope.actor.tenantId });
    if (!settings?.features[feature]) throw forbidden(`Feature ${feature} not available in the plan`);
  }

  /** Start and complete belong to the call's agent; supervisors may act on any call. */
  private async loadOwned(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, id, ['user']);
    if (call.user?.id !== scope.actor.userId && !atLeast(scope.actor.role, 'supervisor')) {
      throw forbidden('Only the assigned agent may do this');
    }
    return call;
  }

  /** The status as it is now (after a lost compare-and-set), for the 409 message. */
  private async currentStatus(scope: Scope, id: string) {
    const fresh = await scope.em.fork().findOne(Call, { id }, { fields: ['status'] as never });
    return fresh?.status ?? 'unknown';
  }

  private async tagsOf(scope: Scope, callId: string) {
    const links = await scope.em.find(CallTag, { callId }, { orderBy: { insertedAt: 'asc' } });
    const tags = links.length ? await scope.em.find(Tag, { id: { $in: links.map((l) => l.tagId) } }) : [];
    const byId = new Map(tags.map((t) => [t.id, t]));
    return links.flatMap((l) => (byId.has(l.tagId) ? [tagView(byId.get(l.tagId)!)] : []));
  }

  private async filters(scope: Scope, args: CallFilters): Promise<FilterQuery<Call>> {
    const and: FilterQuery<Call>[] = [await visibleCalls(scope)];
    if (args.status) {
      if (!STATUSES.includes(args.status)) throw invalid({ status: [`must be one of: ${STATUSES.join(', ')}`] });
      and.push({ status: args.status as CallStatus });
    }
    // A malformed id names no department or agent: the filter then matches nothing.
    if (args.departmentId) and.push({ department: { $in: isUuid(args.departmentId) ? [args.departmentId.toLowerCase()] : [] } });
    if (args.userId) and.push({ user: { $in: isUuid(args.userId) ? [args.userId.toLowerCase()] : [] } });
    if (args.dateFrom) and.push({ insertedAt: { $gte: args.dateFrom } });
    if (args.dateTo) and.push({ insertedAt: { $lte: endOfDay(args.dateTo) } });
    if (args.search?.trim()) {
      const like = `%${escapeLike(args.search.trim())}%`;
      and.push({ customer: { $or: [{ name: { $ilike: like } }, { email: { $ilike: like } }] } });
    }
    return { $and: and };
  }
}

const refOf = (c: Call) => ({ id: c.id, tenantId: c.tenantId, departmentId: c.department.id });

function requireAssignee(userId: string): string {
  if (!isUuid(userId)) throw invalid({ userId: ['does not exist'] });
  return userId.toLowerCase();
}
