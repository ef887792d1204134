/**
 * The simulated traffic, decided up front from a seed and nothing else.
 *
 * Every random choice (when a call comes, who calls, whether it is real, what and where) is
 * drawn here, before any request is sent, so the same `--seed` gives the same sequence of calls
 * whatever the server answers or how fast it is. `index.mjs` only plays the plan.
 *
 * The numbers come from Kabupaten Sidoarjo's 112 service in 2023 (see /work/shared/domain.md):
 * 40,318 calls from January to October (about 133 a day), 81% of them pranks, and reports led
 * by street lights (PJU), then traffic accidents, damaged roads, fires, crime, animal rescue
 * and ODGJ.
 */

/** mulberry32: a tiny, well-mixed 32-bit PRNG. Math.random cannot be seeded. */
export function createRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 40,318 calls in the 304 days of January to October 2023. */
export const SIDOARJO_CALLS_PER_DAY = 133;

/**
 * Relative call volume per hour of the day (local time). Quiet at night, rising in the morning,
 * highest in the afternoon and evening when children are home from school (pranks) and
 * traffic is heaviest. The mean is 1, so `callsPerDay` is kept.
 */
const HOURLY = [
  0.35, 0.25, 0.2, 0.2, 0.25, 0.45, 0.7, 0.95, 1.1, 1.15, 1.2, 1.25, 1.3, 1.35, 1.45, 1.5, 1.5, 1.45, 1.45,
  1.4, 1.3, 1.1, 0.8, 0.55,
];
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / 24;
const HOURLY_MAX = Math.max(...HOURLY);

/** What the call taker finds after talking to the caller. 81% of calls are not emergencies. */
export const OUTCOMES = [
  { outcome: 'prank', share: 0.62 },
  { outcome: 'silent', share: 0.12 },
  { outcome: 'misdial', share: 0.07 },
  { outcome: 'incident', share: 0.19 },
];

/** The mix of real reports, in Sidoarjo's order (street lights most). */
export const CATEGORIES = [
  { category: 'street_light', share: 0.32 },
  { category: 'traffic_accident', share: 0.22 },
  { category: 'damaged_road', share: 0.15 },
  { category: 'fire', share: 0.11 },
  { category: 'crime', share: 0.09 },
  { category: 'animal_rescue', share: 0.07 },
  { category: 'odgj', share: 0.04 },
];

/** What callers say, per category (Bahasa Indonesia, as the call taker types it). */
const DESCRIPTIONS = {
  street_light: [
    'PJU mati sepanjang jalan, gelap sekali',
    'Lampu jalan mati 3 tiang',
    'PJU berkedip-kedip lalu padam',
  ],
  traffic_accident: [
    'Laka lantas motor dengan mobil, 1 korban luka',
    'Tabrakan beruntun 3 motor, korban belum ditolong',
    'Motor jatuh sendiri, pengendara pingsan',
  ],
  damaged_road: [
    'Jalan berlubang besar, sudah ada yang jatuh',
    'Aspal ambles setelah hujan',
    'Jalan rusak parah, truk terjebak',
  ],
  fire: [
    'Kebakaran rumah, api sudah besar',
    'Gudang terbakar, asap hitam tebal',
    'Lahan kosong terbakar dekat rumah warga',
  ],
  crime: ['Pencurian motor baru saja terjadi', 'Perkelahian antar pemuda', 'Jambret tas di pinggir jalan'],
  animal_rescue: [
    'Ular kobra masuk rumah',
    'Sarang tawon besar di teras rumah',
    'Kucing terjebak di saluran air',
  ],
  odgj: [
    'ODGJ mengamuk di jalan',
    'ODGJ tidur di tengah jalan, membahayakan',
    'Orang bingung berjalan tanpa arah',
  ],
};

const NOTES = {
  prank: ['Penelepon tertawa lalu menutup telepon', 'Anak-anak iseng', 'Mengaku kebakaran, tidak ada alamat'],
  silent: ['Tidak ada suara', 'Terdengar suara kantong (pocket dial)'],
  misdial: ['Salah sambung, mau menelepon kerabat', 'Salah tekan nomor'],
};

function pick(random, items) {
  return items[Math.floor(random() * items.length)];
}

function weighted(random, items) {
  let r = random();
  for (const item of items) {
    r -= item.share;
    if (r < 0) return item;
  }
  return items[items.length - 1];
}

/** An Indonesian mobile number as a caller ID shows it: 08xx-xxxx-xxxx. */
function mobileNumber(random) {
  const prefix = pick(random, ['0812', '0813', '0821', '0822', '0852', '0856', '0857', '0878', '0896']);
  const digits = Array.from({ length: 8 }, () => Math.floor(random() * 10)).join('');
  return `${prefix}-${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/**
 * An endless, repeatable sequence of calls.
 *
 * @param {object} options
 * @param {number} options.seed
 * @param {string[]} options.addresses  addresses as callers say them (the tenant's gazetteer)
 * @param {number} [options.callsPerDay]
 * @param {number} [options.startHour]  local hour the simulated day starts at
 * @param {number} [options.dispatchShare]  share of real incidents the dispatcher sends at once
 */
export function* planCalls({
  seed,
  addresses,
  callsPerDay = SIDOARJO_CALLS_PER_DAY,
  startHour = 8,
  dispatchShare = 0.7,
}) {
  const random = createRandom(seed);
  // A handful of numbers make most pranks: they are the "repeat pranksters" the server flags
  // and soft-blocks. Ordinary callers are mostly new numbers, some call twice.
  const pranksters = Array.from({ length: 12 }, () => mobileNumber(random));
  const regulars = Array.from({ length: 40 }, () => mobileNumber(random));
  const peakPerSecond = (callsPerDay / 24 / 3600) * (HOURLY_MAX / HOURLY_MEAN);

  let t = 0;
  for (let n = 1; ; n++) {
    // Non-homogeneous Poisson arrivals by thinning: draw at the peak rate, keep a call with
    // probability rate(hour) / peak. Gives the day/night curve with exponential gaps.
    for (;;) {
      t += -Math.log(1 - random()) / peakPerSecond;
      const hour = Math.floor(startHour + t / 3600) % 24;
      if (random() < HOURLY[hour] / HOURLY_MAX) break;
    }
    const { outcome } = weighted(random, OUTCOMES);
    const call = { n, simSeconds: Math.round(t), clock: clockOf(startHour, t), outcome };
    if (outcome === 'prank') {
      call.callerNumber = random() < 0.55 ? pick(random, pranksters) : mobileNumber(random);
    } else {
      call.callerNumber = random() < 0.15 ? pick(random, regulars) : mobileNumber(random);
    }
    if (outcome === 'incident') {
      const { category } = weighted(random, CATEGORIES);
      call.category = category;
      call.description = pick(random, DESCRIPTIONS[category]);
      call.address = pick(random, addresses);
      call.dispatch = random() < dispatchShare;
    } else {
      call.notes = pick(random, NOTES[outcome]);
    }
    yield call;
  }
}

function clockOf(startHour, seconds) {
  const minutes = Math.floor(startHour * 60 + seconds / 60);
  const day = Math.floor(minutes / 1440) + 1;
  const hh = String(Math.floor((minutes % 1440) / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `H${day} ${hh}:${mm}`;
}

/** The first `count` calls of a plan (what a test compares). */
export function firstCalls(options, count) {
  const calls = [];
  for (const call of planCalls(options)) {
    if (calls.length >= count) break;
    calls.push(call);
  }
  return calls;
}
