#!/usr/bin/env node
// Generates the shipped demo data of the demo tenant Kabupaten Sidoarjo (35.15):
//   packages/server/data/demo/sidoarjo/{regency,kecamatan,desa,units}.geojson, agencies.json, README.md
//
// Everything here is APPROXIMATE and hand-placed from general geographic knowledge (no survey data, no network):
// a hand-drawn regency outline, one hand-placed centroid per kecamatan, kecamatan polygons computed as the
// Voronoi cells of those centroids clipped to the outline, and a few desa/kelurahan points and response units.
// Good enough for demos and tests, NOT for real dispatch. Real boundaries come in through
// `sigap import areas <file.geojson>`.
//
// Usage (from anywhere):
//   node scripts/generate-sidoarjo-demo.mjs           verify, then (re)write the files
//   node scripts/generate-sidoarjo-demo.mjs --check   verify, and fail if the committed files differ
//
// Deterministic: no randomness, no clock, no network; the output is byte-identical on every run.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'packages/server/data/demo/sidoarjo');
const AREA_DATA_DIR = path.join(ROOT, 'packages/server/node_modules/idn-area-data/data');
const GENERATOR = 'scripts/generate-sidoarjo-demo.mjs — do not edit by hand';

const REGENCY = { code: '35.15', name: 'Kabupaten Sidoarjo', level: 'kabupaten' };

// ---------------------------------------------------------------------------------------------------------
// (a) Regency outline: a hand-placed ring [lon, lat], clockwise from the western tip.
// Sidoarjo is the Brantas delta: its western tip is where the Brantas splits (Lengkong/Mlirip, Mojokerto)
// into Kali Surabaya (north-west edge, towards Wonokromo) and Kali Porong (southern edge, to the sea).
// Between Sepanjang and the coast the border with Kota Surabaya runs roughly along 7.34° S (Bundaran Waru).
// The east side is the Madura Strait coast (fish ponds / tambak), ending at the Porong estuary.
// ---------------------------------------------------------------------------------------------------------
const OUTLINE = [
  [112.455, -7.443], // western tip: Brantas split at Lengkong/Mlirip (border with Kab. Mojokerto)
  [112.47, -7.425], // Kali Surabaya (north edge, Kab. Gresik across the river) ...
  [112.488, -7.41],
  [112.51, -7.401],
  [112.535, -7.393], // ... north of Balongbendo
  [112.565, -7.391],
  [112.595, -7.386], // ... Terung, north of Krian
  [112.618, -7.376],
  [112.64, -7.362], // ... north of Trosobo
  [112.66, -7.348],
  [112.68, -7.339], // ... Karangpilang (Surabaya) across the river
  [112.7, -7.336], // Sepanjang: the border leaves the river
  [112.718, -7.34],
  [112.735, -7.345], // Bundaran Waru (border with Kota Surabaya)
  [112.76, -7.344],
  [112.79, -7.342],
  [112.815, -7.34],
  [112.832, -7.342], // coast at the Surabaya border (Gunung Anyar tambak)
  [112.836, -7.365], // Madura Strait coast, tambak belt ...
  [112.84, -7.39], // ... Gisik Cemandi
  [112.844, -7.42],
  [112.848, -7.45],
  [112.851, -7.48],
  [112.853, -7.51],
  [112.856, -7.54],
  [112.858, -7.562], // Porong estuary
  [112.835, -7.566], // Kali Porong (south edge, Kab. Pasuruan across the river) ...
  [112.8, -7.564],
  [112.76, -7.56],
  [112.725, -7.556], // ... south of the Lapindo mud pond
  [112.695, -7.554], // ... Porong bridge
  [112.67, -7.55],
  [112.645, -7.542],
  [112.62, -7.526], // ... south of Krembung
  [112.595, -7.5],
  [112.565, -7.481], // ... south of Prambon (Kab. Mojokerto across the river)
  [112.535, -7.465],
  [112.505, -7.458],
  [112.478, -7.455],
];

// ---------------------------------------------------------------------------------------------------------
// (b) Kecamatan: code and name exactly as in idn-area-data districts.csv; an approximate centroid [lon, lat]
// (the middle of the kecamatan's area, not its town), and the official area in km² (BPS Kabupaten Sidoarjo),
// used only for comparison. The centroids were hand-placed, then nudged by at most ~3 km so that the Voronoi
// cells come out near the official areas and the known desa and units below fall in their own kecamatan.
// The three elongated coastal kecamatan (Buduran, Sidoarjo, Candi: town in the west, fish ponds in the east)
// have centroids stacked north-south east of the towns so that their cells run west-east as in reality.
// ---------------------------------------------------------------------------------------------------------
const KECAMATAN = [
  { code: '35.15.01', name: 'Tarik', centroid: [112.499, -7.439], officialKm2: 36.06 },
  { code: '35.15.02', name: 'Prambon', centroid: [112.58, -7.466], officialKm2: 34.23 },
  { code: '35.15.03', name: 'Krembung', centroid: [112.628, -7.504], officialKm2: 29.55 },
  { code: '35.15.04', name: 'Porong', centroid: [112.682, -7.54], officialKm2: 29.82 },
  { code: '35.15.05', name: 'Jabon', centroid: [112.784, -7.554], officialKm2: 80.99 },
  { code: '35.15.06', name: 'Tanggulangin', centroid: [112.726, -7.522], officialKm2: 32.29 },
  { code: '35.15.07', name: 'Candi', centroid: [112.737, -7.492], officialKm2: 40.67 },
  { code: '35.15.08', name: 'Sidoarjo', centroid: [112.749, -7.457], officialKm2: 62.56 },
  { code: '35.15.09', name: 'Tulangan', centroid: [112.639, -7.469], officialKm2: 31.21 },
  { code: '35.15.10', name: 'Wonoayu', centroid: [112.64, -7.441], officialKm2: 33.92 },
  { code: '35.15.11', name: 'Krian', centroid: [112.594, -7.404], officialKm2: 32.5 },
  { code: '35.15.12', name: 'Balongbendo', centroid: [112.55, -7.414], officialKm2: 31.4 },
  { code: '35.15.13', name: 'Taman', centroid: [112.675, -7.366], officialKm2: 31.54 },
  { code: '35.15.14', name: 'Sukodono', centroid: [112.681, -7.397], officialKm2: 32.68 },
  { code: '35.15.15', name: 'Buduran', centroid: [112.756, -7.424], officialKm2: 41.03 },
  { code: '35.15.16', name: 'Gedangan', centroid: [112.72, -7.388], officialKm2: 24.06 },
  { code: '35.15.17', name: 'Sedati', centroid: [112.8, -7.382], officialKm2: 79.43 },
  { code: '35.15.18', name: 'Waru', centroid: [112.746, -7.367], officialKm2: 30.32 },
];

