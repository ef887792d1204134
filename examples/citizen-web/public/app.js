/**
 * The citizen page: one big button, what happened, where, a callback number; then the
 * report's status, live. Everything goes through the Sigap SDK (`/sdk/index.js`, the package's
 * built ESM bundle), with an integrator key: it can report, and read only its own reports.
 */
import config from './config.js';
import { messages, setLanguage, t } from './i18n.js';
import { createClient, localStorageAdapter } from './sdk/index.js';

// Offline first: with a storage the SDK keeps a report it could not send in localStorage and
// sends it when the browser is back online (or when the page is opened again), with the same
// idempotency key, so the 112 centre gets it exactly once.
const sigap = createClient({
  baseUrl: config.api,
  apiKey: config.key,
  storage: localStorageAdapter(localStorage),
});

const CATEGORIES = [
  ['fire', '🔥'],
  ['traffic_accident', '🚗'],
  ['medical', '🚑'],
  ['crime', '🚓'],
  ['flood', '🌊'],
  ['fallen_tree', '🌳'],
  ['animal_rescue', '🐍'],
  ['odgj', '🧍'],
  ['street_light', '💡'],
  ['damaged_road', '🚧'],
  ['other', '❓'],
];

const $ = (id) => document.getElementById(id);
const state = {
  category: null,
  location: null,
  tracker: null,
  incident: null,
  locationNote: 'locating',
  gpsM: 0,
};

// ---- language ------------------------------------------------------------------------------
function render() {
  document.documentElement.lang = setLanguage(localStorage.getItem('sigap-lang') ?? 'id');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  $('description').placeholder = t('detailsPlaceholder');
  for (const button of $('categories').children) {
    button.lastChild.textContent = t(`categories.${button.value}`);
  }
  $('location-note').textContent = t(state.locationNote, { m: state.gpsM });
  if (state.incident) renderIncident(state.incident);
}
$('lang').addEventListener('click', () => {
  const next = document.documentElement.lang === 'id' ? 'en' : 'id';
  localStorage.setItem('sigap-lang', messages[next] ? next : 'id');
  render();
});
const wanted = new URLSearchParams(location.search).get('lang');
if (wanted) localStorage.setItem('sigap-lang', wanted);

// ---- what ------------------------------------------------------------------------------------
for (const [code, icon] of CATEGORIES) {
  const button = document.createElement('button');
  button.type = 'button';
  button.value = code;
  button.setAttribute('aria-pressed', 'false');
  button.append(
    Object.assign(document.createElement('span'), { textContent: icon }),
    document.createElement('b'),
  );
  button.addEventListener('click', () => {
    state.category = code;
    for (const b of $('categories').children) b.setAttribute('aria-pressed', String(b === button));
  });
  $('categories').append(button);
}

// ---- where: the phone's GPS, or a tap on a map of the regency --------------------------------
function setNote(key, vars = {}) {
  state.locationNote = key;
  if (vars.m !== undefined) state.gpsM = vars.m;
  $('location-note').textContent = t(key, vars);
}

