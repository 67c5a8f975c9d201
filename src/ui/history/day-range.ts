// Date fields give calendar days ('2026-03-01'); the store filters on instants. A day means the whole day in the
// person's own time zone, so "to" includes everything up to its last millisecond.

export interface InstantRange {
  from?: number;
  to?: number;
}

/** The instants two optional date-field values cover; an empty or unreadable value leaves that side open. */
export function dayRange(fromDay: string, toDay: string): InstantRange {
  const from = startOfDay(fromDay);
  const nextDay = startOfDay(toDay, 1);
  return { ...(from === undefined ? {} : { from }), ...(nextDay === undefined ? {} : { to: nextDay - 1 }) };
}

function startOfDay(day: string, offsetDays = 0): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [, year, month, date] = match.map(Number) as [number, number, number, number];
  const start = new Date(year, month - 1, date + offsetDays).getTime();
  return Number.isNaN(start) ? undefined : start;
}
