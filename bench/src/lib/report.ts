import type { Backend } from './sigap.js';

export type Verdict = 'PASS' | 'MISS' | '—' | 'n/a' | 'ERROR';

/** One line of the results table: what was measured, against what, and whether it met its target. */
export interface Row {
  backend: Backend;
  what: string;
  value: string;
  baseline: string;
  /** measured ÷ baseline where the target is a ratio (higher is better), else null. */
  ratio: number | null;
  target: string;
  verdict: Verdict;
  note?: string;
  /** The raw measurements, for the JSON file. */
  raw?: unknown;
}

export const verdict = (pass: boolean | null): Verdict => (pass === null ? '—' : pass ? 'PASS' : 'MISS');

export const ms = (x: number) =>
  Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x)} ms` : '—';
export const perSec = (x: number, unit = 'req/s') =>
  Number.isFinite(x) ? `${x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1)} ${unit}` : '—';
export const ratioText = (r: number | null) =>
  r === null || !Number.isFinite(r) ? '—' : r >= 10 ? `${Math.round(r)}x` : r.toFixed(2);

export function notAvailable(backend: Backend, what: string, target: string, why: string): Row {
  return {
    backend,
    what,
    value: 'not available',
    baseline: '—',
    ratio: null,
    target,
    verdict: 'n/a',
    note: why,
  };
}

export function errorRow(backend: Backend, what: string, target: string, error: unknown): Row {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return {
    backend,
    what,
    value: 'ERROR',
    baseline: '—',
    ratio: null,
    target,
    verdict: 'ERROR',
    note: message,
  };
}

/** The table as fixed-width text (terminal) or as Markdown (README). */
export function renderTable(rows: Row[], markdown = false): string {
  const header = ['backend', 'what', 'measured', 'baseline (same run)', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [
    r.backend,
    r.what,
    r.value,
    r.baseline,
    ratioText(r.ratio),
    r.target,
    r.verdict + (r.note && r.verdict !== 'PASS' ? ` (${r.note})` : ''),
  ]);
  if (markdown) {
    const line = (c: string[]) => `| ${c.map((x) => x.replaceAll('|', '\\|')).join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...cells.map(line)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => Math.min(c[i]!.length, 60))));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
