import { instantOf, isOpenAt, nextOpenAt, parseBusinessHours, startOfDay, type BusinessHours } from '../../src/services/business-hours';

const schedule = (input: Parameters<typeof parseBusinessHours>[0]): BusinessHours => {
  const { hours, problems } = parseBusinessHours(input);
  if (!hours) throw new Error(problems.join('; '));
  return hours;
};
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d && d.toISOString();

const weekdays = (ranges: string[][]) => ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges });

describe('business hours: validation', () => {
  it('accepts a schedule and fills the missing days as closed', () => {
    const hours = schedule({ timezone: 'America/Sao_Paulo', weekly: { mon: [['13:00', '18:00'], ['09:00', '12:00']] } });
    expect(hours.weekly.mon).toEqual([['09:00', '12:00'], ['13:00', '18:00']]);
    expect(hours.weekly.sun).toEqual([]);
    expect(hours.closedDates).toEqual([]);
  });

  it.each([
    [{ timezone: 'Mars/Olympus', weekly: {} }, /time zone/],
    [{ timezone: 'UTC', weekly: { mon: [['09:00', '25:00']] } }, /not a \["HH:MM", "HH:MM"\] range/],
    [{ timezone: 'UTC', weekly: { mon: [['18:00', '09:00']] } }, /must end after it starts/],
    [{ timezone: 'UTC', weekly: { mon: [['24:00', '24:00']] } }, /cannot start at 24:00/],
    [{ timezone: 'UTC', weekly: { mon: [['09:00', '12:00'], ['11:00', '14:00']] } }, /overlap/],
    [{ timezone: 'UTC', weekly: { funday: [] } }, /not a day/],
    [{ timezone: 'UTC', weekly: {}, closedDates: ['2026-02-30'] }, /not a YYYY-MM-DD date/],
  ])('refuses %j', (input, message) => {
    const { hours, problems } = parseBusinessHours(input as never);
    expect(hours).toBeUndefined();
    expect(problems.join('\n')).toMatch(message);
  });

  it('allows ranges that touch and a range that ends at 24:00', () => {
    expect(parseBusinessHours({ timezone: 'UTC', weekly: { mon: [['09:00', '12:00'], ['12:00', '24:00']] } }).problems).toEqual([]);
  });
});

describe('business hours: open and next opening', () => {
  const saoPaulo = schedule({ timezone: 'America/Sao_Paulo', weekly: weekdays([['09:00', '18:00']]), closedDates: ['2026-12-25'] });

  it('reads the wall clock of the department’s zone, not UTC', () => {
    // 11:30 UTC is 08:30 in São Paulo (UTC−3): not yet open, although 09:00 UTC has passed.
    expect(isOpenAt(saoPaulo, at('2026-12-02T11:30:00Z'))).toBe(false);
    expect(iso(nextOpenAt(saoPaulo, at('2026-12-02T11:30:00Z')))).toBe('2026-12-02T12:00:00.000Z');
    expect(isOpenAt(saoPaulo, at('2026-12-02T12:00:00Z'))).toBe(true);
    expect(nextOpenAt(saoPaulo, at('2026-12-02T12:00:00Z'))).toBeNull();
    // 20:59 UTC = 17:59 local: open; 21:00 UTC = 18:00 local: closed (ends are exclusive).
    expect(isOpenAt(saoPaulo, at('2026-12-02T20:59:00Z'))).toBe(true);
    expect(isOpenAt(saoPaulo, at('2026-12-02T21:00:00Z'))).toBe(false);
  });

  it('crosses the date line of the zone: Friday night local is Saturday in UTC, next opening Monday', () => {
    // 2026-12-05T01:00Z is Friday 22:00 in São Paulo.
    expect(isOpenAt(saoPaulo, at('2026-12-05T01:00:00Z'))).toBe(false);
    expect(iso(nextOpenAt(saoPaulo, at('2026-12-05T01:00:00Z')))).toBe('2026-12-07T12:00:00.000Z');
  });

  it('skips closed dates', () => {
    // Friday 25 December is closed; the next opening is Monday 28th.
    expect(isOpenAt(saoPaulo, at('2026-12-25T14:00:00Z'))).toBe(false);
    expect(iso(nextOpenAt(saoPaulo, at('2026-12-24T22:00:00Z')))).toBe('2026-12-28T12:00:00.000Z');
  });

  it('keeps local hours across a daylight-saving change (New York, 8 March 2026)', () => {
    const ny = schedule({ timezone: 'America/New_York', weekly: { sun: [['09:00', '17:00']], mon: [['09:00', '17:00']] } });
    // Sunday before the change starts at 09:00 EDT = 13:00Z (clocks went forward at 02:00 that morning).
    expect(iso(nextOpenAt(ny, at('2026-03-08T06:00:00Z')))).toBe('2026-03-08T13:00:00.000Z');
    // The Monday before, 09:00 EST was 14:00Z.
    expect(iso(nextOpenAt(ny, at('2026-03-02T06:00:00Z')))).toBe('2026-03-02T14:00:00.000Z');
    expect(isOpenAt(ny, at('2026-03-08T13:30:00Z'))).toBe(true);
    expect(isOpenAt(ny, at('2026-03-08T12:30:00Z'))).toBe(false);
  });

  it('maps a wall time skipped or repeated by a DST change to one instant', () => {
    // 02:30 does not exist in New York on 2026-03-08: clocks show 03:30 EDT (07:30Z).
    expect(new Date(instantOf(2026, 3, 8, 150, 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 2026-11-01: the first one (EDT, 05:30Z).
    expect(new Date(instantOf(2026, 11, 1, 90, 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    // An ordinary time in a zone east of UTC.
    expect(new Date(instantOf(2026, 7, 1, 9 * 60, 'Asia/Tokyo')).toISOString()).toBe('2026-07-01T00:00:00.000Z');
  });

  it('finds when the local day began, west and east of UTC and across a midnight DST jump', () => {
    // 22:30 in São Paulo on 4 December is already the 5th in UTC.
    expect(startOfDay(at('2026-12-05T01:30:00Z'), 'America/Sao_Paulo').toISOString()).toBe('2026-12-04T03:00:00.000Z');
    // 01:00 on 2 July in Tokyo is still the 1st in UTC.
    expect(startOfDay(at('2026-07-01T16:00:00Z'), 'Asia/Tokyo').toISOString()).toBe('2026-07-01T15:00:00.000Z');
    // Chile skips 00:00–01:00 on 6 September 2026: that day begins at 01:00 (-03).
    expect(startOfDay(at('2026-09-06T12:00:00Z'), 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(startOfDay(at('2026-12-04T12:00:00Z'), 'UTC').toISOString()).toBe('2026-12-04T00:00:00.000Z');
  });

  it('is always open without a schedule, and never opens with an empty one', () => {
    expect(isOpenAt(null, at('2026-12-02T03:00:00Z'))).toBe(true);
    expect(nextOpenAt(null, at('2026-12-02T03:00:00Z'))).toBeNull();
    const never = schedule({ timezone: 'UTC', weekly: {} });
    expect(isOpenAt(never, at('2026-12-02T03:00:00Z'))).toBe(false);
    expect(nextOpenAt(never, at('2026-12-02T03:00:00Z'))).toBeNull();
  });
});
