/**
 * Indonesian address normalisation for the gazetteer: turns what a call taker types
 * ("Ds. Geluran Kec Taman depan masjid RT 03/05") into words to match and the hints the
 * address words give ("the word after Kec. is a kecamatan"). The same code builds the search
 * keys of imported places, so queries and keys are always normalised alike.
 */

/** What an address word announces about the words that follow it. */
export type Marker = 'desa' | 'kecamatan' | 'kabupaten' | 'dusun' | 'street' | 'housing';

export interface Token {
  word: string;
  /** Set for address words (desa, kecamatan, jalan...): they hint at the next words' level. */
  marker: Marker | null;
  /** A comma or a removed number (RT/RW, No., Blok) stands right before this word. */
  breakBefore?: boolean;
}

export interface NormalisedAddress {
  tokens: Token[];
  rt: string | null;
  rw: string | null;
  houseNumber: string | null;
}

/** A run of consecutive words, compacted ("wadung asri" → "wadungasri"), to look up by trigrams. */
export interface Phrase {
  compact: string;
  first: number;
  last: number;
  /** The marker right before the run ("kec taman": kecamatan), if any. */
  hint: Marker | null;
  /** False when the run contains an address word: such runs can only be place names. */
  areaOk: boolean;
}

/** Abbreviations and spellings → [word, marker]. Written as callers and clerks write them. */
const WORDS: Record<string, [string, Marker | null]> = {
  ds: ['desa', 'desa'],
  dsa: ['desa', 'desa'],
  desa: ['desa', 'desa'],
  kel: ['kelurahan', 'desa'],
  kelurahan: ['kelurahan', 'desa'],
  klurahan: ['kelurahan', 'desa'],
  kec: ['kecamatan', 'kecamatan'],
  kc: ['kecamatan', 'kecamatan'],
  kcm: ['kecamatan', 'kecamatan'],
  kecamatan: ['kecamatan', 'kecamatan'],
  kab: ['kabupaten', 'kabupaten'],
  kabupaten: ['kabupaten', 'kabupaten'],
  kota: ['kota', 'kabupaten'],
  dsn: ['dusun', 'dusun'],
  dusun: ['dusun', 'dusun'],
  jl: ['jalan', 'street'],
  jln: ['jalan', 'street'],
  jlan: ['jalan', 'street'],
  jalan: ['jalan', 'street'],
  perum: ['perumahan', 'housing'],
  prm: ['perumahan', 'housing'],
  perumahan: ['perumahan', 'housing'],
  komp: ['komplek', 'housing'],
  kompleks: ['komplek', 'housing'],
  komplek: ['komplek', 'housing'],
  psr: ['pasar', null],
  mesjid: ['masjid', null],
  msjd: ['masjid', null],
  pkm: ['puskesmas', null],
  sda: ['sidoarjo', null],
  sby: ['surabaya', null],
};

/**
 * Words that say where, not what (depan = in front of, dekat = near, ...), and fillers.
 * "gang" is here too: gang names are too local to be in any gazetteer, while the word itself
 * would otherwise match every "Gang ..." place.
 */
const NOISE = new Set([
  'depan',
  'dpn',
  'dekat',
  'dkt',
  'dekatnya',
  'samping',
  'smpg',
  'belakang',
  'blkg',
  'seberang',
  'sbrg',
  'utara',
  'selatan',
  'timur',
  'barat',
  'sebelah',
  'sblh',
  'pojok',
  'gang',
  'gg',
  'arah',
  'di',
  'ke',
  'dari',
  'yg',
  'yang',
  'dan',
  'sekitar',
  'daerah',
  'wilayah',
  'lokasi',
  'alamat',
  'tkp',
  'masuk',
  'tepatnya',
  'persis',
  'pas',
  'itu',
  'ini',
  'sana',
  'sini',
  'situ',
  'pak',
  'bu',
  'bapak',
  'ibu',
  'mas',
  'mbak',
  'rt',
  'rw',
  'no',
  'blok',
  'km',
  'provinsi',
  'prov',
  'jawa',
  'jatim',
  'indonesia',
]);

/** An address has a dozen meaningful words at most; the cap bounds the phrases (≤ 4 per word). */
const MAX_TOKENS = 24;

/** Lower case without accents; the same folding as `sigap_fold` in the database. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Pre-1972 spellings still seen on signs and in old records: Soekodono, Sidoardjo, Tjandi. */
function modernSpelling(word: string): string {
  return word.replace(/oe/g, 'u').replace(/dj/g, 'j').replace(/tj/g, 'c');
}

/**
 * Splits an address into words and markers, dropping noise, RT/RW, house and block numbers.
 *
 * @example
 * normaliseAddress('Ds. Geluran Kec Taman depan masjid RT 03/05').tokens.map((t) => t.word)
 * // → ['desa', 'geluran', 'kecamatan', 'taman', 'masjid']
 */
