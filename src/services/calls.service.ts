import { Call, CallSummary, CallTag, CallTranscript, CompanySettings, DepartmentMember, Tag, User, type CallStatus } from '../entities';
import type { PlanFeatures } from '../entities/company-settings.entity';
import { AppError, conflict, forbidden, invalid, notFound } from '../errors';
import { atLeast, requireRole } from '../auth/roles';
import { readRows } from '../db/rows';
import type { Scope } from '../auth/actor';
import { isUuid, requireUuid } from './guards';
import { loadVisibleCall } from './call-access';
import { CALL_COLUMNS, CALL_FROM, CALL_SORT_COLUMNS, callConditions, callView, type CallFilters, type CallRow } from './call-rows';
import { rowPage, whereClause } from './raw-page';
import { secondsBetween } from './dates';
import { tagView } from './views';
import type { CallEvents } from './call-events';
import { CallListArgs } from '../schema/call.type';
import { validated } from './validate';
import { audit } from './audit';
import { inTransaction } from '../db/transaction';
import { changeCalls } from './outbox';

const TERMINAL: readonly CallStatus[] = ['completed', 'missed', 'cancelled', 'abandoned'];

/** "An assigned call", "A completed call": how 409 messages name the state a call is in. */
export const callInState = (status: string) => `${/^[aeiou]/.test(status) ? 'An' : 'A'} ${status} call`;

/** Agents' handling of calls: every rule of the state table lives here or in the timers. */
export class CallsService {
  constructor(private readonly events: CallEvents) {}

  async list(scope: Scope, args: CallFilters) {
    await validated(CallListArgs, args);
    requireRole(scope.actor, 'attendant');
    const { where, params } = callConditions(scope, args);
    const { rows, meta } = await rowPage<CallRow>(
      scope.em, { select: CALL_COLUMNS, from: CALL_FROM, where, params, sortColumns: CALL_SORT_COLUMNS, tieBreaker: 'c.id' },
      args, { sortBy: 'inserted_at', sortOrder: 'desc' },
    );
    return { data: rows.map(callView), meta };
  }