// ---------------------------------------------------------------------------------------------------------
// Desa / kelurahan points: [code, name, lon, lat]. Only places whose position is known with reasonable
// confidence (town centres, well-known landmarks); each is approximate to about 1-2 km. The kecamatan is the
// code's prefix. Codes and names are checked against idn-area-data villages.csv.
// ---------------------------------------------------------------------------------------------------------
const DESA = [
  // Tarik: seat, and Mliriprowo at the western tip by the Mlirip weir
  ['35.15.01.2004', 'Tarik', 112.493, -7.434],
  ['35.15.01.2001', 'Mliriprowo', 112.464, -7.441],
  // Prambon, Krembung: kecamatan seats
  ['35.15.02.2001', 'Prambon', 112.59, -7.462],
  ['35.15.03.2014', 'Krembung', 112.632, -7.523],
  // Porong: town centre
  ['35.15.04.1003', 'Porong', 112.686, -7.54],
  // Jabon: Kupang (TPA Jabon landfill), Kedungpandan (Tlocor, on the Porong estuary)
  ['35.15.05.2006', 'Kupang', 112.773, -7.542],
  ['35.15.05.2005', 'Kedungpandan', 112.84, -7.547],
  // Tanggulangin: the leather-craft centre on the main road
  ['35.15.06.2014', 'Kludan', 112.7, -7.502],
  ['35.15.06.2016', 'Kedensari', 112.705, -7.507],
  // Candi: seat
  ['35.15.07.2012', 'Candi', 112.717, -7.483],
  // Sidoarjo: the kelurahan of the town centre around the alun-alun (-7.447, 112.718)
  ['35.15.08.1004', 'Sidokare', 112.7235, -7.444],
  ['35.15.08.1011', 'Pekauman', 112.7165, -7.448],
  ['35.15.08.1012', 'Lemahputro', 112.72, -7.451],
  ['35.15.08.1013', 'Sidokumpul', 112.714, -7.444],
  ['35.15.08.1018', 'Magersari', 112.708, -7.442],
  ['35.15.08.1005', 'Celep', 112.715, -7.457],
  ['35.15.08.1006', 'Sekardangan', 112.727, -7.461],
  ['35.15.08.1009', 'Bulusidokare', 112.73, -7.44],
  // Tulangan, Wonoayu: kecamatan seats
  ['35.15.09.2008', 'Tulangan', 112.65, -7.485],
  ['35.15.10.2013', 'Wonoayu', 112.638, -7.442],
  // Krian: the three kelurahan of the town
  ['35.15.11.1016', 'Krian', 112.585, -7.408],
  ['35.15.11.1013', 'Kemasan', 112.587, -7.404],
  ['35.15.11.1015', 'Tambakkemerakan', 112.581, -7.414],
  // Balongbendo: seat on the Krian-Mojokerto road
  ['35.15.12.2014', 'Balongbendo', 112.535, -7.407],
  // Taman: the kelurahan along the Surabaya border, and Trosobo
  ['35.15.13.1019', 'Sepanjang', 112.7, -7.347],
  ['35.15.13.1005', 'Taman', 112.688, -7.353],
  ['35.15.13.1015', 'Geluran', 112.687, -7.361],
  ['35.15.13.1022', 'Ngelom', 112.709, -7.343],
  ['35.15.13.1021', 'Wonocolo', 112.692, -7.341],
  ['35.15.13.1017', 'Kalijaten', 112.705, -7.356],
  ['35.15.13.2011', 'Trosobo', 112.643, -7.372],
  // Sukodono: seat
  ['35.15.14.2013', 'Sukodono', 112.677, -7.405],
  // Buduran: seat on the main road
  ['35.15.15.2004', 'Buduran', 112.723, -7.427],
  ['35.15.15.2005', 'Siwalanpanji', 112.73, -7.423],
  // Gedangan: seat on the main road
  ['35.15.16.2009', 'Gedangan', 112.727, -7.393],
  ['35.15.16.2008', 'Ketajen', 112.738, -7.387],
  // Sedati: the fishing village on the coast
  ['35.15.17.2006', 'Gisikcemandi', 112.83, -7.383],
  // Waru: Bungurasih (Terminal Purabaya), Medaeng, and the villages along the Waru-Sidoarjo road
  ['35.15.18.2017', 'Bungurasih', 112.7244, -7.3505],
  ['35.15.18.2016', 'Medaeng', 112.7165, -7.349],
  ['35.15.18.2015', 'Kedungrejo', 112.73, -7.348],
  ['35.15.18.2002', 'Waru', 112.737, -7.356],
  ['35.15.18.2001', 'Pepelegi', 112.725, -7.36],
  ['35.15.18.2012', 'Berbek', 112.752, -7.347],
  ['35.15.18.2005', 'Tropodo', 112.755, -7.367],
];

