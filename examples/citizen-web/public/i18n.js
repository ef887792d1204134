/**
 * The page's strings, Bahasa Indonesia first. Every visible text goes through `t()`, so a
 * regency can add a regional language (Jawa, Madura, Sunda...) by adding one object here.
 */
export const messages = {
  id: {
    title: 'Lapor Darurat 112',
    subtitle: 'Laporan langsung ke Call Center 112',
    emergency: 'DARURAT',
    emergencyHint: 'Tekan untuk melapor',
    what: 'Apa yang terjadi?',
    where: 'Di mana?',
    locating: 'Mencari lokasi GPS…',
    gpsOk: 'Lokasi GPS (±{m} m)',
    gpsFailed: 'GPS tidak tersedia: ketuk peta untuk memilih lokasi',
    picked: 'Lokasi dipilih di peta',
    details: 'Keterangan',
    detailsPlaceholder: 'Contoh: rumah terbakar, 2 orang di dalam',
    phone: 'Nomor yang bisa dihubungi',
    send: 'Kirim laporan',
    sending: 'Mengirim…',
    needCategory: 'Pilih jenis kejadian',
    needLocation: 'Tentukan lokasi (GPS atau ketuk peta)',
    queued: 'Tidak ada sinyal: laporan disimpan di perangkat dan dikirim otomatis saat online',
    sent: 'Laporan terkirim',
    failed: 'Laporan ditolak: {message}',
    number: 'Nomor laporan',
    live: {
      connecting: 'menghubungkan…',
      live: 'langsung',
      reconnecting: 'menyambung ulang…',
      polling: 'diperbarui berkala',
      closed: 'selesai',
    },
    status: {
      received: 'Diterima, menunggu verifikasi',
      verified: 'Diverifikasi petugas 112',
      dispatched: 'Petugas sedang dikirim',
      acknowledged: 'Diterima oleh instansi',
      en_route: 'Petugas dalam perjalanan',
      on_scene: 'Petugas di lokasi',
      resolved: 'Selesai ditangani',
      closed: 'Ditutup',
      cancelled: 'Dibatalkan',
      rejected: 'Ditolak',
      merged: 'Digabung dengan laporan lain',
    },
    categories: {
      fire: 'Kebakaran',
      traffic_accident: 'Kecelakaan',
      medical: 'Medis',
      crime: 'Kriminalitas',
      flood: 'Banjir',
      fallen_tree: 'Pohon tumbang',
      animal_rescue: 'Hewan (ular, tawon)',
      odgj: 'ODGJ',
      street_light: 'PJU mati',
      damaged_road: 'Jalan rusak',
      other: 'Lainnya',
    },
    language: 'English',
  },
  en: {
    title: 'Emergency 112',
    subtitle: 'Report straight to the 112 call centre',
    emergency: 'EMERGENCY',
    emergencyHint: 'Press to report',
    what: 'What happened?',
    where: 'Where?',
    locating: 'Getting your GPS location…',
    gpsOk: 'GPS location (±{m} m)',
    gpsFailed: 'No GPS: tap the map to choose the place',
    picked: 'Place chosen on the map',
    details: 'Details',
    detailsPlaceholder: 'e.g. house on fire, 2 people inside',
    phone: 'Callback number',
    send: 'Send report',
    sending: 'Sending…',
    needCategory: 'Choose what happened',
    needLocation: 'Set the place (GPS or tap the map)',
    queued: 'No signal: the report is saved on this device and sent when back online',
    sent: 'Report sent',
    failed: 'Report refused: {message}',
    number: 'Report number',
    live: {
      connecting: 'connecting…',
      live: 'live',
      reconnecting: 'reconnecting…',
      polling: 'updated periodically',
      closed: 'finished',
    },
    status: {
      received: 'Received, awaiting verification',
      verified: 'Verified by 112 staff',
      dispatched: 'Responders being sent',
      acknowledged: 'Accepted by the agency',
      en_route: 'Responders on the way',
      on_scene: 'Responders on scene',
      resolved: 'Resolved',
      closed: 'Closed',
      cancelled: 'Cancelled',
      rejected: 'Rejected',
      merged: 'Merged with another report',
    },
    categories: {
      fire: 'Fire',
      traffic_accident: 'Accident',
      medical: 'Medical',
      crime: 'Crime',
      flood: 'Flood',
      fallen_tree: 'Fallen tree',
      animal_rescue: 'Animal (snake, wasps)',
      odgj: 'Mental health crisis',
      street_light: 'Street light out',
      damaged_road: 'Damaged road',
      other: 'Other',
    },
    language: 'Bahasa Indonesia',
  },
};

let lang = 'id';
export const setLanguage = (next) => {
  lang = messages[next] ? next : 'id';
  return lang;
};
export const language = () => lang;

/** `t('status.received')`, `t('gpsOk', { m: 9 })`; falls back to Indonesian, then the key. */
export function t(key, vars = {}) {
  const find = (dict) => key.split('.').reduce((node, part) => node?.[part], dict);
  const text = find(messages[lang]) ?? find(messages.id) ?? key;
  return String(text).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}
