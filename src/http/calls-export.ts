import { invalid } from '../errors';
import type { CallFilters } from '../services/call-rows';
import { parseDate, toIsoSeconds } from '../schema/scalars';
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

const COLUMNS = [
  'id', 'status', 'department_name', 'user_name', 'customer_name', 'customer_email', 'customer_phone',
  'wait_time', 'duration', 'rating', 'notes', 'inserted_at', 'started_at', 'completed_at',
] as const;

/** One CSV cell; a leading =, +, - or @ is neutralised so spreadsheets do not run it as a formula. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? toIsoSeconds(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function callsCsv(rows: ReadonlyArray<object>): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => cell((row as Record<string, unknown>)[toCamel(c)])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
