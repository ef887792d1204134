#!/usr/bin/env node
// Generates the HELD-OUT half of the geocoding test set of the demo tenant (Kabupaten Sidoarjo):
//   packages/server/data/demo/sidoarjo/geocoding-holdout.json
//
// One address per official desa/kelurahan (346) plus a second one for each desa whose name is
// shared with another kecamatan, written the ways call takers type what a caller says: address
// words abbreviated (ds., kel., kec., gg., jl./jln., perum, blok, RT/RW), dictation in capitals,
// landmark-relative phrases ("depan Indomaret", "samping polsek"), housing estates whose name
// holds another kecamatan's name ("Perum Taman Indah" in Sedati), and the typing slips of a
// hurried call: two letters swapped, one dropped, one doubled.
//
// These items are NEVER used while tuning the gazetteer (tuning uses geocoding-testset.json);
// test/geocoding-accuracy.test.ts reports both sets and holds the held-out one to the targets.
// Deterministic: a seeded PRNG, no clock, no network. Usage: node scripts/generate-geocoding-holdout.mjs

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AREA_DATA_DIR = path.join(ROOT, 'packages/server/node_modules/idn-area-data/data');
const OUT = path.join(ROOT, 'packages/server/data/demo/sidoarjo/geocoding-holdout.json');
const TENANT = '35.15';

function csv(file) {
  const [, ...lines] = readFileSync(path.join(AREA_DATA_DIR, file), 'utf8').trim().split(/\r?\n/);
  return lines.map((l) => l.split(','));
}
const kecamatan = csv('districts.csv')
  .filter(([, parent]) => parent === TENANT)
  .map(([code, , name]) => ({ code, name }));
const kecName = new Map(kecamatan.map((k) => [k.code, k.name]));
const desa = csv('villages.csv')
  .filter(([, parent]) => kecName.has(parent))
  .map(([code, parent, name]) => ({ code, kec: parent, name }));
const shared = new Set(desa.map((d) => d.name.toLowerCase()).filter((n, i, all) => all.indexOf(n) !== i));

// mulberry32: a small seeded PRNG, so the file is the same on every run.
let seed = 0x5151_0112;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const num = (max) => String(1 + Math.floor(random() * max)).padStart(random() < 0.5 ? 2 : 1, '0');

/** A typing slip inside a name (never its first letter, never in names shorter than 6). */
function slip(name) {
  const word = name.replace(/\s+/g, '');
  if (word.length < 6) return name;
  const i = 1 + Math.floor(random() * (word.length - 2));
  const kind = pick(['swap', 'drop', 'double']);
  const lower = word.toLowerCase();
  if (kind === 'swap') return lower.slice(0, i) + lower[i + 1] + lower[i] + lower.slice(i + 2);
  if (kind === 'drop') return lower.slice(0, i) + lower.slice(i + 1);
  return lower.slice(0, i) + lower[i] + lower.slice(i);
}

const LANDMARKS = [
  'depan indomaret',
  'samping alfamart',
  'depan masjid',
  'belakang balai desa',
  'dekat musholla',
  'sebelah SDN',
  'depan toko bangunan',
  'utara makam',
  'selatan lapangan',
  'seberang pos kamling',
];
// Housing estates named after another kecamatan (or a word that is one): the estate's name is
// not where it is.
const ESTATES = [
  'Taman Indah',
  'Candi Asri',
  'Porong Permai',
  'Waru Regency',
  'Gedangan Residence',
  'Krian Indah',
];

const TEMPLATES = [
  (d, k) => `ds. ${d} kec. ${k}`,
  (d, k) => `desa ${d} rt ${num(9)} rw ${num(6)} kec ${k}`,
  (d, k) => `${d} ${k}`,
  (d, k) => `kel ${d} kecamatan ${k} ${pick(LANDMARKS)}`,
  (d, k) => `jl. raya ${d} no ${num(120)} ${k}`,
  (d, k) => `gg. ${num(9)} ds ${d} kec ${k}`,
  (d, k) => `perum ${pick(ESTATES)} blok ${pick(['A', 'B', 'C', 'AL', 'F2'])}-${num(30)} ds ${d} kec ${k}`,
  (d, k) => `samping polsek ${k}, desa ${d}`,
  (d, k) => `${pick(LANDMARKS)} ${d} RT.${num(9)}/RW.${num(6)} kec. ${k}`,
  (d, k) => `jln ${d} gang ${num(9)} kec ${k}`,
  (d, k) => `dsn krajan ds ${d} ${k}`,
  (d, k) => `${pick(LANDMARKS)} kel. ${d}, kec. ${k}, sidoarjo`,
];

// A held-out address must not also be a tuning address: drawn again when it is.
const tuning = new Set(
  JSON.parse(readFileSync(path.join(path.dirname(OUT), 'geocoding-testset.json'), 'utf8')).items.map((i) =>
    i.q.toLowerCase(),
  ),
);

function query(d) {
  for (;;) {
    const item = draw(d);
    if (!tuning.has(item.q.toLowerCase())) return item;
  }
}

function draw(d) {
  const k = kecName.get(d.kec);
  let dn = d.name;
  let kn = k;
  if (random() < 0.35) dn = slip(dn);
  if (random() < 0.15) kn = slip(kn);
  let q = pick(TEMPLATES)(dn, kn);
  if (random() < 0.5) q = q.toLowerCase();
  if (random() < 0.15) q = q.toUpperCase();
  return { q, kecamatan: d.kec, desa: d.code, desaName: d.name };
}

const items = [];
for (const d of desa) items.push(query(d));
for (const d of desa) if (shared.has(d.name.toLowerCase())) items.push(query(d));
// A unique desa name alone (callers often give no kecamatan): only names that are no kecamatan's.
const kecNames = new Set(kecamatan.map((k) => k.name.toLowerCase()));
for (const d of desa) {
  if (shared.has(d.name.toLowerCase()) || kecNames.has(d.name.toLowerCase()) || random() > 0.1) continue;
  items.push({
    q: `desa ${d.name.toLowerCase()} rt ${num(9)}`,
    kecamatan: d.kec,
    desa: d.code,
    desaName: d.name,
  });
}

const out = {
  description:
    'HELD-OUT call-taker style addresses in Kabupaten Sidoarjo (35.15), never used while tuning the gazetteer. ' +
    'Generated by scripts/generate-geocoding-holdout.mjs (do not edit by hand) from the official names ' +
    '(idn-area-data): abbreviations, capitals, landmark phrases, housing estates named after another kecamatan, ' +
    'and typing slips (swapped, dropped or doubled letters).',
  items,
};
// One item a line, like geocoding-testset.json, so a diff shows which addresses changed.
const lines = items.map((item) => `  ${JSON.stringify(item)}`).join(',\n');
writeFileSync(OUT, `{\n "description": ${JSON.stringify(out.description)},\n "items": [\n${lines}\n ]\n}\n`);
console.log(`${items.length} items → ${path.relative(ROOT, OUT)}`);
