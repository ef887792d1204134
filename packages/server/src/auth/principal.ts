import type { Role } from '@sigap/contract';

/** Who is calling: resolved from the API key on every request. */
export interface Principal {
  keyId: string;
  keyName: string;
  tenantId: string;
  role: Role;
  /** Set for `agency` keys: the one agency whose work this key may see and do. */
  agencyId: string | null;
}

/** The actor recorded on every audit event. */
export interface Actor {
  keyId: string | null;
  role: string;
  name: string;
}

export function actorOf(principal: Principal): Actor {
  return { keyId: principal.keyId, role: principal.role, name: principal.keyName };
}

/** The actor of changes made by the server itself (SLA job, imports). */
export const SYSTEM_ACTOR: Actor = { keyId: null, role: 'system', name: 'sigap' };

/**
 * Caller numbers are personal data (UU PDP 27/2022): only the roles that call people back see
 * them in full — call takers, dispatchers, and agencies (for incidents assigned to them; they
 * cannot read the call log). The wall-board, integrators and admins see them masked: admins
 * configure the service and have no one to call.
 */
export function seesFullPhoneNumbers(role: Role): boolean {
  return role === 'call_taker' || role === 'dispatcher' || role === 'agency';
}

/** `+6281234567890` → `+62812*****890`: enough to recognise a repeat caller, not to dial. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const chars = [...phone];
  if (chars.length <= 6) return '*'.repeat(chars.length);
  const keepStart = phone.startsWith('+') ? 6 : 4;
  return chars.map((c, i) => (i < keepStart || i >= chars.length - 3 || !/\d/.test(c) ? c : '*')).join('');
}
