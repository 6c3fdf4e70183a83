// End-to-end: the dashboard in a real headless Chromium. Opens the page, presses Play, moves a
// lever, and checks that the charts grow and the change is logged with its day.
import assert from 'node:assert/strict';
import { launchBrowser, startServer } from './serve.mjs';

// Bounds on waiting for the simulation to get somewhere: generous, for slow machines. Nothing is
// asserted about speed.
const WAIT = { timeout: 120_000 };

const points = (page, id = 'chart0') =>
  page.$eval(`#${id}`, (c) => Number(c.dataset.points || 0));

async function main() {
  const server = await startServer(['scenarios/region.toml']);
  const browser = await launchBrowser();
  const errors = [];
  try {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(server.url);

    // The page has the session: the scenario's name, the levers, an empty chart.
    await page.waitForSelector('#levers .lever', WAIT);
    assert.match(await page.textContent('#names'), /region/);
    assert.equal(await points(page), 0);
    assert.equal(await page.$$eval('#levers .lever', (ls) => ls.length) > 3, true);

    // Play: the charts fill and the clock moves.
    await page.click('#play');
    await page.waitForFunction(() => Number(document.querySelector('#chart0').dataset.points) >= 20, null, WAIT);
    assert.equal(await page.getAttribute('body', 'data-playing'), 'true');
    for (const id of ['chart1', 'chart2', 'chart3', 'chart4']) {
      assert.ok((await points(page, id)) > 0, `${id} has points`);
    }
    assert.match(await page.textContent('#clock'), /day \d+/);

    // The map: ten communities joined by rail, coloured once days have run.
    assert.equal(await page.$$eval('#map circle', (cs) => cs.length), 10);
    assert.ok((await page.$$eval('#map line', (ls) => ls.length)) >= 9);
    await page.waitForFunction(
      () => [...document.querySelectorAll('#map circle')].every((c) => c.getAttribute('fill') !== '#ccc'),
      null, WAIT);

    // A lever: turn off food by rail. The change is logged with the day it took effect.
    const freight = page.locator('input[data-path="rail.freight"]');
    assert.equal(await freight.isChecked(), true);
    await freight.click();
    const entry = page.locator('#feed li[data-kind=lever]', { hasText: 'rail.freight' });
    await entry.waitFor(WAIT);
    const text = await entry.first().textContent();
    const m = text.match(/^day (\d+)A?Food by rail \(rail\.freight\) set to false from day (\d+)$/);
    assert.ok(m, text);
    const day = Number(m[2]);
    assert.equal(Number(m[1]), day);

    // A slider too: more eaten at the kitchen.
    await page.locator('input[data-path="food.kitchen_share"]').fill('0.9');
    await page.locator('#feed li[data-kind=lever]', { hasText: 'food.kitchen_share' }).waitFor(WAIT);

    // A choice: a rota for undesirable work.
    const policy = page.locator('select[data-path="labour.undesirable_policy"]');
    assert.equal(await policy.inputValue(), 'volunteer');
    await policy.selectOption('rota');
    await page.locator('#feed li[data-kind=lever]', { hasText: 'labour.undesirable_policy' }).waitFor(WAIT);

    // An event button: an illness wave, logged too.
    await page.click('#events button[data-kind=illness_wave]');
    await page.locator('#feed li[data-kind=event]', { hasText: 'illness wave' }).waitFor(WAIT);

    // The charts go on growing after the change.
    const before = await points(page);
    await page.waitForFunction((n) => Number(document.querySelector('#chart0').dataset.points) > n + 10, before, WAIT);

    // The server recorded the change, on the same day, and puts it in the scenario to download.
    const state = await (await fetch(new URL('/api/state', server.url))).json();
    const change = state.lanes[0].changes.find((c) => c.path === 'rail.freight');
    assert.equal(change.day, day);
    assert.equal(change.kind, 'set');
    assert.equal(change.value, false);
    assert.ok(state.lanes[0].changes.some((c) => c.kind === 'illness_wave'));
    const toml = await (await fetch(new URL('/api/scenario.toml?lane=a', server.url))).text();
    assert.ok(toml.includes('path = "rail.freight"'), toml);
    assert.ok(toml.includes('kind = "illness_wave"'), toml);

    // Pause stops the clock.
    await page.click('#pause');
    await page.waitForFunction(() => document.body.dataset.playing === 'false', null, WAIT);

    // A bad value is refused with a message and the page shows it.
    const res = await fetch(new URL('/api/lever', server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Commune-Token': server.token },
      body: JSON.stringify({ path: 'food.kitchen_share', value: 2 }),
    });
    assert.equal(res.status, 400);
    // Without the token, a command is refused.
    const anon = await fetch(new URL('/api/pause', server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(anon.status, 401);

    // The token left the address bar (a projector shows it), and the page keeps its controls.
    assert.equal(new URL(page.url()).searchParams.get('token'), null);
    assert.equal(await page.getAttribute('body', 'data-role'), 'presenter');

    // New seed asks first: declined, the session goes on as it was.
    const tickBefore = Number(await page.getAttribute('body', 'data-tick'));
    page.once('dialog', (d) => d.dismiss());
    await page.click('#newseed');
    await page.waitForTimeout(300);
    assert.equal(Number(await page.getAttribute('body', 'data-tick')), tickBefore);

    // Undo: the last lever changed (the rota) gets its earlier value back.
    await page.click('#undo');
    await page.waitForFunction(
      () => document.querySelector('select[data-path="labour.undesirable_policy"]').value === 'volunteer',
      null, WAIT);

    // The projector: at 1024x768 the first chart is in view without scrolling, under the
    // scenario's description.
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(200);
    const box = await page.locator('#chart0').boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 768, `chart0 at ${JSON.stringify(box)}`);
    assert.match(await page.textContent('#description'), /rail-linked communities/);
    assert.match(await page.textContent('#caption2'), /Food wasted.*trailing 30 days/);
    assert.match(await page.textContent('#caption3'), /Footprint.*trailing 365 days/);
    assert.match(await page.textContent('#caption2'), /A: \d/);
    // The windowed figures are the trailing windows of the rows the server sent: the footprint
    // the mean of the last 365 days (all so far, here) a year; the waste the wasted over eaten or
    // wasted of the last 30 days.
    const st = await (await fetch(new URL('/api/state', server.url))).json();
    const col = (name) => st.series.findIndex((x) => x.name === name) + 1;
    const rows = st.lanes[0].rows;
    const tail = (n) => rows.filter((r) => r[0] > rows[rows.length - 1][0] - n);
    const year = tail(365);
    const footprint = (year.reduce((t, r) => t + r[col('footprint_kg_co2e_per_person')], 0) / year.length) * 365;
    const month = tail(30);
    const wasted = month.reduce((t, r) => t + r[col('food_wasted_kg')], 0);
    const eaten = month.reduce((t, r) => t + r[col('food_eaten_kg')], 0);
    const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
    const shown = async (id) => Number(await page.getAttribute(id, 'data-last'));
    assert.ok(close(await shown('#chart3'), footprint), `footprint ${await shown('#chart3')} vs ${footprint}`);
    assert.ok(close(await shown('#chart2'), (100 * wasted) / (wasted + eaten)), 'food waste over 30 days');
    const today = rows[rows.length - 1][col('footprint_kg_co2e_per_person')] * 365;
    assert.ok(!close(footprint, today), 'the window is not the last day');

    // A lever that cannot act here is disabled, with its reason beside it: the region has no
    // nuclear plants; with food by rail in the region, it can act.
    const nuclear = page.locator('.lever[data-path="energy.allow_nuclear"]');
    assert.equal(await nuclear.locator('input').isDisabled(), true);
    assert.match(await nuclear.locator('.why').textContent(), /no nuclear plants/);
    assert.ok(await nuclear.locator('.why').isVisible());
    assert.equal(await page.locator('input[data-path="rail.freight"]').isDisabled(), false);
    // Under the incentive its factor acts; under a rota (set by the API here) it greys out.
    const factor = page.locator('input[data-path="labour.incentive_factor"]');
    assert.equal(await factor.isDisabled(), true, 'the incentive factor does nothing under volunteers');
    await page.locator('select[data-path="labour.undesirable_policy"]').selectOption('incentive');
    await page.waitForFunction(
      () => !document.querySelector('input[data-path="labour.incentive_factor"]').disabled, null, WAIT);
    await page.locator('select[data-path="labour.undesirable_policy"]').selectOption('rota');
    await page.waitForFunction(
      () => document.querySelector('input[data-path="labour.incentive_factor"]').disabled, null, WAIT);
    assert.match(
      await page.locator('.lever[data-path="labour.incentive_factor"] .why').textContent(), /rota/);
    await page.setViewportSize({ width: 1440, height: 900 });

    // A viewer (the address without the token) sees the session but no controls.
    const watch = await browser.context.newPage();
    watch.on('pageerror', (e) => errors.push(e.message));
    await watch.goto(server.viewer);
    await watch.waitForSelector('#levers .lever', WAIT);
    assert.equal(await watch.getAttribute('body', 'data-role'), 'viewer');
    for (const id of ['#play', '#pause', '#reset', '#newseed', '#compare', '#undo']) {
      assert.equal(await watch.isVisible(id), false, `${id} hidden from viewers`);
    }
    assert.equal(await watch.isVisible('#events-box'), false);
    assert.equal(await watch.locator('#levers input:enabled, #levers select:enabled').count(), 0);
    assert.ok(await watch.isVisible('#chart0'));

    assert.deepEqual(errors, [], 'no errors in the page');
    console.log(`ok: played, charts grew, lever logged on day ${day}`);
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
