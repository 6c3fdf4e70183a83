// commune live dashboard. Plain JavaScript, no libraries: a canvas line chart, an SVG map, and an
// EventSource on /api/stream. The server sends the whole state first (and again whenever this
// page falls behind), then small messages: rows of new days, feed entries, status and levers.
'use strict';

const $ = (id) => document.getElementById(id);
const LANE_NAMES = ['A', 'B'];
const COLOURS = ['#1f6fb2', '#d1495b'];

let S = null;          // the session state, as /api/state gives it
let dirty = true;      // charts need drawing
let mapDirty = true;   // map colours need setting
let mapLane = 0;       // which lane the map shows
let extraSeries = 4;   // series index shown in the fifth chart
let layoutKey = '';    // what the map's node positions were computed for
let positions = [];    // map node positions

// The presenter's token: it comes in the presenter's address (`?token=...`), is kept for this tab
// (so a reload keeps the controls) and taken out of the address bar, which a projector shows.
// Without it the page is read-only: commands need it, and the server refuses them without.
const TOKEN = (() => {
  const url = new URL(location.href);
  const given = url.searchParams.get('token');
  if (given) {
    try { sessionStorage.setItem('commune-token', given); } catch (e) { /* private mode */ }
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return given;
  }
  try { return sessionStorage.getItem('commune-token') || ''; } catch (e) { return ''; }
})();
let presenter = false; // whether the server took the token: controls are shown only then
let JOIN = null; // a classroom's join code (told to the presenter only)
let HOSTS = []; // the addresses students type (told to the presenter only)

function setRole(isPresenter) {
  presenter = isPresenter;
  document.body.dataset.role = presenter ? 'presenter' : 'viewer';
  if (S) { renderLevers(); renderEvents(); }
}

async function checkRole() {
  setRole(false);
  if (!TOKEN) return;
  try {
    const res = await fetch('/api/role', { headers: { 'X-Commune-Token': TOKEN } });
    const data = await res.json();
    JOIN = data.join_code || null;
    HOSTS = data.student_hosts || [];
    setRole(data.presenter === true);
    if (S) renderClassroom();
    if (!data.presenter) {
      showError('this address\'s presenter token is not the server\'s (was it restarted?): the page is read-only; open the presenter address it printed');
    }
  } catch (e) {
    showError(`the server cannot be reached (${e.message})`);
  }
}

// ---------------------------------------------------------------- requests

async function post(path, body) {
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Commune-Token': TOKEN },
      body: body === undefined ? '' : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      showError(data.error || `${path}: ${res.status}`);
      return null;
    }
    hideError();
    return data;
  } catch (e) {
    showError(`the server cannot be reached (${e.message})`);
    return null;
  }
}

function showError(text) {
  const box = $('error');
  box.textContent = text;
  box.hidden = false;
}

function hideError() {
  $('error').hidden = true;
}

// ---------------------------------------------------------------- formatting

