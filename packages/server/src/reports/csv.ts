import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * CSV as spreadsheet users need it: RFC 4180 (comma, CRLF, fields with a quote, comma or line
 * break quoted, quotes doubled), UTF-8 with a byte-order mark — without it Excel reads UTF-8 as
 * the Windows code page and "Dinas Pekerjaan Umum" survives but "Kel. Pagerwojo – “RW 3”" does
 * not — and no text cell that a spreadsheet would run as a formula.
 */
export type Cell = string | number | null;

const BOM = '\uFEFF';
/**
 * Cells starting with = + - @ (or tab / carriage return, which some spreadsheets skip before
 * reading a formula) are run as formulas by Excel and LibreOffice: an agency name or a ticket
 * number like `=HYPERLINK("http://evil","klik")` would be. A leading apostrophe makes them text
 * (OWASP "CSV injection"). Only text is neutralised: our numbers are figures, not input.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * @example
 * toCsv(['Instansi', 'Jumlah'], [['Damkar, Sidoarjo', 3]]) // '\uFEFFInstansi,Jumlah\r\n"Damkar, Sidoarjo",3\r\n'
 */
export function toCsv(header: string[], rows: Cell[][]): string {
  return `${BOM}${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/**
 * CSV when asked by `?format=csv`, or — without `format` — when `Accept` prefers text/csv over
 * application/json (the higher q wins; a tie goes to the one listed first; wildcards mean JSON).
 */
export function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format) return format === 'csv';
  const accept = request.headers.accept;
  if (!accept) return false;
  let best: { type: string; q: number } | null = null;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    if (type.trim() !== 'text/csv' && type.trim() !== 'application/json') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (q > 0 && (!best || q > best.q)) best = { type: type.trim(), q };
  }
  return best?.type === 'text/csv';
}

export function sendCsv(reply: FastifyReply, filename: string, body: string) {
  return reply
    .header('content-disposition', `attachment; filename="${filename}"`)
    .type('text/csv; charset=utf-8')
    .send(body);
}
