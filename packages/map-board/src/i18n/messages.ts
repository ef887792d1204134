/**
 * The board's message catalogue. Indonesian is the default and the reference: the English
 * catalogue is typed against its keys, so a missing translation does not compile.
 * Placeholders are `{name}`, filled by `t(key, { name })`.
 */
export const id = {
  'app.title': 'Sigap 112 — Papan Pantau',
  'app.loading': 'Memuat papan pantau…',
  'app.noKey':
    'Papan ini perlu kunci viewer. Buka alamat /board#key=sgp_… (kunci di bagian # tidak dikirim ke server).',
  'app.keyRejected': 'Kunci ditolak oleh server. Minta kunci viewer baru kepada admin.',
  'app.loadFailed': 'Gagal memuat data wilayah — mencoba lagi…',

  'header.today': 'Hari ini',
  'figure.calls': 'Panggilan',
  'figure.prank': 'Iseng',
  'figure.open': 'Kejadian aktif',
  'figure.overdue': 'Lewat target',
  'figure.resolved': 'Selesai',

  'live.live': 'LIVE',
  'live.connecting': 'MENYAMBUNG…',
  'live.reconnecting': 'TIDAK LIVE — menyambung ulang…',
  'live.polling': 'TIDAK LIVE — data tiap 5 detik (polling)',
  'live.closed': 'TIDAK LIVE — sambungan berhenti, mencoba lagi…',
  'live.authFailed': 'TIDAK LIVE — kunci ditolak',
  'live.lastEvent': 'Data terakhir {time}',

  'panel.title': 'Kejadian terbuka',
  'panel.empty': 'Tidak ada kejadian terbuka',
  'panel.more': '+{n} kejadian lainnya',
  'panel.noAgency': 'Belum ada instansi',
  'panel.unknownArea': 'Kecamatan tidak diketahui',
  'panel.outside': 'Luar wilayah',
  'panel.noLocation': 'Tanpa titik lokasi',
  'panel.hint': '↑ ↓ pilih · Enter tampilkan di peta',

  'target.dispatch': 'kirim',
  'target.acknowledge': 'konfirmasi',
  'target.onScene': 'tiba',
  'target.resolve': 'selesai',
  'target.answer': 'jawab',
  'target.breached': 'LEWAT',

  'status.received': 'Masuk',
  'status.verified': 'Terverifikasi',
  'status.dispatched': 'Dikirim',
  'status.acknowledged': 'Dikonfirmasi',
  'status.en_route': 'Menuju lokasi',
  'status.on_scene': 'Di lokasi',
  'status.resolved': 'Selesai',
  'status.closed': 'Ditutup',
  'status.cancelled': 'Dibatalkan',
  'status.rejected': 'Ditolak',
  'status.merged': 'Digabung',

  'unit.available': 'Siaga',
  'unit.busy': 'Bertugas',
  'unit.offline': 'Offline',

  'priority.P1': 'P1 Darurat',
  'priority.P2': 'P2 Mendesak',
  'priority.P3': 'P3 Pengaduan',

  'control.soundOn': 'Suara P1: nyala',
  'control.soundOff': 'Suara P1: mati',
  'control.language': 'English',
  'control.languageLabel': 'Switch to English',
} as const;

export type MessageKey = keyof typeof id;
export type Catalogue = Record<MessageKey, string>;

export const en: Catalogue = {
  'app.title': 'Sigap 112 — Wall-board',
  'app.loading': 'Loading the wall-board…',
  'app.noKey':
    'This board needs a viewer key. Open /board#key=sgp_… (the part after # is never sent to the server).',
  'app.keyRejected': 'The server refused the key. Ask an admin for a new viewer key.',
  'app.loadFailed': 'Could not load the area data — retrying…',

  'header.today': 'Today',
  'figure.calls': 'Calls',
  'figure.prank': 'Prank',
  'figure.open': 'Open incidents',
  'figure.overdue': 'Overdue',
  'figure.resolved': 'Resolved',

  'live.live': 'LIVE',
  'live.connecting': 'CONNECTING…',
  'live.reconnecting': 'NOT LIVE — reconnecting…',
  'live.polling': 'NOT LIVE — data every 5 s (polling)',
  'live.closed': 'NOT LIVE — connection stopped, retrying…',
  'live.authFailed': 'NOT LIVE — key refused',
  'live.lastEvent': 'Last data {time}',

  'panel.title': 'Open incidents',
  'panel.empty': 'No open incidents',
  'panel.more': '+{n} more incidents',
  'panel.noAgency': 'No agency yet',
  'panel.unknownArea': 'Unknown kecamatan',
  'panel.outside': 'Outside the regency',
  'panel.noLocation': 'No location point',
  'panel.hint': '↑ ↓ select · Enter show on map',

  'target.dispatch': 'dispatch',
  'target.acknowledge': 'acknowledge',
  'target.onScene': 'on scene',
  'target.resolve': 'resolve',
  'target.answer': 'answer',
  'target.breached': 'LATE',

  'status.received': 'Received',
  'status.verified': 'Verified',
  'status.dispatched': 'Dispatched',
  'status.acknowledged': 'Acknowledged',
  'status.en_route': 'En route',
  'status.on_scene': 'On scene',
  'status.resolved': 'Resolved',
  'status.closed': 'Closed',
  'status.cancelled': 'Cancelled',
  'status.rejected': 'Rejected',
  'status.merged': 'Merged',

  'unit.available': 'Available',
  'unit.busy': 'Busy',
  'unit.offline': 'Offline',

  'priority.P1': 'P1 Emergency',
  'priority.P2': 'P2 Urgent',
  'priority.P3': 'P3 Complaint',

  'control.soundOn': 'P1 sound: on',
  'control.soundOff': 'P1 sound: off',
  'control.language': 'Bahasa Indonesia',
  'control.languageLabel': 'Ganti ke Bahasa Indonesia',
};

export const catalogues = { id: id as Catalogue, en } as const;
export type Lang = keyof typeof catalogues;
export const LANGS = Object.keys(catalogues) as Lang[];