function fmt(x) {
  if (x === null || x === undefined || !isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e6) return (x / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
  if (a >= 1e4) return (x / 1e3).toFixed(a >= 1e5 ? 0 : 1) + 'k';
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return x.toPrecision(2);
}

// A figure that is rounding noise (7.4e-14 kg left of a sum) reads as 0.
function roundNoise(x) {
  return Math.abs(x) < 1e-6 ? 0 : x;
}

function dayText(tick) {
  const year = Math.floor(tick / 365) + 1;
  const day = (tick % 365) + 1;
  return `day ${tick} · year ${year}, day ${day}`;
}

// ---------------------------------------------------------------- state

function applyState(state) {
  S = state;
  for (const lane of S.lanes) lane.lastTick = lane.rows.length ? lane.rows[lane.rows.length - 1][0] : -1;
  if (mapLane >= S.lanes.length) mapLane = 0;
  buildStatic();
  renderStatus();
  renderClassroom();
  renderLevers();
  renderEvents();
  renderFeed();
  renderDownloads();
  dirty = true;
  mapDirty = true;
}

function laneTarget() {
  if (!S || S.lanes.length < 2) return 0;
  const checked = document.querySelector('input[name=lane]:checked');
  return checked && checked.value === 'b' ? 1 : 0;
}

// The parts that change only with a new state: titles, selectors, legend.
function buildStatic() {
  $('names').textContent = S.lanes.map((l) => l.name).join(' vs ');
  // The scenario's own description (both, when two different scenarios run side by side).
  const descriptions = [...new Set(S.lanes.map((l) => l.description).filter((d) => d))];
  $('description').textContent = descriptions.join(' · ');
  document.title = `commune · ${S.lanes.map((l) => l.name).join(' vs ')}`;
  const extra = $('extra');
  if (extra.options.length !== S.series.length - 4) {
    extra.innerHTML = '';
    S.series.slice(4).forEach((s, i) => {
      const o = document.createElement('option');
      o.value = String(i + 4);
      o.textContent = s.label;
      extra.appendChild(o);
    });
    extra.value = String(extraSeries);
  }
  const mm = $('mapmetric');
  if (mm.options.length !== S.map_series.length) {
    mm.innerHTML = '';
    S.map_series.forEach((s, i) => {
      const o = document.createElement('option');
      o.value = String(i);
      o.textContent = s.label;
      mm.appendChild(o);
    });
  }
  const two = S.lanes.length > 1;
  $('target').hidden = !two;
  $('maplane').hidden = !two;
  $('compare').textContent = two ? 'Single run' : 'Side by side';
  $('compare').classList.toggle('on', two);
  const legend = $('legend');
  legend.innerHTML = '';
  S.lanes.forEach((l, i) => {
    const span = document.createElement('span');
    span.innerHTML = `<span class="key ${i ? 'b' : ''}"></span>`;
    span.append(`${LANE_NAMES[i]}: ${l.name}, seed ${l.seed}`);
    legend.appendChild(span);
  });
  $('seed').value = S.lanes[0].seed;
}

function renderStatus() {
  $('clock').textContent = dayText(S.tick);
  $('play').classList.toggle('on', S.playing);
  $('pause').classList.toggle('on', !S.playing);
  $('speed').value = String(S.speed);
  document.body.dataset.playing = String(S.playing);
  document.body.dataset.tick = String(S.tick);
}

function renderLevers() {
  const lane = S.lanes[laneTarget()];
  const box = $('levers');
  box.innerHTML = '';
  for (const lever of S.levers) {
    const div = document.createElement('div');
    div.className = 'lever';
    div.dataset.path = lever.path;
    div.title = lever.help;
    // Why the lever cannot act in this scenario now, if it cannot (decided by the server).
    const why = (lane.idle || {})[lever.path];
    const locked = !presenter || !!why;
    div.classList.toggle('idle', !!why);
    const label = document.createElement('label');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = lever.label;
    label.appendChild(name);
    const value = lane.values[lever.path];
    if (lever.kind === 'toggle') {
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.checked = value === true;
      input.disabled = locked;
      input.dataset.path = lever.path;
      input.addEventListener('change', () => setLever(lever, input.checked));
      label.appendChild(input);
      div.appendChild(label);
    } else if (lever.kind === 'choice') {
      div.appendChild(label);
      const select = document.createElement('select');
      for (const o of lever.options) {
        const opt = document.createElement('option');
        opt.value = o;
        opt.textContent = o;
        select.appendChild(opt);
      }
      select.value = value;
      select.disabled = locked;
      select.dataset.path = lever.path;
      select.setAttribute('aria-label', lever.label);
      select.addEventListener('change', () => setLever(lever, select.value));
      label.appendChild(select);
    } else {
      const out = document.createElement('output');
      out.textContent = fmt(value);
      label.appendChild(out);
      div.appendChild(label);
      const input = document.createElement('input');
      input.type = 'range';
      input.min = lever.min;
      input.max = lever.max;
      input.step = lever.step;
      input.value = value;
      input.disabled = locked;
      input.dataset.path = lever.path;
      input.setAttribute('aria-label', lever.label);
      input.addEventListener('input', () => { out.textContent = fmt(Number(input.value)); });
      input.addEventListener('change', () => setLever(lever, Number(input.value)));
      div.appendChild(input);
    }
    const help = document.createElement('div');
    help.className = 'help';
    help.textContent = lever.unit ? `${lever.help} (${lever.unit})` : lever.help;
    div.appendChild(help);
    if (why) {
      const note = document.createElement('div');
      note.className = 'why';
      note.textContent = `Cannot act: ${why}.`;
      div.appendChild(note);
    }
    box.appendChild(div);
  }
}

// Event buttons, each with its numbers and (for some) where it strikes.
function renderEvents() {
  const buttons = S.event_buttons || [];
  $('events-box').hidden = buttons.length === 0;
  const box = $('events');
  box.innerHTML = '';
  const lane = S.lanes[laneTarget()];
  const per = Math.max(1, lane.communities_per_region);
  const regions = Math.ceil(lane.community_count / per);
  for (const b of buttons) {
    const div = document.createElement('div');
    div.className = 'event';
    div.dataset.kind = b.kind;
    const button = document.createElement('button');
    button.textContent = b.label;
    button.title = b.help;
    button.dataset.kind = b.kind;
    div.appendChild(button);
    const inputs = {};
    for (const f of b.fields) {
      const input = document.createElement('input');
      input.type = 'number';
      input.min = f.min;
      input.max = f.name === 'community' ? lane.community_count - 1 : f.max;
      input.step = f.step;
      input.value = f.default;
      input.title = f.label;
      input.setAttribute('aria-label', `${b.label}: ${f.label}`);
      input.className = 'num';
      inputs[f.name] = [input, f];
      const label = document.createElement('label');
      label.className = 'field';
      label.append(f.label, input);
      div.appendChild(label);
    }
    let where = null;
    if (b.targeted && lane.community_count > 1) {
      where = document.createElement('select');
      where.setAttribute('aria-label', `${b.label}: where`);
      const add = (value, text) => {
        const o = document.createElement('option');
        o.value = value;
        o.textContent = text;
        where.appendChild(o);
      };
      add('', 'everywhere');
      if (regions > 1) for (let r = 0; r < Math.min(regions, 50); r++) add(`region:${r}`, `region ${r}`);
      for (let c = 0; c < Math.min(lane.community_count, 50); c++) add(`community:${c}`, `community ${c}`);
      div.appendChild(where);
    }
    button.addEventListener('click', () => {
      const body = { lane: ['a', 'b'][laneTarget()], kind: b.kind };
      for (const [name, [input, f]] of Object.entries(inputs)) {
        const v = Number(input.value);
        body[name] = f.integer ? Math.round(v) : v;
      }
      if (where && where.value) {
        const [key, id] = where.value.split(':');
        body[key] = Number(id);
      }
      post('/api/event', body);
    });
    box.appendChild(div);
  }
}

async function setLever(lever, value) {
  const lane = laneTarget();
  const ok = await post('/api/lever', { lane: ['a', 'b'][lane], path: lever.path, value });
  if (!ok) renderLevers(); // put back the value in force
}

function feedItem(entry) {
  const li = document.createElement('li');
  li.dataset.kind = entry.kind;
  const when = document.createElement('span');
  when.className = 'when';
  when.textContent = `day ${entry.tick}`;
  li.appendChild(when);
  if (entry.lane) {
    const lane = document.createElement('span');
    lane.className = `lane ${entry.lane}`;
    lane.textContent = entry.lane.toUpperCase();
    li.appendChild(lane);
  }
  li.append(entry.text);
  return li;
}

function renderFeed() {
  const feed = $('feed');
  feed.innerHTML = '';
  for (const entry of S.feed.slice(-200).reverse()) feed.appendChild(feedItem(entry));
}

function addFeed(entry) {
  S.feed.push(entry);
  const feed = $('feed');
  feed.insertBefore(feedItem(entry), feed.firstChild);
  while (feed.children.length > 200) feed.removeChild(feed.lastChild);
}

function renderDownloads() {
  const box = $('downloads');
  box.innerHTML = '';
  S.lanes.forEach((l, i) => {
    const id = ['a', 'b'][i];
    const name = S.lanes.length > 1 ? ` (${LANE_NAMES[i]})` : '';
    const toml = document.createElement('a');
    toml.href = `/api/scenario.toml?lane=${id}`;
    toml.download = `${l.name}-session.toml`;
    toml.textContent = `Scenario file that replays this session${name}`;
    toml.id = `download-${id}`;
    const csv = document.createElement('a');
    csv.href = `/api/metrics.csv?lane=${id}`;
    csv.download = `${l.name}-metrics.csv`;
    csv.textContent = `Metrics of every day, CSV${name}`;
    box.append(toml, csv);
  });
}

// ---------------------------------------------------------------- stream

function connect() {
  const es = new EventSource('/api/stream');
  es.addEventListener('state', (e) => applyState(JSON.parse(e.data)));
  es.addEventListener('ticks', (e) => {
    const msg = JSON.parse(e.data);
    if (!S || msg.epoch !== S.epoch) return; // a new state is on its way
    msg.lanes.forEach((m, i) => {
      const lane = S.lanes[i];
      if (!lane) return;
      for (const row of m.rows) {
        if (row[0] > lane.lastTick) {
          lane.rows.push(row);
          lane.lastTick = row[0];
        }
      }
      if (m.communities) {
        lane.communities = m.communities;
        mapDirty = true;
      }
    });
    S.tick = msg.tick;
    renderStatus();
    dirty = true;
  });
  es.addEventListener('status', (e) => {
    if (!S) return;
    const st = JSON.parse(e.data);
    S.playing = st.playing;
    S.speed = st.speed;
    S.tick = st.tick;
    renderStatus();
  });
  es.addEventListener('feed', (e) => { if (S) addFeed(JSON.parse(e.data)); });
  es.addEventListener('classroom', (e) => {
    if (!S || !S.classroom) return;
    S.classroom.students = JSON.parse(e.data).students;
    renderClassroom();
  });
  es.addEventListener('offers', (e) => {
    if (!S || !S.classroom) return;
    S.classroom.offers = JSON.parse(e.data);
    renderClassroom();
  });
  es.addEventListener('vote', (e) => {
    if (!S || !S.classroom) return;
    S.classroom.vote = JSON.parse(e.data);
    voteReceived = Date.now();
    renderClassroom();
  });
  es.addEventListener('lever', (e) => {
    if (!S) return;
    const m = JSON.parse(e.data);
    const i = m.lane === 'b' ? 1 : 0;
    if (!S.lanes[i]) return;
    S.lanes[i].values[m.path] = m.value;
    if (i === laneTarget()) renderLevers();
  });
  es.addEventListener('idle', (e) => {
    if (!S) return;
    const m = JSON.parse(e.data);
    const i = m.lane === 'b' ? 1 : 0;
    if (!S.lanes[i]) return;
    S.lanes[i].idle = m.idle;
    if (i === laneTarget()) renderLevers();
  });
  es.addEventListener('change', (e) => {
    if (!S) return;
    const m = JSON.parse(e.data);
    const lane = S.lanes[m.lane === 'b' ? 1 : 0];
    if (!lane) return;
    lane.changes.push(m.change);
    dirty = true;
  });
  es.onerror = () => {
    // EventSource reconnects by itself; the server then sends the whole state.
    showError('connection to the server lost; reconnecting…');
  };
  es.onopen = () => hideError();
}

// ---------------------------------------------------------------- charts

function niceTicks(lo, hi, n) {
  const span = hi - lo;
  const raw = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= n) || 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(v);
  return ticks;
}