function locate() {
  setNote('locating');
  if (!navigator.geolocation) return showMap();
  navigator.geolocation.getCurrentPosition(
    ({ coords }) => {
      state.location = {
        point: { lon: coords.longitude, lat: coords.latitude },
        accuracyM: Math.round(coords.accuracy),
        source: 'device_gps',
      };
      setNote('gpsOk', { m: Math.round(coords.accuracy) });
    },
    () => showMap(), // denied, no fix, or too slow: the citizen points at the map instead
    { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
  );
}

/**
 * No tiles, no map library: the regency's extent (GET /v1/tenant) drawn as a grid with its
 * kecamatan outlines (GET /v1/areas), which works offline once cached. Enough to say "here",
 * and the 112 call taker calls back for the details.
 */
async function showMap() {
  setNote('gpsFailed');
  const canvas = $('map');
  canvas.hidden = false;
  const cached = JSON.parse(localStorage.getItem('sigap-map') ?? 'null');
  let map = cached;
  try {
    const tenant = await sigap.transport.request({ method: 'GET', path: '/v1/tenant' });
    const areas = await sigap.transport
      .request({ method: 'GET', path: '/v1/areas', query: { level: 'kecamatan', simplify: 0.002 } })
      .catch(() => ({ features: [] }));
    map = {
      bbox: tenant.bbox,
      areas: areas.features.map((f) => ({ name: f.properties.name, geometry: f.geometry })),
    };
    localStorage.setItem('sigap-map', JSON.stringify(map));
  } catch {
    // offline: the cached map, if this phone has shown it before
  }
  // Without any extent: Indonesia is too big to tap on, so a small default around the centre.
  map ??= { bbox: [112.455, -7.566, 112.858, -7.336], areas: [] };
  const [minLon, minLat, maxLon, maxLat] = map.bbox;
  const toXY = ([lon, lat]) => [
    ((lon - minLon) / (maxLon - minLon)) * canvas.width,
    ((maxLat - lat) / (maxLat - minLat)) * canvas.height,
  ];
  const draw = () => {
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.strokeStyle = '#cdd8cd';
    for (let i = 1; i < 8; i++) {
      g.beginPath();
      g.moveTo((canvas.width * i) / 8, 0);
      g.lineTo((canvas.width * i) / 8, canvas.height);
      g.moveTo(0, (canvas.height * i) / 8);
      g.lineTo(canvas.width, (canvas.height * i) / 8);
      g.stroke();
    }
    g.strokeStyle = '#5c7a5c';
    g.fillStyle = '#334';
    g.font = '10px system-ui';
    for (const area of map.areas) {
      const polygons =
        area.geometry.type === 'Polygon' ? [area.geometry.coordinates] : area.geometry.coordinates;
      for (const rings of polygons) {
        g.beginPath();
        for (const ring of rings) {
          ring.forEach((p, i) => {
            if (i) g.lineTo(...toXY(p));
            else g.moveTo(...toXY(p));
          });
        }
        g.stroke();
      }
      const first = polygons[0][0];
      const centre = first.reduce((a, p) => [a[0] + p[0] / first.length, a[1] + p[1] / first.length], [0, 0]);
      const [x, y] = toXY(centre);
      g.fillText(area.name, x - 12, y);
    }
    if (state.location?.source === 'map_pick') {
      const [x, y] = toXY([state.location.point.lon, state.location.point.lat]);
      g.fillStyle = '#c62828';
      g.beginPath();
      g.arc(x, y, 7, 0, 2 * Math.PI);
      g.fill();
    }
  };
  canvas.onclick = (event) => {
    const box = canvas.getBoundingClientRect();
    const fx = (event.clientX - box.left) / box.width;
    const fy = (event.clientY - box.top) / box.height;
    const point = { lon: minLon + fx * (maxLon - minLon), lat: maxLat - fy * (maxLat - minLat) };
    // A tap on a small map is a few hundred metres wide: say so with the accuracy.
    state.location = { point, accuracyM: 500, source: 'map_pick' };
    setNote('picked');
    draw();
  };
  draw();
}

// ---- submit ----------------------------------------------------------------------------------
$('emergency').addEventListener('click', () => {
  $('emergency').hidden = true;
  $('form').hidden = false;
  locate();
});

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = !state.category ? 'needCategory' : !state.location ? 'needLocation' : null;
  $('form-error').hidden = !error;
  if (error) {
    $('form-error').textContent = t(error);
    return;
  }
  $('send').disabled = true;
  $('send').textContent = t('sending');
  const phone = $('phone').value.trim();
  const result = await sigap.incidents
    .submit({
      category: state.category,
      description: $('description').value.trim() || t(`categories.${state.category}`),
      location: state.location,
      ...(phone ? { reporter: { phone } } : {}),
    })
    .catch((refused) => ({ refused }));
  $('form').hidden = true;
  $('report').hidden = false;
  // (A queued result also has an `error`: why it could not be sent now. Not a refusal.)
  if (result.refused) return showRejected(result.refused);
  if (result.queued) {
    // Stored in localStorage by the SDK; the 'sent' listener below takes over when it goes.
    $('queued').hidden = false;
    document.body.dataset.report = 'queued';
    return;
  }
  await follow(result.incident);
});

// Reports queued by this page, now or in an earlier visit, are announced when they go out.
sigap.incidents.on('sent', ({ response }) => {
  $('queued').hidden = true;
  $('report').hidden = false;
  $('form').hidden = true;
  $('emergency').hidden = true;
  follow(response.incident);
});
sigap.incidents.on('failed', ({ error }) => showRejected(error));

function showRejected(error) {
  $('rejected').hidden = false;
  $('rejected').textContent = t('failed', { message: error.message });
  document.body.dataset.report = 'rejected';
}

// ---- live status -----------------------------------------------------------------------------
async function follow(incident) {
  if (state.tracker) return;
  state.incident = incident;
  renderIncident(incident);
  $('tracking').hidden = false;
  document.body.dataset.report = 'sent';
  state.tracker = await sigap.incidents.track(incident.id, (latest) => renderIncident(latest), {
    onStatus: (status) => {
      $('connection').dataset.status = status;
      $('connection').textContent = `● ${t(`live.${status}`)}`;
    },
  });
}

function renderIncident(incident) {
  state.incident = incident;
  $('report-number').textContent = incident.number;
  $('report-status').textContent = t(`status.${incident.status}`);
  $('report-status').dataset.status = incident.status;
  $('assignments').replaceChildren(
    ...incident.assignments.map((a) =>
      Object.assign(document.createElement('li'), {
        textContent: `${a.agencyCode}: ${t(`status.${a.status}`)}`,
      }),
    ),
  );
}

render();
