/**
 * What one panel row says about an incident, as plain strings: the panel only puts them into
 * text nodes. Kept apart from the DOM so the wording rules are tested in Node.
 */
import type { I18n } from '../i18n/index.js';
import { type Countdown, countdown, formatRemaining } from './countdown.js';
import { ACTIVE_ASSIGNMENT_STATUSES, type Incident, type Targets } from './model.js';

export interface Lookups {
  /** Category label in the board's language (`labelId` / `labelEn` of `GET /v1/categories`). */
  categoryLabel(code: string): string;
  /** Kecamatan name by code, from `GET /v1/areas?level=kecamatan`. */
  areaName(code: string): string | undefined;
  targets: Targets | null;
}

export interface RowModel {
  id: string;
  priority: Incident['priority'];
  number: string;
  category: string;
  area: string;
  agencies: string;
  status: string;
  description: string;
}

export interface ClockModel {
  text: string;
  target: string;
  breached: boolean;
}

/**
 * @example
 * const row = rowModel(incident, i18n, lookups);
 * setText(cells.area, row.area); // 'Taman'
 */
export function rowModel(incident: Incident, i18n: I18n, lookups: Lookups): RowModel {
  const { t } = i18n;
  const code = incident.location.kecamatanCode;
  const area = code
    ? (lookups.areaName(code) ?? code)
    : incident.location.outsideJurisdiction
      ? t('panel.outside')
      : incident.location.point
        ? t('panel.unknownArea')
        : t('panel.noLocation');
  const agencies = [
    ...new Set(
      incident.assignments.filter((a) => ACTIVE_ASSIGNMENT_STATUSES.has(a.status)).map((a) => a.agencyCode),
    ),
  ];
  return {
    id: incident.id,
    priority: incident.priority,
    number: incident.number,
    category: lookups.categoryLabel(incident.category),
    area,
    agencies: agencies.length > 0 ? agencies.join(', ') : t('panel.noAgency'),
    status: t(`status.${incident.status}`),
    description: incident.description.replace(/\s+/g, ' ').trim(),
  };
}

/**
 * @example
 * clockModel(incident, Date.now(), i18n, targets); // { text: '01:45', target: 'konfirmasi', breached: false }
 */
export function clockModel(incident: Incident, now: number, i18n: I18n, targets: Targets | null): ClockModel {
  const c: Countdown | null = countdown(incident, now, targets);
  if (!c) return { text: '—', target: '', breached: incident.overdue };
  const breached = c.breached || incident.overdue;
  const target = i18n.t(`target.${c.kind}`);
  return {
    text: formatRemaining(c.remainingMs),
    target: breached ? `${i18n.t('target.breached')} · ${target}` : target,
    breached,
  };
}
