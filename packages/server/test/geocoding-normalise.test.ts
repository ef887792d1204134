import { describe, expect, it } from 'vitest';
import { fold, normaliseAddress, phrasesOf, placeSearchKey } from '../src/geocoding/normalise.js';

const words = (q: string) => normaliseAddress(q).tokens.map((t) => t.word);

describe('address normaliser', () => {
  it('expands abbreviations and marks the address words', () => {
    const { tokens } = normaliseAddress('Ds. Geluran Kec Taman');
    expect(tokens).toEqual([
      { word: 'desa', marker: 'desa' },
      { word: 'geluran', marker: null },
      { word: 'kecamatan', marker: 'kecamatan' },
      { word: 'taman', marker: null },
    ]);
    expect(words('Jl. Raya Candi')).toEqual(['jalan', 'raya', 'candi']);
    expect(words('jln raya candi')).toEqual(['jalan', 'raya', 'candi']);
    expect(words('Kel. Lemahputro Kab. Sidoarjo')).toEqual([
      'kelurahan',
      'lemahputro',
      'kabupaten',
      'sidoarjo',
    ]);
    expect(words('Perum Pondok Jati')).toEqual(['perumahan', 'pondok', 'jati']);
    expect(words('perumahan pondok jati')).toEqual(['perumahan', 'pondok', 'jati']);
    expect(words('kec.taman,ds.bebekan')).toEqual(['kecamatan', 'taman', 'desa', 'bebekan']);
  });

  it('drops location words, gang, RT/RW, house and block numbers', () => {
    expect(words('depan masjid dekat pasar samping sekolah belakang rumah seberang jalan')).toEqual([
      'masjid',
      'pasar',
      'sekolah',
      'rumah',
      'jalan',
    ]);
    expect(words('utara selatan timur barat sebelah pojok arah gg. melati')).toEqual(['melati']);
    const a = normaliseAddress('Geluran RT/RW 03/05 No. 12A');
    expect(a.tokens.map((t) => t.word)).toEqual(['geluran']);
    expect([a.rt, a.rw, a.houseNumber]).toEqual(['03', '05', '12a']);
    const b = normaliseAddress('Janti rt 2 rw.3 nomor 7');
    expect([b.rt, b.rw, b.houseNumber]).toEqual(['2', '3', '7']);
    expect(words('Rt.003/Rw.005 Kemiri')).toEqual(['kemiri']);
    expect(words('perum pondok jati blok AL sidoarjo')).toEqual(['perumahan', 'pondok', 'jati', 'sidoarjo']);
    expect(words('blok C-12 taman pinang km 3')).toEqual(['taman', 'pinang']);
  });

  it('folds case and accents, and modernises old spellings', () => {
    expect(fold('Kéc. TAMÁN')).toBe('kec. taman');
    expect(words('Kéc. Tamán')).toEqual(['kecamatan', 'taman']);
    expect(words('SOEKODONO Sidoardjo Tjandi')).toEqual(['sukodono', 'sidoarjo', 'candi']);
  });

  it('builds runs of up to four words, with the marker before them as a hint', () => {
    const phrases = phrasesOf(normaliseAddress('ds wadung asri kec waru').tokens);
    const wadungasri = phrases.find((p) => p.compact === 'wadungasri');
    expect(wadungasri).toMatchObject({ first: 1, last: 2, hint: 'desa', areaOk: true });
    expect(phrases.find((p) => p.compact === 'waru')).toMatchObject({ hint: 'kecamatan', areaOk: true });
    // Runs containing an address word can only be place names; a marker alone is no phrase.
    expect(phrases.find((p) => p.compact === 'asrikecamatanwaru')?.areaOk).toBe(false);
    expect(phrases.some((p) => p.compact === 'desa' || p.compact === 'kecamatan')).toBe(false);
    expect(Math.max(...phrases.map((p) => p.last - p.first))).toBe(3);
  });

  it('caps the words it reads (a query is at most 500 characters anyway)', () => {
    expect(normaliseAddress('kata '.repeat(100)).tokens.length).toBe(24);
  });

  it('keys places by each name as a query would be read', () => {
    expect(placeSearchKey('Perum Pondok Jati', ['Pondok Jati', 'perumahan pondok jati'])).toBe(
      'perumahanpondokjati pondokjati',
    );
    expect(placeSearchKey('Jl. Raya Candi')).toBe('jalanrayacandi');
    expect(placeSearchKey('SMA Negeri 1 Sidoarjo', ['SMAN 1 Sidoarjo'])).toBe(
      'smanegeri1sidoarjo sman1sidoarjo',
    );
  });
});
