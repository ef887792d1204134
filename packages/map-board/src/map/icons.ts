/**
 * Map icons drawn on a canvas and handed to MapLibre with `map.addImage`: no sprite sheet, no
 * request. An incident icon is a disc in its priority's colour with the category pictogram in
 * white; a unit icon is a rounded square in its status colour with a truck.
 * Images are made when the style first asks for them (the map's missing-image resolver), so a category a
 * tenant adds later still gets an icon (the "other" pictogram).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { COLORS } from '../layers/theme.js';
import type { Priority } from '../state/model.js';
import { type Pictogram, pictogramFor, UNIT_PICTOGRAM } from './pictograms.js';

const PIXEL_RATIO = 2;
const INCIDENT_SIZE = 44; // CSS pixels at icon-size 1
const UNIT_SIZE = 30;

function canvas(size: number): {
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  px: number;
} {
  const px = size * PIXEL_RATIO;
  if (typeof OffscreenCanvas !== 'undefined') {
    // Read back once with getImageData: a CPU-backed canvas avoids a GPU read stall.
    const ctx = new OffscreenCanvas(px, px).getContext('2d', { willReadFrequently: true });
    if (ctx) return { ctx, px };
  }
  const el = document.createElement('canvas');
  el.width = px;
  el.height = px;
  return { ctx: el.getContext('2d', { willReadFrequently: true })!, px };
}

function drawPictogram(
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  pictogram: Pictogram,
  center: number,
  size: number,
): void {
  ctx.save();
  const scale = size / 24;
  ctx.translate(center - size / 2, center - size / 2);
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 2.2;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  if (pictogram.fill) ctx.fill(new Path2D(pictogram.fill), 'evenodd');
  if (pictogram.stroke) ctx.stroke(new Path2D(pictogram.stroke));
  ctx.restore();
}

/** RGBA pixels of an incident icon. */
export function drawIncidentIcon(category: string, priority: Priority): ImageData {
  const { ctx, px } = canvas(INCIDENT_SIZE);
  const c = px / 2;
  const r = c - 2 * PIXEL_RATIO;
  ctx.beginPath();
  ctx.arc(c, c, r, 0, Math.PI * 2);
  ctx.fillStyle = COLORS.priority[priority];
  ctx.fill();
  ctx.lineWidth = (priority === 'P1' ? 3 : 2) * PIXEL_RATIO;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  drawPictogram(ctx, pictogramFor(category), c, r * 1.15);
  return ctx.getImageData(0, 0, px, px);
}

/** RGBA pixels of a unit icon. */
export function drawUnitIcon(status: keyof typeof COLORS.unit): ImageData {
  const { ctx, px } = canvas(UNIT_SIZE);
  const inset = 2 * PIXEL_RATIO;
  ctx.beginPath();
  ctx.roundRect(inset, inset, px - 2 * inset, px - 2 * inset, 5 * PIXEL_RATIO);
  ctx.fillStyle = COLORS.unit[status];
  ctx.fill();
  ctx.lineWidth = 2 * PIXEL_RATIO;
  ctx.strokeStyle = COLORS.halo;
  ctx.stroke();
  drawPictogram(ctx, UNIT_PICTOGRAM, px / 2, px * 0.62);
  return ctx.getImageData(0, 0, px, px);
}

const INCIDENT_ID = /^inc-([a-z][a-z0-9_]*)-(P[123])$/;
const UNIT_ID = /^unit-(available|busy|offline)$/;

/**
 * Adds the image `id` if it is one of the board's (`inc-<category>-<priority>`,
 * `unit-<status>`). Returns whether it did.
 *
 * @example
 * map.setMissingStyleImageResolver((id) => void addBoardImage(map, id));
 */
export function addBoardImage(map: MapLibreMap, id: string): boolean {
  if (map.hasImage(id)) return true;
  const incident = INCIDENT_ID.exec(id);
  if (incident) {
    map.addImage(id, drawIncidentIcon(incident[1]!, incident[2] as Priority), { pixelRatio: PIXEL_RATIO });
    return true;
  }
  const unit = UNIT_ID.exec(id);
  if (unit) {
    map.addImage(id, drawUnitIcon(unit[1] as keyof typeof COLORS.unit), { pixelRatio: PIXEL_RATIO });
    return true;
  }
  return false;
}
