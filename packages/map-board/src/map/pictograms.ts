/**
 * Category pictograms as SVG path data on a 24×24 grid, drawn in white on the priority disc
 * by `icons.ts` (canvas `Path2D`, then `map.addImage`: no sprite sheet to fetch).
 * Drawn for this project; simple shapes that stay readable at 40 pixels across a room.
 */

export interface Pictogram {
  /** Filled paths (even-odd, so inner shapes cut holes). */
  fill?: string;
  /** Stroked paths (2.2 units wide, round caps). */
  stroke?: string;
}

const circle = (cx: number, cy: number, r: number) =>
  `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0Z`;

export const PICTOGRAMS: Record<string, Pictogram> = {
  fire: { fill: 'M12 2C13 6 18 8.5 18 14a6 6 0 0 1-12 0c0-3 2-5 3-6 0 2 1 3.2 2.2 3.2C11.2 8 10.5 5 12 2Z' },
  traffic_accident: {
    fill:
      'M4 11L6.5 5.5H17.5L20 11V18H17V20H14.5V18H9.5V20H7V18H4Z' +
      'M7.3 10.3H16.7L15.2 7.2H8.8Z' +
      circle(7.8, 14.3, 1.4) +
      circle(16.2, 14.3, 1.4),
  },
  medical: { fill: 'M9.5 3h5v6.5H21v5h-6.5V21h-5v-6.5H3v-5h6.5Z' },
  crime: {
    fill:
      'M12 2l8 3v6c0 5-3.5 9-8 11-4.5-2-8-6-8-11V5Z' + 'M10.9 6.5h2.2v7.5h-2.2Z' + 'M10.9 15.5h2.2v2.2h-2.2Z',
  },
  flood: {
    stroke:
      'M2 8c2.5-2 4.5-2 7 0s4.5 2 7 0 4.5-2 6 0M2 13c2.5-2 4.5-2 7 0s4.5 2 7 0 4.5-2 6 0M2 18c2.5-2 4.5-2 7 0s4.5 2 7 0 4.5-2 6 0',
  },
  storm: { stroke: 'M3 4h18M5 8h14M7 12h10M9 16h6M11 20h2' },
  landslide: { fill: `M2 21L9 8l4 6 2-3 7 10Z${circle(17, 5, 1.8)}${circle(20.5, 8.5, 1.3)}` },
  fallen_tree: { fill: `${circle(16, 9, 5.5)}M2 20.5l9.5-6.3 1.3 1.9-9.5 6.3Z` },
  animal_rescue: {
    fill: `${circle(6, 10, 2.1)}${circle(9.6, 5.8, 2.1)}${circle(14.4, 5.8, 2.1)}${circle(18, 10, 2.1)}M7.5 16a4.5 4 0 1 0 9 0a4.5 4 0 1 0-9 0Z`,
  },
  odgj: { fill: `${circle(12, 7, 4)}M4 21c0-4.5 3.5-8 8-8s8 3.5 8 8Z` },
  public_order: {
    fill: `${circle(8, 7, 3)}${circle(16, 7, 3)}M2 20c0-4 2.5-7 6-7s6 3 6 7ZM10 20c0-4 2.5-7 6-7s6 3 6 7Z`,
  },
  street_light: { stroke: 'M8 22V5h7M5 22h6', fill: 'M12.5 5h6l-1 3h-4Z' },
  damaged_road: {
    fill: 'M9 3h6l6 18H3Z' + 'M11.3 5h1.4v3h-1.4Z' + 'M11.1 10h1.8v3.5h-1.8Z' + 'M10.9 15.5h2.2v4h-2.2Z',
  },
  power_outage: { fill: 'M13 2L4 14h6l-1 8 9-12h-6Z' },
  telecom: {
    stroke: 'M12 11v11M8 22h8M8.5 7.5a5 5 0 0 1 7 0M5.5 4.5a9 9 0 0 1 13 0',
    fill: circle(12, 10.5, 2),
  },
  water: { fill: 'M12 2c3 5 7 9 7 13a7 7 0 0 1-14 0c0-4 4-8 7-13Z' },
  other: { stroke: 'M9 9a3 3 0 1 1 4.5 2.6c-1 .6-1.5 1.2-1.5 2.4v1', fill: circle(12, 19, 1.4) },
};

/** A unit: a small truck. */
export const UNIT_PICTOGRAM: Pictogram = {
  fill: `M3 7h11v9H3ZM14 10h4l3 3.5V16h-7Z${circle(7, 17.5, 1.8)}${circle(17, 17.5, 1.8)}`,
};

export const pictogramFor = (category: string): Pictogram => PICTOGRAMS[category] ?? PICTOGRAMS.other!;
