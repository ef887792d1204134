import { svg } from './dom.js';

/**
 * Three small charts in plain SVG (no chart library: bars and a line are a few dozen lines, and
 * SVG prints sharply into the PDF). Labels are <text> nodes filled with textContent.
 */
const COLORS = { bar: '#1d5fa8', prank: '#c2410c', grid: '#d9dde3', text: '#1f2933', muted: '#6b7280' };

function niceMax(max: number): number {
  if (max <= 5) return Math.max(1, max);
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

function frame(width: number, height: number, label: string): SVGSVGElement {
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width: '100%',
      role: 'img',
      'aria-label': label,
      class: 'chart',
      preserveAspectRatio: 'xMinYMin meet',
    },
    svg('title', {}, label),
  );
}

export interface BarItem {
  label: string;
  value: number | null;
  /** What is written at the end of the bar. */
  text: string;
}

/** Horizontal bars; `max` fixes the scale (1 for shares), `marker` draws a target line. */
export function barChart(
  title: string,
  items: BarItem[],
  options: { max?: number; marker?: { at: number; label: string }; color?: string } = {},
): SVGSVGElement {
  const width = 720;
  const labelW = 250;
  const textW = 90;
  const row = 24;
  const top = options.marker ? 22 : 6;
  const height = top + Math.max(1, items.length) * row + 6;
  const chart = frame(width, height, title);
  const max = options.max ?? niceMax(Math.max(0, ...items.map((i) => i.value ?? 0)));
  const plotW = width - labelW - textW;
  items.forEach((item, i) => {
    const y = top + i * row;
    const w = item.value === null ? 0 : (Math.max(0, item.value) / max) * plotW;
    chart.append(
      svg(
        'text',
        { x: labelW - 8, y: y + row / 2 + 4, 'text-anchor': 'end', 'font-size': 12, fill: COLORS.text },
        item.label.length > 32 ? `${item.label.slice(0, 31)}…` : item.label,
      ),
      svg('rect', {
        x: labelW,
        y: y + 4,
        width: Math.max(item.value ? 1 : 0, w).toFixed(1),
        height: row - 8,
        fill: options.color ?? COLORS.bar,
        class: 'bar',
      }),
      svg(
        'text',
        {
          x: labelW + w + 6,
          y: y + row / 2 + 4,
          'font-size': 12,
          fill: item.value === null ? COLORS.muted : COLORS.text,
        },
        item.text,
      ),
    );
  });
  if (options.marker) {
    const x = labelW + (options.marker.at / max) * plotW;
    chart.append(
      svg('line', {
        x1: x,
        x2: x,
        y1: top - 4,
        y2: height - 4,
        stroke: COLORS.prank,
        'stroke-dasharray': '4 3',
      }),
      svg(
        'text',
        { x, y: 12, 'text-anchor': 'middle', 'font-size': 11, fill: COLORS.prank },
        options.marker.label,
      ),
    );
  }
  return chart;
}

export interface PeriodPoint {
  label: string;
  total: number;
  prankShare: number | null;
}

/** Calls per period as bars, the prank share as a line on a 0–100% right axis. */
export function callsChart(
  title: string,
  points: PeriodPoint[],
  legend: { calls: string; prank: string },
): SVGSVGElement {
  const width = 720;
  const height = 260;
  const m = { left: 40, right: 44, top: 28, bottom: 28 };
  const chart = frame(width, height, title);
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const max = niceMax(Math.max(0, ...points.map((p) => p.total)));
  const slot = plotW / Math.max(1, points.length);
  const yOf = (v: number) => m.top + plotH - (v / max) * plotH;
  const yShare = (s: number) => m.top + plotH - s * plotH;

  for (const f of [0, 0.5, 1]) {
    const y = m.top + plotH - f * plotH;
    chart.append(
      svg('line', { x1: m.left, x2: width - m.right, y1: y, y2: y, stroke: COLORS.grid }),
      svg(
        'text',
        { x: m.left - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: COLORS.muted },
        String(Math.round(max * f)),
      ),
      svg(
        'text',
        { x: width - m.right + 6, y: y + 4, 'font-size': 11, fill: COLORS.prank },
        `${Math.round(f * 100)}%`,
      ),
    );
  }
  const every = Math.ceil(points.length / 16);
  const line: string[] = [];
  points.forEach((p, i) => {
    const x = m.left + i * slot;
    const y = yOf(p.total);
    chart.append(
      svg('rect', {
        x: (x + slot * 0.15).toFixed(1),
        y: y.toFixed(1),
        width: (slot * 0.7).toFixed(1),
        height: (m.top + plotH - y).toFixed(1),
        fill: COLORS.bar,
        class: 'bar',
      }),
    );
    if (i % every === 0) {
      chart.append(
        svg(
          'text',
          { x: x + slot / 2, y: height - 10, 'text-anchor': 'middle', 'font-size': 11, fill: COLORS.muted },
          p.label,
        ),
      );
    }
    if (p.prankShare !== null) line.push(`${(x + slot / 2).toFixed(1)},${yShare(p.prankShare).toFixed(1)}`);
  });
  if (line.length > 0) {
    chart.append(
      svg('polyline', {
        points: line.join(' '),
        fill: 'none',
        stroke: COLORS.prank,
        'stroke-width': 2,
        class: 'line',
      }),
      ...line.map((pt) => {
        const [cx, cy] = pt.split(',');
        return svg('circle', { cx, cy, r: 2.5, fill: COLORS.prank });
      }),
    );
  }
  chart.append(
    svg('rect', { x: m.left, y: 6, width: 12, height: 10, fill: COLORS.bar }),
    svg('text', { x: m.left + 18, y: 15, 'font-size': 12, fill: COLORS.text }, legend.calls),
    svg('line', {
      x1: m.left + 160,
      x2: m.left + 180,
      y1: 11,
      y2: 11,
      stroke: COLORS.prank,
      'stroke-width': 2,
    }),
    svg('text', { x: m.left + 186, y: 15, 'font-size': 12, fill: COLORS.text }, legend.prank),
  );
  return chart;
}