// ---------------------------------------------------------------------------------------------------------
// Agencies of the demo tenant. kind: 'opd' (local government, incl. the regional water company) or
// 'vertical' (national institution).
// ---------------------------------------------------------------------------------------------------------
const AGENCIES = [
  { code: 'DAMKAR-SDA', type: 'DAMKAR', name: 'Dinas Pemadam Kebakaran Kabupaten Sidoarjo', kind: 'opd' },
  { code: 'BPBD-SDA', type: 'BPBD', name: 'BPBD Kabupaten Sidoarjo', kind: 'opd' },
  { code: 'PSC119-SDA', type: 'PSC119', name: 'PSC 119 Dinas Kesehatan Kabupaten Sidoarjo', kind: 'opd' },
  { code: 'RSUD-SDA', type: 'RSUD', name: 'RSUD R.T. Notopuro Sidoarjo', kind: 'opd' },
  {
    code: 'PUSKESMAS-SDA',
    type: 'PUSKESMAS',
    name: 'Puskesmas Dinas Kesehatan Kabupaten Sidoarjo',
    kind: 'opd',
  },
  { code: 'POLRI-SDA', type: 'POLRI', name: 'Polresta Sidoarjo', kind: 'vertical' },
  {
    code: 'SATPOLPP-SDA',
    type: 'SATPOLPP',
    name: 'Satuan Polisi Pamong Praja Kabupaten Sidoarjo',
    kind: 'opd',
  },
  { code: 'DISHUB-SDA', type: 'DISHUB', name: 'Dinas Perhubungan Kabupaten Sidoarjo', kind: 'opd' },
  {
    code: 'DPUPR-SDA',
    type: 'DPUPR',
    name: 'Dinas Pekerjaan Umum Bina Marga dan Sumber Daya Air Kabupaten Sidoarjo',
    kind: 'opd',
  },
  {
    code: 'DLH-SDA',
    type: 'DLH',
    name: 'Dinas Lingkungan Hidup dan Kebersihan Kabupaten Sidoarjo',
    kind: 'opd',
  },
  { code: 'DINSOS-SDA', type: 'DINSOS', name: 'Dinas Sosial Kabupaten Sidoarjo', kind: 'opd' },
  { code: 'PLN-SDA', type: 'PLN', name: 'PLN UP3 Sidoarjo', kind: 'vertical' },
  { code: 'TELKOM-SDA', type: 'TELKOM', name: 'Telkom Indonesia Witel Sidoarjo', kind: 'vertical' },
  { code: 'PDAM-SDA', type: 'PDAM', name: 'Perumda Air Minum Delta Tirta Sidoarjo', kind: 'opd' },
  { code: 'DISKOMINFO-SDA', type: 'DISKOMINFO', name: 'Dinas Kominfo Kabupaten Sidoarjo (112)', kind: 'opd' },
];

// Built-in unit types of the server (packages/server/src/fleet/defaults.ts) used by the demo.
const UNIT_KINDS = new Set([
  'fire_engine',
  'water_tanker',
  'rescue',
  'ambulance_bls',
  'ambulance_als',
  'boat',
  'pju_crew',
  'hospital',
  'health_centre',
  'police_post',
  'patrol_car',
  'office',
  'field_team',
]);