// Charts that show a trailing window rather than the day's figure: the mean over the last `days`
// days (all days so far while fewer), or, with `ratio` [num, dens], the sum of one series over the
// window divided by the sum of others. A day's footprint, waste or shortage swings with the season
// and the weather; a window shows the level. The figures are computed here from the rows the page
// already has. Food waste is a share of food eaten or wasted, not of food produced: production
// comes in at the harvest, so a share of it means nothing in the months before the first one.
// The footprint takes a year: the harvest's month alone is many times a winter month's.
const WINDOWS = {
  waste_share: { days: 30, ratio: ['food_wasted_kg', ['food_eaten_kg', 'food_wasted_kg']], title: 'Food wasted, share of food eaten or wasted', unit: '%' },
  footprint_kg_co2e_per_person: { days: 365 },
  unmet_need_share: { days: 30 },
};

function windowText(w) {
  return `trailing ${w.days} days (all days so far while fewer)`;
}

// A chart's points for a lane: [day, value] in display units (scaled, clipped), the trailing
// window applied where the series has one. Rows may be thinned (a late joiner's history): a
// window takes the rows it has.
function chartPoints(lane, k) {
  const series = S.series[k];
  const scale = series.scale;
  const clip = series.clip === null || series.clip === undefined ? Infinity : series.clip;
  const rows = lane.rows;
  const w = WINDOWS[series.name];
  const out = [];
  if (!w) {
    for (const r of rows) out.push([r[0], Math.min(r[k + 1] * scale, clip)]);
    return out;
  }
  const col = (name) => S.series.findIndex((x) => x.name === name) + 1;
  const num = w.ratio ? col(w.ratio[0]) : k + 1;
  const dens = w.ratio ? w.ratio[1].map(col) : [];
  if (num === 0 || dens.includes(0)) return out;
  const den = (r) => (dens.length ? dens.reduce((sum, d) => sum + r[d], 0) : 1);
  let sn = 0, sd = 0, from = 0;
  for (let j = 0; j < rows.length; j++) {
    sn += rows[j][num];
    sd += den(rows[j]);
    while (rows[from][0] <= rows[j][0] - w.days) {
      sn -= rows[from][num];
      sd -= den(rows[from]);
      from++;
    }
    if (sd > 0) {
      const v = w.ratio ? (sn / sd) * 100 : (sn / sd) * scale;
      out.push([rows[j][0], Math.min(v, clip)]);
    }
  }
  return out;
}

