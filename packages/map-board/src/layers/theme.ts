/**
 * The board's colours and fonts: a dark theme for a control room (bright screens at night tire
 * the eyes and wash out the red that must stand out). Priorities and unit statuses also differ
 * by icon shape and label, not by colour alone.
 */

export const COLORS = {
  background: '#0b1016',
  areaFill: '#121b26',
  areaLine: '#3a4d63',
  boundary: '#8fb4d9',
  areaLabel: '#a9bdd2',
  halo: '#05080c',
  text: '#f2f5f8',
  priority: { P1: '#ff453a', P2: '#ff9f0a', P3: '#409cff' },
  unit: { available: '#32d74b', busy: '#bf5af2', offline: '#8e8e93' },
  assignment: { pending: '#ffd60a', moving: '#f2f5f8' },
} as const;

/**
 * Font names used by `text-font`. The files are bundled with the board and declared in the
 * style's `font-faces`, so labels need no glyph server and no internet.
 */
export const FONTS = {
  regular: 'Atkinson Hyperlegible Regular',
  bold: 'Atkinson Hyperlegible Bold',
} as const;
