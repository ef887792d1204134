/**
 * Local days in the tenant's time zone (WIB, WITA or WIT): "today" on the board is the
 * tenant's day, whatever the clock of the machine showing it says.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The local date (`YYYY-MM-DD`) of an instant in a time zone.
 *
 * @example
 * localDate(Date.parse('2026-11-23T17:30:00Z'), 'Asia/Jakarta'); // '2026-11-24' (00:30 WIB)
 */
export function localDate(at: number | string, timeZone: string): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at;
  return dayFormatter(timeZone).format(ms);
}

/**
 * A `YYYY-MM-DD` date plus `days`.
 *
 * @example
 * addDays('2026-12-31', 1); // '2027-01-01'
 */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Today as the reports API wants it: `from` today, `to` tomorrow (exclusive), local dates.
 *
 * @example
 * todayRange(Date.now(), 'Asia/Jakarta'); // { from: '2026-11-23', to: '2026-11-24' }
 */
export function todayRange(now: number, timeZone: string): { from: string; to: string } {
  const from = localDate(now, timeZone);
  return { from, to: addDays(from, 1) };
}