// A short name for a change, written beside its dotted line.
function changeLabel(c) {
  if (c.kind === 'set' && c.path) {
    const name = c.path.split('.').pop().replace(/_/g, ' ');
    const v = c.value === true ? 'on' : c.value === false ? 'off' : typeof c.value === 'number' ? fmt(c.value) : String(c.value);
    const text = `${name} ${v}`;
    return text.length > 26 ? `${text.slice(0, 25)}…` : text;
  }
  return String(c.kind || '').replace(/_/g, ' ');
}

function drawChart(canvas, k, caption) {
  const series = S.series[k];
  const w = WINDOWS[series.name];
  const dpr = window.devicePixelRatio || 1;
  const cw = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(cw * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(cw * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, cw, h);
  const left = 50, right = 10, top = 8, bottom = 34;
  const pw = cw - left - right, ph = h - top - bottom;
  const clip = series.clip === null || series.clip === undefined ? Infinity : series.clip;

  const lanes = S.lanes.map((lane) => chartPoints(lane, k));
  // The title and the latest values are text above the canvas, so they wrap, never cut off.
  caption.innerHTML = '';
  const title = document.createElement('span');
  title.textContent = `${w && w.title ? w.title : series.label} (${w && w.unit ? w.unit : series.unit})`;
  caption.appendChild(title);
  if (w) {
    const span = document.createElement('span');
    span.className = 'window';
    span.textContent = ` · ${windowText(w)}`;
    caption.appendChild(span);
  }
  const latest = document.createElement('span');
  latest.className = 'latest';
  lanes.forEach((pts, i) => {
    const p = pts[pts.length - 1];
    if (!p) return;
    const item = document.createElement('span');
    item.style.color = COLOURS[i];
    item.style.marginRight = '1em';
    item.textContent = `${LANE_NAMES[i]}: ${p[1] >= clip ? `${fmt(clip)} or more` : fmt(p[1])} on day ${p[0]}`;
    latest.appendChild(item);
  });
  caption.appendChild(latest);

  let lo = Infinity, hi = -Infinity, points = 0;
  for (const pts of lanes) {
    for (const [, v] of pts) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    points += pts.length;
  }
  canvas.dataset.points = String(S.lanes[0].rows.length);
  const last = lanes[0][lanes[0].length - 1];
  canvas.dataset.last = last ? String(last[1]) : '';
  if (!points) {
    g.fillStyle = '#5f6b76';
    g.font = '14px system-ui, sans-serif';
    g.fillText(S.lanes[0].rows.length ? 'no figure yet' : 'press Play or Step', left + 8, top + ph / 2);
    return;
  }
  if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
    const pad = Math.max(Math.abs(hi) * 0.05, 0.01);
    lo -= pad;
    hi += pad;
  }
  // Shares stay within 0 to 100 %.
  if (series.unit.startsWith('%')) {
    if (hi > 100 && hi - lo <= 10.0001) { hi = 100; lo = Math.min(lo, 95); }
    if (hi <= 100 && hi > 90) hi = 100;
    if (lo < 0) lo = 0;
  }
  const xmax = Math.max(S.tick, 30);
  const x = (t) => left + (t / xmax) * pw;
  const y = (v) => top + ph - ((v - lo) / (hi - lo)) * ph;

  g.strokeStyle = '#e3e6ea';
  g.fillStyle = '#5f6b76';
  g.font = '13px system-ui, sans-serif';
  g.lineWidth = 1;
  g.textAlign = 'right';
  for (const v of niceTicks(lo, hi, 4)) {
    const yy = Math.round(y(v)) + 0.5;
    g.beginPath(); g.moveTo(left, yy); g.lineTo(left + pw, yy); g.stroke();
    g.fillText(fmt(v), left - 5, yy + 4);
  }
  g.textAlign = 'center';
  for (const t of niceTicks(0, xmax, Math.max(2, Math.floor(pw / 70)))) {
    // Kept inside the canvas: the last day's number is not cut off at the edge.
    const text = String(Math.round(t));
    const half = g.measureText(text).width / 2;
    g.fillText(text, Math.min(x(t), cw - 2 - half), top + ph + 15);
  }
  // The day axis, labelled.
  g.fillText('day', left + pw / 2, h - 3);
  g.textAlign = 'left';

  // Lever changes and events: a dotted line on the day each took effect (events longer dashes),
  // each with a short label along it.
  g.font = '11px system-ui, sans-serif';
  S.lanes.forEach((lane, i) => {
    g.strokeStyle = COLOURS[i];
    g.fillStyle = COLOURS[i];
    for (const c of lane.changes) {
      g.setLineDash(c.kind === 'set' ? [2, 3] : [5, 3]);
      const xx = Math.round(x(c.day)) + 0.5;
      g.beginPath(); g.moveTo(xx, top); g.lineTo(xx, top + ph); g.stroke();
      g.save();
      g.translate(xx - 3, top + 2);
      g.rotate(-Math.PI / 2);
      g.textAlign = 'right';
      g.fillText(changeLabel(c), 0, 0);
      g.restore();
    }
  });

  lanes.forEach((pts, i) => {
    g.strokeStyle = COLOURS[i];
    g.lineWidth = 2;
    g.setLineDash(i ? [6, 4] : []);
    g.beginPath();
    // A long run is drawn downsampled: the days falling on one pixel are drawn as their mean,
    // so that tens of thousands of days read as a line, not a solid block.
    const per = Math.max(1, Math.ceil(pts.length / Math.max(1, pw)));
    let first = true;
    for (let j = 0; j < pts.length; j += per) {
      const end = Math.min(pts.length, j + per);
      let sum = 0;
      for (let q = j; q < end; q++) sum += pts[q][1];
      const xx = x(pts[Math.floor((j + end - 1) / 2)][0]);
      const yy = y(sum / (end - j));
      if (first) { g.moveTo(xx, yy); first = false; } else g.lineTo(xx, yy);
    }
    g.stroke();
  });
  g.setLineDash([]);
}

