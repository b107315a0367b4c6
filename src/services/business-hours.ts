/**
 * A department's opening hours in its own time zone (CONTRACT §9): weekly ranges of local wall
 * time, minus closed dates. Wall time is read from the platform's Intl time-zone database, so
 * daylight-saving changes move the UTC instants, never the local hours.
 */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  timezone: string;
  weekly: Record<Weekday, Array<[string, string]>>;
  closedDates: string[];
}

/** What a client sends: any day may be left out (closed), closed dates are optional. */
export interface BusinessHoursInput {
  timezone?: unknown;
  weekly?: object | null;
  closedDates?: unknown;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** How far ahead `nextOpenAt` looks: a year and a week covers any weekly pattern and its closed dates. */
const HORIZON_DAYS = 372;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function isZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || !zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isDate(value: unknown): value is string {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The schedule as stored, or the problems that make it invalid (422 under `business_hours`). */
export function parseBusinessHours(input: BusinessHoursInput): { hours?: BusinessHours; problems: string[] } {
  const problems: string[] = [];
  if (!isZone(input.timezone)) problems.push('timezone must be an IANA time zone such as America/Sao_Paulo');
  const given = (input.weekly ?? {}) as Record<string, unknown>;
  const weekly = {} as BusinessHours['weekly'];
  for (const key of Object.keys(given)) {
    if (!(WEEKDAYS as readonly string[]).includes(key)) problems.push(`weekly.${key} is not a day (mon … sun)`);
  }
  for (const day of WEEKDAYS) {
    const ranges = given[day] ?? [];
    weekly[day] = [];
    if (!Array.isArray(ranges)) {
      problems.push(`weekly.${day} must be a list of ["HH:MM", "HH:MM"] ranges`);
      continue;
    }
    for (const range of ranges) {
      if (!Array.isArray(range) || range.length !== 2 || !range.every((t) => typeof t === 'string' && TIME.test(t))) {
        problems.push(`weekly.${day}: ${JSON.stringify(range)} is not a ["HH:MM", "HH:MM"] range`);
        continue;
      }
      const [start, end] = range as [string, string];
      if (start === '24:00') problems.push(`weekly.${day}: a range cannot start at 24:00`);
      else if (minutesOf(end) <= minutesOf(start)) problems.push(`weekly.${day}: ${start}–${end} must end after it starts`);
      else weekly[day].push([start, end]);
    }
    weekly[day].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
    for (let i = 1; i < weekly[day].length; i++) {
      const [prev, next] = [weekly[day][i - 1], weekly[day][i]];
      if (minutesOf(next[0]) < minutesOf(prev[1])) problems.push(`weekly.${day}: ${prev.join('–')} and ${next.join('–')} overlap`);
    }
  }
  const closed = input.closedDates ?? [];
  const closedDates: string[] = [];
  if (!Array.isArray(closed)) problems.push('closed_dates must be a list of YYYY-MM-DD dates');
  else {
    for (const d of closed) {
      if (isDate(d)) closedDates.push(d);
      else problems.push(`closed_dates: ${JSON.stringify(d)} is not a YYYY-MM-DD date`);
    }
  }
  if (problems.length) return { problems };
  return { hours: { timezone: input.timezone as string, weekly, closedDates: [...new Set(closedDates)].sort() }, problems };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

interface WallTime { year: number; month: number; day: number; minutes: number; seconds: number }

function wallTime(instant: number, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, minutes: parts.hour * 60 + parts.minute, seconds: parts.second };
}

/** Milliseconds the zone's wall clock is ahead of UTC at `instant`. */
function offsetAt(instant: number, zone: string) {
  const w = wallTime(instant, zone);
  return Date.UTC(w.year, w.month - 1, w.day, 0, w.minutes, w.seconds) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local date and minute happen in the zone. A wall time skipped by a DST jump
 * (02:30 on a spring-forward night) lands where clocks show it shifted forward (03:30), and a
 * repeated one (fall back) at its first occurrence.
 */
export function instantOf(year: number, month: number, day: number, minutes: number, zone: string): number {
  const asUtc = Date.UTC(year, month - 1, day, 0, minutes);
  const before = offsetAt(asUtc - 86_400_000, zone);
  const first = asUtc - before;
  const after = offsetAt(first, zone);
  if (after === before) return first;
  const second = asUtc - after;
  return offsetAt(second, zone) === after ? Math.min(first, second) : first;
}

/** When the day that `at` falls on began in the zone (local midnight, or the first instant after it). */
export function startOfDay(at: Date, zone: string): Date {
  const w = wallTime(at.getTime(), zone);
  return new Date(instantOf(w.year, w.month, w.day, 0, zone));
}

const dateKey = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export function isOpenAt(hours: BusinessHours | null, at: Date): boolean {
  if (!hours) return true;
  const w = wallTime(at.getTime(), hours.timezone);
  if (hours.closedDates.includes(dateKey(w.year, w.month, w.day))) return false;
  const weekday = WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()];
  return hours.weekly[weekday].some(([start, end]) => w.minutes >= minutesOf(start) && w.minutes < minutesOf(end));
}

/** When the department next opens: null while open, and when the schedule never opens. */
export function nextOpenAt(hours: BusinessHours | null, at: Date): Date | null {
  if (!hours || isOpenAt(hours, at)) return null;
  const today = wallTime(at.getTime(), hours.timezone);
  for (let offset = 0; offset <= HORIZON_DAYS; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (hours.closedDates.includes(dateKey(y, m, d))) continue;
    for (const [start] of hours.weekly[WEEKDAYS[date.getUTCDay()]]) {
      const opens = instantOf(y, m, d, minutesOf(start), hours.timezone);
      if (opens > at.getTime()) return new Date(Math.ceil(opens / 1000) * 1000);
    }
  }
  return null;
}