export function normaliseAddress(input: string): NormalisedAddress {
  let text = ` ${fold(input)} `;
  let rt: string | null = null;
  let rw: string | null = null;
  let houseNumber: string | null = null;
  // "RT/RW 03/05", "rt.rw 3/5", "RT 03/05": both numbers after one label.
  text = text.replace(
    /\brt\s*[./]?\s*(?:rw)?\s*[.:]?\s*(\d{1,3})\s*[/.-]\s*(\d{1,3})\b/g,
    (_m, a: string, b: string) => {
      rt ??= a;
      rw ??= b;
      return ' ; ';
    },
  );
  text = text.replace(/\b(rt|rw)\s*[.:]?\s*(\d{1,3})\b/g, (_m, label: string, n: string) => {
    if (label === 'rt') rt ??= n;
    else rw ??= n;
    return ' ; ';
  });
  // "No. 12", "no 12A", "nomor 7-9"; "Blok AL/12", "blok C-12"; "Km 5", "kav. 3".
  text = text.replace(
    /\b(?:no|nomor|nmr)\s*[.:]?\s*(\d+[a-z]?(?:\s*[-/]\s*\d+[a-z]?)?)(?![a-z])/g,
    (_m, n: string) => {
      houseNumber ??= n.replace(/\s+/g, '');
      return ' ; ';
    },
  );
  text = text.replace(
    /\b(?:blok|blk|kav|kavling)\s*[.:]?\s*[a-z0-9]{1,4}(?:\s*[-/.]\s*[a-z0-9]{1,4})*\b/g,
    ' ; ',
  );
  text = text.replace(/\bkm\s*[.:]?\s*\d+(?:[.,]\d+)?\b/g, ' ; ');

  const tokens: Token[] = [];
  // Commas, semicolons and the numbers removed above (RT/RW, No., Blok, Km) end a name: the
  // first word after one is marked, so a housing estate's name does not run on into the desa.
  let breakBefore = false;
  for (const raw of text.split(/([,;])|[^a-z0-9,;]+/)) {
    if (raw === ',' || raw === ';') breakBefore = tokens.length > 0;
    if (!raw || raw === ',' || raw === ';' || NOISE.has(raw)) continue;
    const word = WORDS[raw] ? raw : modernSpelling(raw);
    const known = WORDS[word];
    const token: Token = known ? { word: known[0], marker: known[1] } : { word, marker: null };
    if (!known && NOISE.has(word)) continue;
    if (breakBefore) token.breakBefore = true;
    breakBefore = false;
    tokens.push(token);
    if (tokens.length >= MAX_TOKENS) break;
  }
  return { tokens, rt, rw, houseNumber };
}

/**
 * Every run of 1..`maxWords` consecutive words. Runs let "wadung asri" find Wadungasri and
 * "tanggul angin" find Tanggulangin, and let the longest good match win over its parts.
 */
export function phrasesOf(tokens: readonly Token[], maxWords = 4): Phrase[] {
  const phrases: Phrase[] = [];
  // Words inside a housing estate's name ("Perum Taman Indah ...") name the estate, not an area:
  // every run starting there is hinted `housing`, up to the next address word.
  let inHousing = false;
  for (let first = 0; first < tokens.length; first++) {
    const before = first > 0 ? (tokens[first - 1]!.marker ?? null) : null;
    if (before) inHousing = before === 'housing';
    if (tokens[first]!.marker || tokens[first]!.breakBefore) inHousing = false;
    const hint = before ?? (inHousing ? 'housing' : null);
    let compact = '';
    let areaOk = true;
    for (let last = first; last < Math.min(tokens.length, first + maxWords); last++) {
      const token = tokens[last]!;
      compact += token.word;
      if (token.marker) areaOk = false;
      // A marker alone ("desa", "jalan") names nothing.
      if (first === last && token.marker) continue;
      phrases.push({ compact, first, last, hint, areaOk });
    }
  }
  return phrases;
}

/**
 * The search key of a place: each of its names normalised like a query and compacted,
 * space-separated. Stored in `places.search_key` (trigram-indexed).
 *
 * @example
 * placeSearchKey('Perum Pondok Jati', ['Pondok Jati']) // → 'perumahanpondokjati pondokjati'
 */
export function placeSearchKey(name: string, aliases: readonly string[] = []): string {
  const keys = new Set<string>();
  for (const n of [name, ...aliases]) {
    const compact = normaliseAddress(n)
      .tokens.map((t) => t.word)
      .join('');
    if (compact) keys.add(compact);
  }
  return [...keys].join(' ');
}

/** The words the gazetteer matches on, for showing back to the call taker. */
export function normalisedText(address: NormalisedAddress): string {
  return address.tokens.map((t) => t.word).join(' ');
}
