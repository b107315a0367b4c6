const DAY = 24 * 3600 * 1000;

/** A bare date given as an upper bound (`date_to=2026-02-15`) means the whole of that day. */
export function endOfDay(date: Date): Date {
  const midnight = date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0 && date.getUTCMilliseconds() === 0;
  return midnight ? new Date(date.getTime() + DAY - 1) : date;
}

export const daysBefore = (date: Date, days: number) => new Date(date.getTime() - days * DAY);

/** Whole seconds between two instants, never negative. */
export const secondsBetween = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