function drawCharts() {
  for (let c = 0; c < 4; c++) drawChart($(`chart${c}`), c, $(`caption${c}`));
  drawChart($('chart4'), extraSeries, $('caption4'));
}

// ---------------------------------------------------------------- map

// Regions on a grid; a region's communities on a ring round its centre, then nudged by springs so
// that rail links take lengths in proportion to their kilometres.
function layout(lane) {
  const n = lane.community_count;
  const per = Math.max(1, lane.communities_per_region);
  const regions = Math.ceil(n / per);
  const cols = Math.ceil(Math.sqrt(regions * 4 / 3));
  const rows = Math.ceil(regions / cols);
  const cw = 400 / cols, chh = 300 / rows;
  const pos = [];
  for (let c = 0; c < n; c++) {
    const r = Math.floor(c / per);
    const inRegion = Math.min(per, n - r * per);
    const k = c - r * per;
    const cx = (r % cols + 0.5) * cw, cy = (Math.floor(r / cols) + 0.5) * chh;
    const rad = inRegion > 1 ? 0.36 * Math.min(cw, chh) : 0;
    const a = (2 * Math.PI * k) / inRegion - Math.PI / 2;
    pos.push([cx + rad * Math.cos(a), cy + rad * Math.sin(a)]);
  }
  if (n <= 400 && lane.links.length) {
    const kms = lane.links.map((l) => l[2]);
    const mean = kms.reduce((s, v) => s + v, 0) / kms.length || 1;
    const unit = 0.25 * Math.min(cw, chh) / mean;
    for (let it = 0; it < 200; it++) {
      const step = 0.1 * (1 - it / 200);
      for (const [a, b, km] of lane.links) {
        const dx = pos[b][0] - pos[a][0], dy = pos[b][1] - pos[a][1];
        const d = Math.hypot(dx, dy) || 1e-6;
        const f = step * (d - km * unit) / d / 2;
        pos[a][0] += f * dx; pos[a][1] += f * dy;
        pos[b][0] -= f * dx; pos[b][1] -= f * dy;
      }
      // Keep communities apart.
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
          const dx = pos[b][0] - pos[a][0], dy = pos[b][1] - pos[a][1];
          const d = Math.hypot(dx, dy) || 1e-6;
          const min = 18;
          if (d < min) {
            const f = step * (min - d) / d / 2;
            pos[a][0] -= f * dx; pos[a][1] -= f * dy;
            pos[b][0] += f * dx; pos[b][1] += f * dy;
          }
        }
      }
    }
  }
  // Fit into the view with a margin.
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [px, py] of pos) { x0 = Math.min(x0, px); x1 = Math.max(x1, px); y0 = Math.min(y0, py); y1 = Math.max(y1, py); }
  const sx = x1 > x0 ? 360 / (x1 - x0) : 1, sy = y1 > y0 ? 260 / (y1 - y0) : 1;
  const s = Math.min(sx, sy);
  return pos.map(([px, py]) => [
    x1 > x0 ? 20 + (px - x0) * s + (360 - (x1 - x0) * s) / 2 : 200,
    y1 > y0 ? 20 + (py - y0) * s + (260 - (y1 - y0) * s) / 2 : 150,
  ]);
}

