import { invalid } from '../errors';
import type { CallFilters } from '../services/calls.service';

const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function date(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const d = typeof value === 'string' && DATE.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw invalid({ [field]: ['must be an ISO 8601 date-time'] });
  return d;
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
  let s = value instanceof Date ? value.toISOString().replace(/\.\d{3}Z$/, 'Z') : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function callsCsv(rows: Array<Record<string, unknown>>): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => cell(row[camel(c)])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
