import Type, { type Static } from 'typebox';

/** WGS 84 longitude/latitude. Finite and in range: JSON cannot carry NaN, and the schema refuses ±Infinity. */
export const Point = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);
export type Point = Static<typeof Point>;

/** `minLon,minLat,maxLon,maxLat` as used in `bbox` query parameters. */
export const BboxParam = Type.String({
  pattern: '^-?\\d{1,3}(\\.\\d+)?,-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?,-?\\d{1,2}(\\.\\d+)?$',
  maxLength: 100,
  description: 'minLon,minLat,maxLon,maxLat (WGS 84)',
});