// ---------------------------------------------------------------------------------------------------------
// (c) Response units: [code, name, agencyType, kind, kecamatanCode, lon, lat, serviceAreaKecamatan?]
// Positions are plausible (town centres, main roads), not surveyed addresses.
// ---------------------------------------------------------------------------------------------------------
const UNITS = [
  // Fire service: main post in town, sector posts
  ['DAMKAR-SDA-01', 'Pos Damkar Sidoarjo Kota', 'DAMKAR', 'fire_engine', '35.15.08', 112.726, -7.447],
  ['DAMKAR-SDA-02', 'Tim Rescue Damkar Sidoarjo', 'DAMKAR', 'rescue', '35.15.08', 112.7265, -7.4475],
  ['DAMKAR-SDA-03', 'Pos Damkar Krian', 'DAMKAR', 'fire_engine', '35.15.11', 112.59, -7.409],
  ['DAMKAR-SDA-04', 'Pos Damkar Porong', 'DAMKAR', 'fire_engine', '35.15.04', 112.688, -7.537],
  ['DAMKAR-SDA-05', 'Pos Damkar Taman', 'DAMKAR', 'fire_engine', '35.15.13', 112.69, -7.356],
  ['DAMKAR-SDA-06', 'Pos Damkar Waru', 'DAMKAR', 'fire_engine', '35.15.18', 112.735, -7.36],
  ['DAMKAR-SDA-07', 'Pos Damkar Sedati', 'DAMKAR', 'fire_engine', '35.15.17', 112.775, -7.392],
  ['DAMKAR-SDA-08', 'Pos Damkar Tarik', 'DAMKAR', 'fire_engine', '35.15.01', 112.495, -7.436],
  ['DAMKAR-SDA-09', 'Pos Damkar Buduran', 'DAMKAR', 'fire_engine', '35.15.15', 112.7235, -7.4265],
  [
    'DAMKAR-SDA-10',
    'Mobil Tangki Air Damkar Sidoarjo',
    'DAMKAR',
    'water_tanker',
    '35.15.08',
    112.7275,
    -7.4462,
  ],
  // PSC 119: ambulances at their posts
  ['PSC119-SDA-01', 'Ambulans PSC 119 Sidoarjo Kota', 'PSC119', 'ambulance_als', '35.15.08', 112.713, -7.452],
  ['PSC119-SDA-02', 'Ambulans PSC 119 Pos Krian', 'PSC119', 'ambulance_bls', '35.15.11', 112.583, -7.41],
  ['PSC119-SDA-03', 'Ambulans PSC 119 Pos Porong', 'PSC119', 'ambulance_bls', '35.15.04', 112.684, -7.542],
  ['PSC119-SDA-04', 'Ambulans PSC 119 Pos Waru', 'PSC119', 'ambulance_als', '35.15.18', 112.729, -7.355],
  ['PSC119-SDA-05', 'Ambulans PSC 119 Pos Taman', 'PSC119', 'ambulance_bls', '35.15.13', 112.695, -7.35],
  ['PSC119-SDA-06', 'Ambulans PSC 119 Pos Sedati', 'PSC119', 'ambulance_bls', '35.15.17', 112.772, -7.394],
  ['PSC119-SDA-07', 'Ambulans PSC 119 Pos Tulangan', 'PSC119', 'ambulance_bls', '35.15.09', 112.652, -7.487],
  // Regional hospitals
  ['RSUD-SDA-01', 'RSUD R.T. Notopuro Sidoarjo', 'RSUD', 'hospital', '35.15.08', 112.7148, -7.4575],
  ['RSUD-SDA-02', 'RSUD Sidoarjo Barat', 'RSUD', 'hospital', '35.15.11', 112.579, -7.416],
  // Puskesmas
  ['PUSKESMAS-SDA-01', 'Puskesmas Sidoarjo', 'PUSKESMAS', 'health_centre', '35.15.08', 112.723, -7.45],
  ['PUSKESMAS-SDA-02', 'Puskesmas Krian', 'PUSKESMAS', 'health_centre', '35.15.11', 112.588, -7.411],
  ['PUSKESMAS-SDA-03', 'Puskesmas Porong', 'PUSKESMAS', 'health_centre', '35.15.04', 112.687, -7.544],
  ['PUSKESMAS-SDA-04', 'Puskesmas Taman', 'PUSKESMAS', 'health_centre', '35.15.13', 112.685, -7.358],
  ['PUSKESMAS-SDA-05', 'Puskesmas Waru', 'PUSKESMAS', 'health_centre', '35.15.18', 112.739, -7.357],
  ['PUSKESMAS-SDA-06', 'Puskesmas Sedati', 'PUSKESMAS', 'health_centre', '35.15.17', 112.77, -7.392],
  ['PUSKESMAS-SDA-07', 'Puskesmas Jabon', 'PUSKESMAS', 'health_centre', '35.15.05', 112.765, -7.545],
  ['PUSKESMAS-SDA-08', 'Puskesmas Tarik', 'PUSKESMAS', 'health_centre', '35.15.01', 112.49, -7.435],
  ['PUSKESMAS-SDA-09', 'Puskesmas Candi', 'PUSKESMAS', 'health_centre', '35.15.07', 112.718, -7.482],
  ['PUSKESMAS-SDA-10', 'Puskesmas Tulangan', 'PUSKESMAS', 'health_centre', '35.15.09', 112.648, -7.484],
  // Police: Polresta HQ, patrols, and one Polsek per kecamatan serving that kecamatan
  ['POLRI-SDA-01', 'Mapolresta Sidoarjo', 'POLRI', 'office', '35.15.08', 112.7195, -7.446],
  ['POLRI-SDA-02', 'Patroli Satlantas Polresta Sidoarjo', 'POLRI', 'patrol_car', '35.15.15', 112.723, -7.424],
  ['POLRI-SDA-03', 'Patroli Samapta Polresta Sidoarjo', 'POLRI', 'patrol_car', '35.15.18', 112.729, -7.347],
  ['POLRI-SDA-PS01', 'Polsek Tarik', 'POLRI', 'police_post', '35.15.01', 112.492, -7.433, ['35.15.01']],
  ['POLRI-SDA-PS02', 'Polsek Prambon', 'POLRI', 'police_post', '35.15.02', 112.589, -7.461, ['35.15.02']],
  ['POLRI-SDA-PS03', 'Polsek Krembung', 'POLRI', 'police_post', '35.15.03', 112.633, -7.522, ['35.15.03']],
  ['POLRI-SDA-PS04', 'Polsek Porong', 'POLRI', 'police_post', '35.15.04', 112.685, -7.539, ['35.15.04']],
  ['POLRI-SDA-PS05', 'Polsek Jabon', 'POLRI', 'police_post', '35.15.05', 112.762, -7.548, ['35.15.05']],
  [
    'POLRI-SDA-PS06',
    'Polsek Tanggulangin',
    'POLRI',
    'police_post',
    '35.15.06',
    112.702,
    -7.504,
    ['35.15.06'],
  ],
  ['POLRI-SDA-PS07', 'Polsek Candi', 'POLRI', 'police_post', '35.15.07', 112.716, -7.481, ['35.15.07']],
  [
    'POLRI-SDA-PS08',
    'Polsek Sidoarjo Kota',
    'POLRI',
    'police_post',
    '35.15.08',
    112.721,
    -7.4435,
    ['35.15.08'],
  ],
  ['POLRI-SDA-PS09', 'Polsek Tulangan', 'POLRI', 'police_post', '35.15.09', 112.651, -7.484, ['35.15.09']],
  ['POLRI-SDA-PS10', 'Polsek Wonoayu', 'POLRI', 'police_post', '35.15.10', 112.639, -7.441, ['35.15.10']],
  ['POLRI-SDA-PS11', 'Polsek Krian', 'POLRI', 'police_post', '35.15.11', 112.586, -7.406, ['35.15.11']],
  ['POLRI-SDA-PS12', 'Polsek Balongbendo', 'POLRI', 'police_post', '35.15.12', 112.536, -7.406, ['35.15.12']],
  ['POLRI-SDA-PS13', 'Polsek Taman', 'POLRI', 'police_post', '35.15.13', 112.689, -7.354, ['35.15.13']],
  ['POLRI-SDA-PS14', 'Polsek Sukodono', 'POLRI', 'police_post', '35.15.14', 112.678, -7.404, ['35.15.14']],
  ['POLRI-SDA-PS15', 'Polsek Buduran', 'POLRI', 'police_post', '35.15.15', 112.724, -7.428, ['35.15.15']],
  ['POLRI-SDA-PS16', 'Polsek Gedangan', 'POLRI', 'police_post', '35.15.16', 112.728, -7.392, ['35.15.16']],
  ['POLRI-SDA-PS17', 'Polsek Sedati', 'POLRI', 'police_post', '35.15.17', 112.773, -7.39, ['35.15.17']],
  ['POLRI-SDA-PS18', 'Polsek Waru', 'POLRI', 'police_post', '35.15.18', 112.736, -7.355, ['35.15.18']],
  // Disaster management
  ['BPBD-SDA-01', 'Kantor BPBD Kabupaten Sidoarjo', 'BPBD', 'office', '35.15.08', 112.71, -7.447],
  ['BPBD-SDA-02', 'Tim Reaksi Cepat BPBD Sidoarjo', 'BPBD', 'rescue', '35.15.08', 112.7105, -7.4475],
  ['BPBD-SDA-03', 'Posko BPBD Porong', 'BPBD', 'field_team', '35.15.04', 112.692, -7.531],
  ['BPBD-SDA-04', 'Perahu Karet BPBD Sidoarjo', 'BPBD', 'boat', '35.15.08', 112.7102, -7.4478],
  // Public order
  [
    'SATPOLPP-SDA-01',
    'Kantor Satpol PP Kabupaten Sidoarjo',
    'SATPOLPP',
    'office',
    '35.15.08',
    112.7175,
    -7.4495,
  ],
  ['SATPOLPP-SDA-02', 'Tim Patroli Satpol PP Sidoarjo', 'SATPOLPP', 'field_team', '35.15.08', 112.718, -7.45],
  // Transport (street lights)
  ['DISHUB-SDA-01', 'Kantor Dinas Perhubungan Sidoarjo', 'DISHUB', 'office', '35.15.08', 112.727, -7.438],
  [
    'DISHUB-SDA-02',
    'Tim PJU Dinas Perhubungan Sidoarjo',
    'DISHUB',
    'pju_crew',
    '35.15.08',
    112.7275,
    -7.4385,
  ],
  // Roads
  ['DPUPR-SDA-01', 'Kantor Dinas PU Bina Marga dan SDA', 'DPUPR', 'office', '35.15.08', 112.724, -7.452],
  ['DPUPR-SDA-02', 'Tim Reaksi Cepat Bina Marga', 'DPUPR', 'field_team', '35.15.08', 112.7245, -7.4525],
  // Environment
  ['DLH-SDA-01', 'Kantor DLHK Kabupaten Sidoarjo', 'DLH', 'office', '35.15.08', 112.711, -7.441],
  ['DLH-SDA-02', 'Tim Pertamanan dan Pohon DLHK', 'DLH', 'field_team', '35.15.08', 112.7115, -7.4415],
  ['DLH-SDA-03', 'TPA Jabon', 'DLH', 'office', '35.15.05', 112.773, -7.541],
  // Social affairs
  [
    'DINSOS-SDA-01',
    'Kantor Dinas Sosial Kabupaten Sidoarjo',
    'DINSOS',
    'office',
    '35.15.08',
    112.721,
    -7.454,
  ],
  ['DINSOS-SDA-02', 'Tim Reaksi Cepat Dinas Sosial', 'DINSOS', 'field_team', '35.15.08', 112.7215, -7.4545],
  // Electricity (vertical)
  ['PLN-SDA-01', 'PLN UP3 Sidoarjo', 'PLN', 'office', '35.15.08', 112.725, -7.441],
  ['PLN-SDA-02', 'PLN ULP Sidoarjo Kota', 'PLN', 'office', '35.15.08', 112.7225, -7.4425],
  ['PLN-SDA-03', 'PLN ULP Krian', 'PLN', 'office', '35.15.11', 112.584, -7.403],
  ['PLN-SDA-04', 'PLN ULP Porong', 'PLN', 'office', '35.15.04', 112.683, -7.536],
  ['PLN-SDA-05', 'Tim Pelayanan Teknik PLN Sidoarjo', 'PLN', 'field_team', '35.15.08', 112.7255, -7.4415],
  // Telecom (vertical)
  ['TELKOM-SDA-01', 'Telkom STO Sidoarjo', 'TELKOM', 'office', '35.15.08', 112.72, -7.4435],
  ['TELKOM-SDA-02', 'Telkom STO Krian', 'TELKOM', 'office', '35.15.11', 112.586, -7.41],
  ['TELKOM-SDA-03', 'Tim Teknisi Telkom Sidoarjo', 'TELKOM', 'field_team', '35.15.08', 112.7205, -7.444],
  // Water
  ['PDAM-SDA-01', 'Kantor Pusat Perumda Delta Tirta', 'PDAM', 'office', '35.15.08', 112.728, -7.445],
  ['PDAM-SDA-02', 'Tim Gangguan Delta Tirta', 'PDAM', 'field_team', '35.15.08', 112.7285, -7.4455],
  ['PDAM-SDA-03', 'Delta Tirta Cabang Krian', 'PDAM', 'office', '35.15.11', 112.589, -7.404],
  // The 112 centre
  ['DISKOMINFO-SDA-01', 'Command Center 112 Sidoarjo', 'DISKOMINFO', 'office', '35.15.08', 112.717, -7.4488],
];

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------
const problems = [];
const fail = (msg) => problems.push(msg);