  /**
   * Every call matching the list filters, oldest first, for export: checked here, then read in
   * keyset batches as the consumer asks for them, so memory stays flat whatever the count.
   */
  async exportRows(scope: Scope, args: CallFilters, batch = 1000): Promise<AsyncIterable<CallRow>> {
    await validated(CallListArgs, args);
    requireRole(scope.actor, 'supervisor');
    const { where, params } = callConditions(scope, args);
    audit(scope, { action: 'calls.exported', changes: { filters: exportedFilters(args) } });
    await scope.em.flush();
    return (async function* rows() {
      let after: { insertedAt: Date; id: string } | undefined;
      for (;;) {
        const keyset = after ? ['(c.inserted_at, c.id) > (?, ?)'] : [];
        const page = await readRows<CallRow>(scope.em,
          `select ${CALL_COLUMNS} from ${CALL_FROM} ${whereClause([...where, ...keyset])} order by c.inserted_at asc, c.id asc limit ?`,
          [...params, ...(after ? [after.insertedAt, after.id] : []), batch],
        );
        for (const row of page) yield callView(row);
        if (page.length < batch) return;
        after = page[page.length - 1];
      }
    })();
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    const { where, params } = callConditions(scope, {});
    const [call] = await scope.em.execute<Array<CallRow & Pick<Call, 'managerNotes' | 'endReason' | 'disconnectedAt' | 'reconnectedAt'>>>(
      `select ${CALL_COLUMNS}, c.manager_notes as "managerNotes", c.end_reason as "endReason",
              c.disconnected_at as "disconnectedAt", c.reconnected_at as "reconnectedAt"
         from ${CALL_FROM} ${whereClause([...where, 'c.id = ?'])}`,
      [...params, requireUuid(id, 'Call')],
    );
    if (!call) throw notFound('Call');
    return {
      ...call,
      recordingUrl: call.hasRecording ? `/api/v1/calls/${call.id}/recording` : null,
      tags: await this.tagsOf(scope, call.id),
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
    const take = async () => (await changeCalls(scope.em,
      `update calls c set status = 'assigned', user_id = ?, assigned_at = now(), routed = false, updated_at = now()
        where c.id = ? and c.status = 'queued' and c.tenant_id = ?`,
      [assignee.id, call.id, scope.actor.tenantId])).length;
    // Assigning someone else is audited, in the same transaction as the assignment.
    const won = assignee.id === scope.actor.userId ? await take() : await inTransaction(scope.em, async () => {
      const n = await take();
      if (n === 1) {
        audit(scope, { action: 'call.assigned', targetType: 'call', targetId: call.id, changes: { user_id: [null, assignee.id] } });
        await scope.em.flush();
      }
      return n;
    });
    if (won !== 1) throw conflict(`${callInState(await this.currentStatus(scope, call.id))} cannot be assigned`);
    this.events.assigned(refOf(call), assignee, call.customer.getEntity().name, call.department.getEntity().name);
    return { id: call.id, status: 'assigned' as const, userId: assignee.id, userName: assignee.name };
  }

  /** assigned → active, by the assigned agent (or a supervisor). */
  async start(scope: Scope, id: string) {
    const call = await this.loadOwned(scope, id);
    const now = new Date();
    const changed = (await changeCalls(scope.em,
      `update calls c set status = 'active', started_at = ?, wait_time = ?, updated_at = now()
        where c.id = ? and c.status = 'assigned' and c.tenant_id = ?`,
      [now, secondsBetween(call.insertedAt, now), call.id, scope.actor.tenantId])).length;
    if (changed !== 1) throw conflict(`${callInState(await this.currentStatus(scope, call.id))} cannot be started`);
    const agent = call.user!.getEntity();
    this.events.started(refOf(call), agent, now);
    return { id: call.id, status: 'active' as const, startedAt: now };
  }

  /** active → completed with end_reason normal; the agent's notes are kept. */
  async complete(scope: Scope, id: string, notes?: string | null) {
    const call = await this.loadOwned(scope, id);
    const now = new Date();
    const changed = (await changeCalls(scope.em,
      `update calls c set status = 'completed', completed_at = ?, end_reason = 'normal', duration = ?,
              notes = coalesce(?, c.notes), updated_at = now()
        where c.id = ? and c.status = 'active' and c.tenant_id = ?`,
      [now, call.startedAt ? secondsBetween(call.startedAt, now) : 0, notes?.trim() || null, call.id, scope.actor.tenantId])).length;
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
    const [row] = await inTransaction(scope.em, async () => {
      const updated = await scope.em.execute<{ manager_notes: string }[]>(
        `update calls set manager_notes = case when manager_notes is null or manager_notes = '' then ? else manager_notes || E'\\n' || ? end,
                updated_at = now()
          where id = ? and tenant_id = ? returning manager_notes`,
        [line, line, call.id, scope.actor.tenantId],
      );
      audit(scope, { action: 'call.manager_note', targetType: 'call', targetId: call.id, changes: { manager_notes: [null, line] } });
      await scope.em.flush();
      return updated;
    });
    return { id: call.id, managerNotes: row.manager_notes };
  }

  async transcript(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    await this.requireFeature(scope, 'transcription');
    const call = await loadVisibleCall(scope, callId);
    const found = await scope.em.findOne(CallTranscript, { callId: call.id });
    if (!found) throw notYet('Transcript', call.transcriptStatus);
    return { callId: call.id, transcript: found.transcript, language: found.language, generatedAt: found.generatedAt };
  }

  async summary(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    await this.requireFeature(scope, 'ai_summaries');
    const call = await loadVisibleCall(scope, callId);
    const found = await scope.em.findOne(CallSummary, { callId: call.id });
    if (!found) throw notYet('Summary', call.summaryStatus);
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

}

/** The export's filters as the audit log keeps them: only those given, REST casing. */
function exportedFilters(args: CallFilters) {
  const given = {
    status: args.status, department_id: args.departmentId, user_id: args.userId, search: args.search,
    date_from: args.dateFrom, date_to: args.dateTo,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/**
 * 404 for an artefact that does not exist: still being made (`… not ready yet`), or never coming
 * because its provider failed for good or there is none (`… not available`) (CONTRACT §12, §15).
 */
function notYet(what: string, status: string | null) {
  const gone = status === 'failed' || status === 'unavailable';
  return new AppError('NOT_FOUND', gone ? `${what} not available` : `${what} not ready yet`);
}

const refOf = (c: Call) => ({ id: c.id, tenantId: c.tenantId, departmentId: c.department.id });

function requireAssignee(userId: string): string {
  if (!isUuid(userId)) throw invalid({ userId: ['does not exist'] });
  return userId.toLowerCase();
}
