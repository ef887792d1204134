import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Numbers without a country code are Indonesian: the 112 line and the regency apps are. */
export const DEFAULT_REGION = 'ID';

export interface NormalisedNumber {
  /** The number as given (trimmed): what the switch or app sent, kept for the record. */
  raw: string;
  /** E.164 (`+6281234567890`) when the number is valid, else null. */
  e164: string | null;
  valid: boolean;
}

/**
 * Normalises a caller number to E.164 with libphonenumber's full metadata (the "max" build:
 * it validates against the numbering plan, not only the length). Never throws: text that is
 * no valid number (`112`, `anonymous`, a garbled caller ID) comes back with `valid: false`.
 *
 * Caller IDs come in several shapes; two need help beyond the default region:
 * - `62812…` (country code without `+`, common from Indonesian switches): read as `+62812…`
 *   when that is valid, before trying it as a national number (`62…` is also the start of
 *   North Sumatran area codes 0620-0629, but those are written with their trunk `0`);
 * - `0062812…` (a PBX's international prefix): read as `+62812…` when that is valid.
 *
 * @example
 * normalisePhone('0812-3456-7890'); // { raw: '0812-3456-7890', e164: '+6281234567890', valid: true }
 * normalisePhone('garbage');        // { raw: 'garbage', e164: null, valid: false }
 */
export function normalisePhone(input: string): NormalisedNumber {
  const raw = input.trim();
  const compact = raw.replace(/[\s().-]/g, '');
  const candidates: string[] = [];
  if (/^62\d{6,}$/.test(compact)) candidates.push(`+${compact}`);
  if (/^00\d{6,}$/.test(compact)) candidates.push(`+${compact.slice(2)}`);
  candidates.push(raw);
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, { defaultCountry: DEFAULT_REGION });
    if (parsed?.isValid()) return { raw, e164: parsed.number, valid: true };
  }
  return { raw, e164: null, valid: false };
}