const round5 = (n) => Math.round(n * 1e5) / 1e5 + 0; // + 0 turns -0 into 0

function readCsv(file) {
  const p = path.join(AREA_DATA_DIR, file);
  if (!existsSync(p)) {
    throw new Error(`${p} not found: idn-area-data is needed to check codes and names (run pnpm install)`);
  }
  const rows = new Map();
  for (const line of readFileSync(p, 'utf8').split(/\r?\n/).slice(1)) {
    if (!line) continue;
    const [code, parent, ...rest] = line.split(',');
    rows.set(code, { parent, name: rest.join(',') });
  }
  return rows;
}

function roundRing(ring) {
  const out = [];
  for (const [x, y] of ring) {
    const p = [round5(x), round5(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const [f, l] = [out[0], out[out.length - 1]];
  if (f[0] !== l[0] || f[1] !== l[1]) out.push([f[0], f[1]]);
  return out;
}

function roundGeometry(geometry) {
  if (geometry.type === 'Polygon') {
    return { type: 'Polygon', coordinates: geometry.coordinates.map(roundRing) };
  }
  if (geometry.type === 'MultiPolygon') {
    return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map(roundRing)) };
  }
  throw new Error(`unexpected geometry type ${geometry.type}`);
}

// RFC 7946 winding (exterior counter-clockwise), rounded to 5 decimals.
function normalise(geometry) {
  const rewound = turf.rewind(turf.feature(geometry), { mutate: false }).geometry;
  return roundGeometry(rewound);
}

function collection(features) {
  return { type: 'FeatureCollection', generator: GENERATOR, features };
}

// 2-space JSON with every coordinate pair on one line.
function toJson(value) {
  return `${JSON.stringify(value, null, 2).replace(/\[\s+(-?[\d.e-]+),\s+(-?[\d.e-]+)\s+\]/g, '[$1, $2]')}\n`;
}

const km2 = (f) => turf.area(f) / 1e6;

// ---------------------------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------------------------
const districts = readCsv('districts.csv');
const villages = readCsv('villages.csv');

// Regency
const outlineRing = [...OUTLINE, OUTLINE[0]];
const regencyGeometry = normalise({ type: 'Polygon', coordinates: [outlineRing] });
const regencyFeature = turf.feature(regencyGeometry, { ...REGENCY });
if (!turf.booleanValid(regencyFeature)) fail('regency outline is not a valid polygon');
const regencyKm2 = km2(regencyFeature);

// Kecamatan: names and codes
const villageCount = [...villages.values()].filter((v) => v.parent.startsWith(`${REGENCY.code}.`)).length;
const sidoarjoDistricts = [...districts].filter(([, d]) => d.parent === REGENCY.code);
if (sidoarjoDistricts.length !== KECAMATAN.length) {
  fail(
    `districts.csv lists ${sidoarjoDistricts.length} kecamatan of ${REGENCY.code}, the script ${KECAMATAN.length}`,
  );
}
for (const k of KECAMATAN) {
  const d = districts.get(k.code);
  if (!d || d.parent !== REGENCY.code) fail(`kecamatan ${k.code} is not a district of ${REGENCY.code}`);
  else if (d.name !== k.name)
    fail(`kecamatan ${k.code}: name "${k.name}" differs from districts.csv "${d.name}"`);
  if (!turf.booleanPointInPolygon(turf.point(k.centroid), regencyFeature)) {
    fail(`kecamatan ${k.code} ${k.name}: centroid lies outside the regency outline`);
  }
}

// Kecamatan: Voronoi cells of the centroids, clipped to the outline
const [minX, minY, maxX, maxY] = turf.bbox(regencyFeature);
const seeds = turf.featureCollection(KECAMATAN.map((k) => turf.point(k.centroid)));
const cells = turf.voronoi(seeds, { bbox: [minX - 0.1, minY - 0.1, maxX + 0.1, maxY + 0.1] });
const kecamatanFeatures = KECAMATAN.map((k, i) => {
  const cell = cells.features[i];
  if (!cell) throw new Error(`no Voronoi cell for ${k.code} (duplicate centroid?)`);
  const clipped = turf.intersect(turf.featureCollection([cell, regencyFeature]));
  if (!clipped) throw new Error(`Voronoi cell of ${k.code} ${k.name} does not meet the outline`);
  return turf.feature(normalise(clipped.geometry), { code: k.code, name: k.name, level: 'kecamatan' });
});
const kecamatanByCode = new Map(kecamatanFeatures.map((f) => [f.properties.code, f]));

// Kecamatan checks
let kecamatanKm2 = 0;
for (const [i, f] of kecamatanFeatures.entries()) {
  const k = KECAMATAN[i];
  if (!['Polygon', 'MultiPolygon'].includes(f.geometry.type)) fail(`${k.code}: geometry ${f.geometry.type}`);
  if (!turf.booleanValid(f)) fail(`${k.code} ${k.name}: polygon is not valid`);
  if (!turf.booleanPointInPolygon(turf.point(k.centroid), f))
    fail(`${k.code} ${k.name}: centroid outside cell`);
  kecamatanKm2 += km2(f);
}
const areaGap = Math.abs(kecamatanKm2 - regencyKm2) / regencyKm2;
if (areaGap > 0.005) {
  fail(`kecamatan areas sum to ${kecamatanKm2.toFixed(2)} km², outline is ${regencyKm2.toFixed(2)} km²`);
}
let maxOverlapM2 = 0;
for (let i = 0; i < kecamatanFeatures.length; i++) {
  for (let j = i + 1; j < kecamatanFeatures.length; j++) {
    const both = turf.intersect(turf.featureCollection([kecamatanFeatures[i], kecamatanFeatures[j]]));
    const m2 = both ? turf.area(both) : 0;
    maxOverlapM2 = Math.max(maxOverlapM2, m2);
    if (m2 > 100) {
      fail(`${KECAMATAN[i].code} and ${KECAMATAN[j].code} overlap by ${m2.toFixed(0)} m²`);
    }
  }
}
const inside = (lonLat, kecamatanCode) => {
  const k = kecamatanByCode.get(kecamatanCode);
  const pt = turf.point(lonLat);
  return Boolean(k) && turf.booleanPointInPolygon(pt, regencyFeature) && turf.booleanPointInPolygon(pt, k);
};

// Desa
const desaCodes = new Set();
const desaFeatures = DESA.map(([code, name, lon, lat]) => {
  const kecamatanCode = code.split('.').slice(0, 3).join('.');
  const v = villages.get(code);
  if (!v) fail(`desa ${code} ${name}: code not in villages.csv`);
  else if (v.name !== name) fail(`desa ${code}: name "${name}" differs from villages.csv "${v.name}"`);
  else if (v.parent !== kecamatanCode) fail(`desa ${code}: villages.csv puts it in ${v.parent}`);
  if (desaCodes.has(code)) fail(`desa ${code} listed twice`);
  desaCodes.add(code);
  const at = [round5(lon), round5(lat)];
  if (!inside(at, kecamatanCode))
    fail(`desa ${code} ${name} at ${at} is not inside kecamatan ${kecamatanCode}`);
  return turf.feature({ type: 'Point', coordinates: at }, { code, name, kecamatanCode, level: 'desa' });
});

// Agencies
const agencyTypes = new Set();
for (const a of AGENCIES) {
  if (agencyTypes.has(a.type)) fail(`agency type ${a.type} listed twice`);
  agencyTypes.add(a.type);
  if (!['opd', 'vertical'].includes(a.kind)) fail(`agency ${a.code}: kind ${a.kind}`);
}

// Units
const unitCodes = new Set();
const unitFeatures = UNITS.map(([code, name, agencyType, kind, kecamatanCode, lon, lat, serviceArea]) => {
  if (unitCodes.has(code)) fail(`unit code ${code} listed twice`);
  unitCodes.add(code);
  if (!agencyTypes.has(agencyType)) fail(`unit ${code}: no agency of type ${agencyType}`);
  if (!UNIT_KINDS.has(kind)) fail(`unit ${code}: unknown kind ${kind}`);
  const at = [round5(lon), round5(lat)];
  if (!inside(at, kecamatanCode))
    fail(`unit ${code} ${name} at ${at} is not inside kecamatan ${kecamatanCode}`);
  const properties = { code, name, agencyType, kind, kecamatanCode };
  if (serviceArea) {
    for (const c of serviceArea) if (!kecamatanByCode.has(c)) fail(`unit ${code}: unknown kecamatan ${c}`);
    properties.serviceAreaKecamatan = serviceArea;
  }
  return turf.feature({ type: 'Point', coordinates: at }, properties);
});
if (unitFeatures.length < 45) fail(`only ${unitFeatures.length} units`);
for (const t of agencyTypes) {
  if (!UNITS.some((u) => u[2] === t)) fail(`agency type ${t} has no unit`);
}

// ---------------------------------------------------------------------------------------------------------
// Report and fail loudly
// ---------------------------------------------------------------------------------------------------------
console.log(`regency outline: ${regencyKm2.toFixed(1)} km² (official ~714 km²)`);
console.log(
  `kecamatan: ${kecamatanFeatures.length}, sum ${kecamatanKm2.toFixed(1)} km² (gap ${(areaGap * 100).toFixed(3)}%),` +
    ` largest pairwise overlap ${maxOverlapM2.toFixed(1)} m²`,
);
for (const [i, f] of kecamatanFeatures.entries()) {
  const k = KECAMATAN[i];
  console.log(
    `  ${k.code} ${k.name.padEnd(13)} ${km2(f).toFixed(1).padStart(6)} km² (official ${k.officialKm2})` +
      ` ${f.geometry.type}`,
  );
}
const perType = {};
for (const u of UNITS) perType[u[2]] = (perType[u[2]] ?? 0) + 1;
console.log(`desa points: ${desaFeatures.length}`);
console.log(`units: ${unitFeatures.length} ${JSON.stringify(perType)}`);
if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s), nothing written:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------------------
const readme = `# Demo data: Kabupaten Sidoarjo (35.15)

Generated by \`scripts/generate-sidoarjo-demo.mjs\`. Do not edit these files by hand: change the script and
regenerate.

## These geometries are APPROXIMATE

- \`regency.geojson\`: a hand-drawn ring of ${OUTLINE.length} vertices following the Brantas delta (Kali
  Surabaya to the north-west, the Kota Surabaya border along about 7.34° S, the Madura Strait coast, Kali Porong
  to the south). Its area is ${regencyKm2.toFixed(0)} km² (official: about 714 km²).
- \`kecamatan.geojson\`: the ${kecamatanFeatures.length} kecamatan are the Voronoi cells of hand-placed
  centroids (nudged so that the cell areas come near the official areas), clipped to that outline. They tile
  the outline without gaps or overlaps, but their borders are NOT the real borders.
- \`desa.geojson\`: points (not polygons) for only ${desaFeatures.length} of the ${villageCount} desa/kelurahan,
  the ones whose position is known with reasonable confidence (town centres, landmarks). Each is approximate
  to about 1-2 km. The other desa have no geometry here.
- \`units.geojson\`: ${unitFeatures.length} response units at plausible locations (town centres, main roads),
  not at surveyed addresses. Names follow the real institutions, but which posts exist and where they stand is
  illustrative. A Polsek's \`serviceAreaKecamatan\` lists the kecamatan it serves; the importer builds the
  service-area polygon from it.
- \`agencies.json\`: one demo agency per agency type (\`opd\` = local government, \`vertical\` = national).

They are good enough for demos and tests, **not for real dispatch**. A real deployment must import real
boundaries with \`sigap import areas <file.geojson>\` and enter its real units.

## Sources

- Codes and names of the regency, kecamatan and desa/kelurahan: the npm package \`idn-area-data\`
  (\`districts.csv\`, \`villages.csv\`), which follows the Kemendagri codes. The script checks every code and name
  against it and fails on any difference.
- Geometry: hand-placed from general geographic knowledge; no survey or official boundary data.
- Official kecamatan areas (for comparison only): BPS Kabupaten Sidoarjo.

## Contents

| file | content |
|---|---|
| \`regency.geojson\` | 1 Polygon: ${REGENCY.code} ${REGENCY.name} |
| \`kecamatan.geojson\` | ${kecamatanFeatures.length} Polygon/MultiPolygon features \`{ code, name, level }\` |
| \`desa.geojson\` | ${desaFeatures.length} Point features \`{ code, name, kecamatanCode, level }\` |
| \`units.geojson\` | ${unitFeatures.length} Point features \`{ code, name, agencyType, kind, kecamatanCode, serviceAreaKecamatan? }\` |
| \`agencies.json\` | ${AGENCIES.length} agencies \`{ code, type, name, kind }\` |

Kecamatan areas, demo cell against the official figure (BPS Kabupaten Sidoarjo):

| code | kecamatan | demo km² | official km² |
|---|---|---:|---:|
${KECAMATAN.map((k, i) => `| ${k.code} | ${k.name} | ${km2(kecamatanFeatures[i]).toFixed(1)} | ${k.officialKm2.toFixed(2)} |`).join('\n')}

Units per agency type: ${Object.entries(perType)
  .map(([t, n]) => `${t} ${n}`)
  .join(', ')}.

All coordinates are EPSG:4326 (lon, lat), rounded to 5 decimals; polygons use RFC 7946 winding. The time zone
of the tenant is WIB (UTC+7).

## Regenerate

\`\`\`sh
node scripts/generate-sidoarjo-demo.mjs           # verify and rewrite the files
node scripts/generate-sidoarjo-demo.mjs --check   # verify, and fail if the files differ from the script
\`\`\`

The script is deterministic (no randomness, clock or network): the output is byte-identical on every run. Before
writing it checks that every polygon is valid, that the kecamatan tile the outline (area within 0.5%, no
overlaps), that each centroid lies in its own cell and that every desa point and unit lies inside its kecamatan.
`;

const files = {
  'regency.geojson': toJson(collection([regencyFeature])),
  'kecamatan.geojson': toJson(collection(kecamatanFeatures)),
  'desa.geojson': toJson(collection(desaFeatures)),
  'units.geojson': toJson(collection(unitFeatures)),
  'agencies.json': toJson(AGENCIES),
  'README.md': readme,
};

const check = process.argv.includes('--check');
let totalBytes = 0;
let stale = 0;
if (!check) mkdirSync(OUT_DIR, { recursive: true });
for (const [name, content] of Object.entries(files)) {
  const p = path.join(OUT_DIR, name);
  totalBytes += Buffer.byteLength(content);
  if (check) {
    if (!existsSync(p) || readFileSync(p, 'utf8') !== content) {
      console.error(`stale: ${path.relative(ROOT, p)}`);
      stale++;
    }
  } else {
    writeFileSync(p, content);
  }
}
console.log(
  `${check ? 'checked' : 'wrote'} ${Object.keys(files).length} files, ${(totalBytes / 1024).toFixed(1)} kB`,
);
if (stale > 0) {
  console.error(
    `${stale} file(s) differ from the script's output: run node scripts/generate-sidoarjo-demo.mjs`,
  );
  process.exit(1);
}