function colour(t) {
  // From a warm red (low) through pale yellow to a deep teal (high).
  const stops = [[215, 48, 39], [252, 224, 139], [26, 152, 132]];
  t = Math.max(0, Math.min(1, t));
  const i = t < 0.5 ? 0 : 1;
  const u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
  const c = stops[i].map((v, j) => Math.round(v + (stops[i + 1][j] - v) * u));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function drawMap() {
  const lane = S.lanes[mapLane];
  const svg = $('map');
  const key = `${S.epoch}/${mapLane}/${lane.community_count}`;
  const ns = 'http://www.w3.org/2000/svg';
  const n = lane.community_count;
  if (key !== layoutKey) {
    layoutKey = key;
    positions = layout(lane);
    svg.innerHTML = '';
    for (const [a, b, km] of lane.links) {
      const line = document.createElementNS(ns, 'line');
      line.setAttribute('x1', positions[a][0]); line.setAttribute('y1', positions[a][1]);
      line.setAttribute('x2', positions[b][0]); line.setAttribute('y2', positions[b][1]);
      line.setAttribute('stroke-width', n > 200 ? 0.4 : 1.5);
      const title = document.createElementNS(ns, 'title');
      title.textContent = `rail ${a}–${b}: ${fmt(km)} km`;
      line.appendChild(title);
      svg.appendChild(line);
    }
    const r = n > 1000 ? 2 : n > 200 ? 3.5 : n > 40 ? 6 : 10;
    for (let c = 0; c < n; c++) {
      const circle = document.createElementNS(ns, 'circle');
      circle.setAttribute('cx', positions[c][0]);
      circle.setAttribute('cy', positions[c][1]);
      circle.setAttribute('r', r);
      circle.setAttribute('fill', '#ccc');
      circle.dataset.community = String(c);
      circle.appendChild(document.createElementNS(ns, 'title'));
      svg.appendChild(circle);
    }
  }
  const m = S.map_series[Number($('mapmetric').value) || 0];
  const values = (lane.communities && lane.communities[m.name]) || [];
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { lo = Math.min(lo, v * m.scale); hi = Math.max(hi, v * m.scale); }
  if (m.unit === '%') { hi = Math.max(hi, 100); }
  const circles = svg.querySelectorAll('circle');
  circles.forEach((circle, c) => {
    const v = values[c];
    if (v === undefined) return;
    const t = hi > lo ? (v * m.scale - lo) / (hi - lo) : 1;
    circle.setAttribute('fill', colour(t));
    circle.firstChild.textContent =
      `community ${c}, region ${Math.floor(c / Math.max(1, lane.communities_per_region))}: ${fmt(v * m.scale)} ${m.unit}`;
  });
  const scale = $('mapscale');
  if (values.length && !(hi - lo > 1e-9 * Math.max(1, Math.abs(hi)))) {
    // Every community has the same figure: one value, sensibly rounded, not a scale.
    scale.innerHTML = '';
    const one = document.createElement('span');
    one.textContent = `every community: ${fmt(roundNoise(hi))} ${m.unit}`;
    scale.appendChild(one);
  } else if (values.length) {
    scale.innerHTML = '';
    const a = document.createElement('span');
    a.textContent = fmt(roundNoise(lo));
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.background = `linear-gradient(to right, ${colour(0)}, ${colour(0.5)}, ${colour(1)})`;
    const b = document.createElement('span');
    b.textContent = `${fmt(roundNoise(hi))} ${m.unit}`;
    scale.append(a, bar, b);
  } else {
    scale.textContent = 'colours appear after the first day';
  }
}

// ---------------------------------------------------------------- wiring

function frame() {
  if (S) {
    if (dirty) { drawCharts(); dirty = false; }
    if (mapDirty) { drawMap(); mapDirty = false; }
  }
  requestAnimationFrame(frame);
}

$('play').addEventListener('click', () => post('/api/play'));
$('pause').addEventListener('click', () => post('/api/pause'));
$('step').addEventListener('click', () => post('/api/step', { days: 1 }));
$('speed').addEventListener('change', () => post('/api/speed', { days_per_second: Number($('speed').value) }));
// What a restart loses, for the question asked before one.
function loses() {
  if (!S || S.tick === 0) return '';
  const changes = S.lanes.reduce((n, l) => n + l.changes.length, 0);
  return ` The ${S.tick} days run so far${changes ? ` and ${changes} change${changes > 1 ? 's' : ''}` : ''} will be gone (download the scenario file first to keep them).`;
}
$('reset').addEventListener('click', () => {
  const v = $('seed').value.trim();
  if (v !== '' && !/^\d+$/.test(v)) { showError('the seed is a whole number, 0 or more'); return; }
  if (!confirm(`Start again from day 0 with seed ${v === '' ? 'new' : v}?${loses()}`)) return;
  post('/api/reset', v === '' ? {} : { seed: Number(v) });
});
$('newseed').addEventListener('click', () => {
  if (!confirm(`Start again from day 0 with a new seed?${loses()}`)) return;
  post('/api/reset', {});
});
$('compare').addEventListener('click', () => {
  const two = S && S.lanes.length > 1;
  // Side by side forks the running world (B goes on from today as a copy of A): nothing is lost.
  // Single run drops lane B and keeps A running: only B's own changes are lost.
  if (two) {
    const b = S.lanes[1].changes.length - S.lanes[0].changes.length;
    if (b > 0 && !confirm(`Drop lane B and keep A running? B's ${b} change${b > 1 ? 's' : ''} will be gone (download B's scenario file first to keep them).`)) return;
  }
  post('/api/compare', { mode: two ? 'off' : 'fork' });
});
// ---------------------------------------------------------------- classroom

// A classroom (commune serve --classroom): how students join, and the vote under way, with the
// students' votes on each item of each community's agenda.
let voteReceived = Date.now();
function renderClassroom() {
  const c = S && S.classroom;
  $('classroom').hidden = !c;
  if (!c) return;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname);
  const host = !loopback ? location.host : (HOSTS[0] || `<this machine's IP address>:${location.port}`);
  const joined = new Set(c.students).size;
  $('joinline').textContent = `Students: open http://${host}/join${JOIN ? ` and type the code ${JOIN}` : ''} · ${c.students.length} joined, in ${joined} communit${joined === 1 ? 'y' : 'ies'}`;
  renderOffers(c.offers || []);
  const v = c.vote;
  $('votebox').hidden = !v;
  if (!v) return;
  const left = v.held ? null : Math.max(0, Math.ceil(v.seconds_left - (Date.now() - voteReceived) / 1000));
  $('voteclock').textContent = `Day ${v.day}: the assemblies wait for the students ${v.held ? '(held: discuss, then Play or Close the vote)' : `(${left} s left)`}`;
  const box = $('voteitems');
  box.replaceChildren();
  for (const a of v.agendas) {
    for (const it of a.items) {
      const row = document.createElement('div');
      row.className = 'voteitem';
      row.dataset.community = a.community;
      row.dataset.item = it.item;
      row.textContent = `Community ${a.community}, item ${it.item + 1}: ${it.text} · students ${it.yes} for, ${it.no} against (of ${a.students})`;
      box.append(row);
    }
  }
}
// The students' offers of hours, the latest first: each with what became of it so far.
function renderOffers(offers) {
  $('offerbox').hidden = offers.length === 0;
  const box = $('offeritems');
  box.replaceChildren();
  for (const o of [...offers].reverse()) {
    const row = document.createElement('div');
    row.className = 'offeritem';
    row.dataset.student = o.student;
    const last = o.until - 1;
    const when = o.from === last ? `day ${o.from}` : `days ${o.from} to ${last}`;
    const done = o.days_run === 0 ? 'from the next day' : `${o.taken.toFixed(1)} of ${o.offered.toFixed(1)} h worked`;
    row.textContent = `Student ${o.student}, community ${o.community}: ${o.hours} h a day to ${o.sector}, ${when} · ${done}`;
    box.append(row);
  }
}
setInterval(() => { if (S && S.classroom && S.classroom.vote && !S.classroom.vote.held) renderClassroom(); }, 1000);
$('closevote').addEventListener('click', () => post('/api/vote/close'));

