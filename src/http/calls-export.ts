import { invalid } from '../errors';
import type { CallFilters } from '../services/call-rows';
import { parseDate, serializeDate } from '../schema/scalars';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { toCamel } from '../rest-compat/case';

/** Dates are read exactly as the DateTime scalar reads them for the list route. */
function date(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return parseDate(value);
  } catch {
    throw invalid({ [field]: ['must be an ISO 8601 date-time'] });
  }
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The list's snake_case query filters, read the same way the list route reads them. */
export function readCallFilters(query: Record<string, unknown>): CallFilters {
  return {
    status: text(query.status), departmentId: text(query.department_id), userId: text(query.user_id),
    search: text(query.search), dateFrom: date(query.date_from, 'date_from'), dateTo: date(query.date_to, 'date_to'),
  };
}

/** CONTRACT §15: the call list item's keys, in that order. */
const COLUMNS = [
  'id', 'status', 'department_id', 'department_name', 'user_id', 'user_name', 'customer_name', 'customer_email', 'customer_phone',
  'duration', 'wait_time', 'rating', 'notes', 'has_recording', 'started_at', 'completed_at', 'inserted_at',
] as const;

/** A leading =, +, -, @ or control character is neutralised, so spreadsheets do not run a cell as a formula. */
const safe = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

const DATE_KEYS = ['startedAt', 'completedAt', 'insertedAt'];

/** Times as the API writes them (whole seconds, UTC), whether the driver handed a Date or its text. */
async function* withIsoTimes(rows: AsyncIterable<object>) {
  for await (const row of rows) {
    const out: Record<string, unknown> = { ...row };
    for (const key of DATE_KEYS) if (out[key] != null) out[key] = serializeDate(out[key]);
    yield out;
  }
}

/** The export as a CSV stream (csv-stringify): a header row, then one row per call, as rows arrive. */
export function callsCsv(rows: AsyncIterable<object>): Readable {
  const csv = stringify({
    header: true,
    record_delimiter: 'windows',
    columns: COLUMNS.map((key) => ({ key: toCamel(key), header: key })),
    cast: { boolean: (b) => String(b), string: safe },
  });
  return Readable.from(withIsoTimes(rows)).pipe(csv);
}
