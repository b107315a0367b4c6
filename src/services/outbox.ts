import type { EntityManager } from '@mikro-orm/postgresql';

/** The integrator-facing events (CONTRACT §10). */
export const EVENT_TYPES = [
  'call.queued', 'call.assigned', 'call.started', 'call.completed', 'call.missed', 'call.cancelled', 'call.abandoned',
  'evaluation.created', 'recording.ready', 'transcript.ready', 'summary.ready',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A timestamp column as the API writes times (§2: ISO 8601, UTC, whole seconds), in SQL. */
export const isoSql = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * The REST call list item (the `Call` type in snake_case, times in whole seconds) as SQL JSON,
 * over a call row `c` with its department `d`, customer `cu` and agent `u`. Webhook `data` is
 * built from it, so an event carries the call as it was when the event happened; a test compares
 * it field by field with `GET /api/v1/calls/:id`.
 */
export const CALL_JSON = `jsonb_build_object(
  'id', c.id, 'status', c.status, 'department_id', c.department_id, 'department_name', d.name,
  'user_id', c.user_id, 'user_name', u.name, 'customer_name', cu.name, 'customer_email', cu.email, 'customer_phone', cu.phone,
  'duration', c.duration, 'wait_time', c.wait_time, 'rating', c.rating, 'notes', c.notes,
  'has_recording', c.recording_path is not null, 'started_at', ${isoSql('c.started_at')},
  'completed_at', ${isoSql('c.completed_at')}, 'inserted_at', ${isoSql('c.inserted_at')})`;

/** The joins CALL_JSON reads, from a call row source aliased `c`. */
export const CALL_JOINS = `join departments d on d.id = c.department_id join customers cu on cu.id = c.customer_id
  left join users u on u.id = c.user_id`;

/** A call's status after a transition, as the event that announces it. */
const CALL_EVENT = `case c.status when 'active' then 'call.started' else 'call.' || c.status end`;

/** An INSERT of one outbox row per row of `source` (aliased `c`, joined as CALL_JOINS unless told). */
export const recordCallEvents = (source: string, type = CALL_EVENT, joins = CALL_JOINS) =>
  `insert into outbox_events (id, tenant_id, type, subject_id, payload)
   select gen_random_uuid(), c.tenant_id, ${type}, c.id, ${CALL_JSON} from ${source} c ${joins}`;

/**
 * Runs an `update calls c … where …` and, in the same statement, records each changed call's
 * event in the outbox: the change and its event commit together or not at all, with no extra
 * round trip. `returning` selects from the changed rows (`c`, joined as CALL_JOINS).
 */
export function changeCalls<R>(em: EntityManager, update: string, params: unknown[], returning = 'c.id'): Promise<R[]> {
  return em.execute<R[]>(
    `with changed as (${update} returning c.*),
          recorded as (${recordCallEvents('changed')})
     select ${returning} from changed c ${CALL_JOINS}`,
    params,
  );
}

/** Records an event for calls already in the table (artefacts made later): `where` on `calls c`. */
export async function recordCallEvent(em: EntityManager, type: EventType, callId: string) {
  await em.execute(`${recordCallEvents('calls', '?')} where c.id = ?`, [type, callId]);
}

/** An event whose payload the caller built (REST casing), e.g. an evaluation. */
export async function recordEvent(em: EntityManager, tenantId: string, type: EventType, subjectId: string, payload: object) {
  await em.execute(
    'insert into outbox_events (id, tenant_id, type, subject_id, payload) values (gen_random_uuid(), ?, ?, ?, ?::jsonb)',
    [tenantId, type, subjectId, JSON.stringify(payload)],
  );
}