// Full screen (the Fullscreen API), for a projector; Esc or the button again leaves it.
$('fullscreen').addEventListener('click', () => {
  if (document.fullscreenElement) document.exitFullscreen();
  else if (document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch((e) => showError(`full screen refused: ${e.message}`));
  }
});
document.addEventListener('fullscreenchange', () => {
  $('fullscreen').textContent = document.fullscreenElement ? 'Leave full screen' : 'Full screen';
  dirty = true;
});
$('undo').addEventListener('click', () => post('/api/undo', { lane: ['a', 'b'][laneTarget()] }));
$('error').addEventListener('click', hideError);
$('extra').addEventListener('change', () => { extraSeries = Number($('extra').value); dirty = true; });
$('mapmetric').addEventListener('change', () => { mapDirty = true; });
document.querySelectorAll('input[name=lane]').forEach((r) => r.addEventListener('change', () => {
  renderLevers();
  renderEvents();
}));
document.querySelectorAll('input[name=maplane]').forEach((r) => r.addEventListener('change', () => {
  mapLane = Number(document.querySelector('input[name=maplane]:checked').value);
  mapDirty = true;
}));
window.addEventListener('resize', () => { dirty = true; });
document.addEventListener('keydown', (e) => {
  if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT') return;
  if (!presenter) return;
  if (e.key === ' ') { e.preventDefault(); post(S && S.playing ? '/api/pause' : '/api/play'); }
  if (e.key === 'ArrowRight') post('/api/step', { days: 1 });
});

checkRole();
connect();
requestAnimationFrame(frame);
