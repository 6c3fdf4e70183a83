// The students' page of a classroom (commune serve --classroom): join with the code, follow a
// member of a community, and vote in its assembly. Polls /api/me once a second.
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
    }
    error(err.message);
  }
  timer = setTimeout(poll, 1000);
}
if (me) poll();
