// The students' page of a classroom (commune serve --classroom): join with the code, follow a
// member of a community, vote in its assembly and volunteer hours to its syndicates. Polls
// /api/me once a second.
'use strict';
const $ = (id) => document.getElementById(id);
const KEY = 'commune-student';
let me = JSON.parse(sessionStorage.getItem(KEY) || 'null');

function error(text) { $('error').textContent = text || ''; }

async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (me) headers['X-Commune-Student'] = me.token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.error || `${path}: ${res.status}`), { status: res.status });
  return data;
}

$('joinform').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    me = await call('POST', '/api/join', { code: $('code').value.trim() });
    sessionStorage.setItem(KEY, JSON.stringify(me));
    error('');
    poll();
  } catch (err) { error(err.message); }
});

const pct = (x) => `${Math.round(x * 100)} %`;
const kg = (x) => `${Math.round(x)} kg`;

function show(d) {
  $('joinbox').hidden = true;
  $('me').hidden = false;
  $('who').textContent = `You are student ${d.student}: member ${d.member} of community ${d.community}.`;
  $('day').textContent = d.tick;
  $('hours').textContent = `${d.hours.toFixed(1)} h`;
  const f = d.figures;
  if (f) {
    $('persons').textContent = f.persons;
    $('needs').textContent = pct(f.need_satisfaction);
    $('food').textContent = `${kg(f.food_eaten_kg)} / ${kg(f.food_needed_kg)}`;
    $('rail').textContent = kg(f.food_received_kg);
    $('grid').textContent = `${Math.round(f.energy_received_kwh)} kWh`;
  }
  showOffer(d);
  const v = d.vote;
  $('vote').hidden = !v;
  $('novote').hidden = !!v;
  if (!v) return;
  $('votetitle').textContent = `Your assembly is voting (day ${v.day})`;
  $('voteclock').textContent = v.held ? 'The presenter has paused the vote: discuss.' : `${v.seconds_left} s left`;
  const mine = new Map(v.mine.map(([item, yes]) => [item, yes]));
  const box = $('items');
  box.replaceChildren();
  for (const it of v.items) {
    const div = document.createElement('div');
    div.className = 'item';
    const p = document.createElement('p');
    p.textContent = `${it.item + 1}. ${it.text}`;
    div.append(p);
    for (const yes of [true, false]) {
      const b = document.createElement('button');
      b.className = `${yes ? 'yes' : 'no'}${mine.get(it.item) === yes ? ' chosen' : ''}`;
      b.dataset.item = it.item;
      b.dataset.yes = yes;
      b.textContent = yes ? 'For' : 'Against';
      b.addEventListener('click', async () => {
        try { await call('POST', '/api/vote', { item: it.item, yes }); error(''); poll(); } catch (err) { error(err.message); }
      });
      div.append(b, ' ');
    }
    box.append(div);
  }
}

// The student's offer of hours: the syndicates to choose from (with what each lacked on the last
// day run), and what became of their latest offer.
function showOffer(d) {
  $('volunteer').hidden = false;
  // (The server checks the numbers and says what is wrong: the form does not validate.)
  $('offerhours').max = d.max_hours;
  $('offerdays').max = d.max_days;
  const select = $('sector');
  const chosen = select.value;
  const names = d.sectors.map((s) => s.sector).join(',');
  const label = (s) => (s.short > 0 ? `${s.sector} (short ${s.short.toFixed(1)} h)` : s.sector);
  if (select.dataset.names !== names) {
    select.replaceChildren(...d.sectors.map((s) => {
      const o = document.createElement('option');
      o.value = s.sector;
      return o;
    }));
    select.dataset.names = names;
    if (chosen) select.value = chosen;
  }
  // Only the labels change from day to day, in place, so an open list stays open.
  d.sectors.forEach((s, i) => { if (select.options[i].textContent !== label(s)) select.options[i].textContent = label(s); });
  const o = d.offer;
  if (!o) { $('offerstate').textContent = 'No offer yet.'; return; }
  const last = o.until - 1;
  const when = o.from === last ? `day ${o.from}` : `days ${o.from} to ${last}`;
  const state = o.days_run === 0
    ? 'it starts with the next day.'
    : `${o.taken.toFixed(1)} h of ${o.offered.toFixed(1)} h offered so far were worked (last day: ${o.last.toFixed(1)} h).`;
  $('offerstate').textContent = `Your offer: ${o.hours} h a day to ${o.sector}, ${when}: ${state}`;
}

$('offerform').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await call('POST', '/api/volunteer', {
      sector: $('sector').value,
      hours: Number($('offerhours').value),
      days: Number($('offerdays').value),
    });
    error('');
    poll();
  } catch (err) { error(err.message); }
});

let timer = null;
async function poll() {
  clearTimeout(timer);
  if (!me) return;
  try {
    show(await call('GET', '/api/me'));
    error('');
  } catch (err) {
    if (err.status === 403 || err.status === 401) {
      me = null;
      sessionStorage.removeItem(KEY);
      $('joinbox').hidden = false;
      $('me').hidden = true;
      $('vote').hidden = true;
      $('volunteer').hidden = true;
    }
    error(err.message);
  }
  timer = setTimeout(poll, 1000);
}
if (me) poll();
