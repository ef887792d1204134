import type { Lang } from './i18n.js';

/**
 * How figures are written. Shares arrive as fractions rounded to 4 decimals, so a percentage with
 * 2 decimals shows them exactly (0.3636 → "36,36%"). `null` (nothing counted) is a dash, not 0.
 */
const locale = (lang: Lang) => (lang === 'id' ? 'id-ID' : 'en-GB');

export function fmtInt(lang: Lang, n: number | null): string {
  return n === null ? '–' : new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 0 }).format(n);
}

export function fmtShare(lang: Lang, share: number | null): string {
  if (share === null) return '–';
  const text = (Math.round(share * 10_000) / 100).toFixed(2);
  return `${lang === 'id' ? text.replace('.', ',') : text}%`;
}

/** Seconds with one decimal, as the API rounds them (call handling, whose target is 60 s). */
export function fmtSecondsNumber(lang: Lang, s: number): string {
  const text = s.toFixed(1);
  return lang === 'id' ? text.replace('.', ',') : text;
}

/** h:mm:ss or m:ss, whole seconds (agency response times run from minutes to days). */
export function fmtDuration(s: number | null): string {
  if (s === null) return '–';
  const total = Math.round(s);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

/** YYYY-MM-DD → a Date at UTC midnight (local dates are calendar days, not instants). */
export const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (iso: string, n: number) => isoDay(new Date(day(iso).getTime() + n * 86_400_000));
export const daysBetween = (from: string, to: string) =>
  Math.round((day(to).getTime() - day(from).getTime()) / 86_400_000);

export function fmtDate(lang: Lang, iso: string, style: 'long' | 'short' = 'long'): string {
  return new Intl.DateTimeFormat(locale(lang), {
    day: 'numeric',
    month: style === 'long' ? 'long' : 'short',
    year: style === 'long' ? 'numeric' : undefined,
    timeZone: 'UTC',
  }).format(day(iso));
}

export function fmtMonth(lang: Lang, month: string): string {
  return new Intl.DateTimeFormat(locale(lang), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    day(`${month}-01`),
  );
}

/** An instant in the tenant's time zone. */
export function fmtInstant(lang: Lang, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(lang), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}

/** Today's local date in a time zone, YYYY-MM-DD. */
export function today(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}
