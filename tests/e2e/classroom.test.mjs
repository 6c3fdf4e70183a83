// End-to-end: a classroom (commune serve --classroom) in a real headless Chromium. A presenter
// and three students, each in a browser context of their own on a phone-sized screen: the
// students join with the code, follow a member of the village, volunteer hours to its kitchen
// and vote in its assembly; the presenter sees their offers and votes, the assembly's tally
// includes the votes, and the session's scenario file, holding both, replays the session byte
// for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { communeBin, launchContexts, ROOT, startServer } from './serve.mjs';

// Bounds on waiting: generous, for slow machines. Nothing is asserted about speed.
const WAIT = { timeout: 180_000 };
const PHONE = { viewport: { width: 390, height: 844 } };

async function main() {
  const server = await startServer([
    'scenarios/village.toml', '--classroom', '--bind', '127.0.0.1', '--vote-seconds', '600',
  ]);
  assert.match(server.code, /^\d{6}$/);
  const browser = await launchContexts();
  const errors = [];
  const watch = (page) => {
    page.on('pageerror', (e) => errors.push(e.message));
    // (The refusals the test provokes itself, a student's command and an offer over the cap,
    // are logged by the browser.)
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[01]/.test(m.text())) errors.push(m.text()); });
    return page;
  };
  try {
    // The presenter's page shows how to join, with the code.
    const presenter = watch(await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage());
    await presenter.goto(server.url);
    await presenter.waitForSelector('#classroom:not([hidden])', WAIT);
    await presenter.waitForFunction((code) => document.querySelector('#joinline').textContent.includes(code), server.code, WAIT);
    assert.match(await presenter.textContent('#joinline'), /\/join/);

    // Three students join from their phones.
    const students = [];
    for (let n = 1; n <= 3; n++) {
      const page = watch(await (await browser.newContext(PHONE)).newPage());
      await page.goto(new URL('/join', server.viewer).href);
      await page.fill('#code', server.code);
      await page.click('#join');
      await page.waitForFunction((k) => document.querySelector('#who').textContent.includes(`student ${k}:`), n, WAIT);
      assert.match(await page.textContent('#who'), /community 0/);
      // The page fits the phone: nothing wider than its screen.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'fits 390 px');
      students.push(page);
    }
    await presenter.waitForFunction(() => /3 joined/.test(document.querySelector('#joinline').textContent), null, WAIT);
    // A student's page has no presenter powers: a command with its token is refused.
    const refused = await students[0].evaluate(async () => {
      const me = JSON.parse(sessionStorage.getItem('commune-student'));
      const res = await fetch('/api/step', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Commune-Student': me.token },
        body: '{"days": 1}',
      });
      return res.status;
    });
    assert.equal(refused, 401);

    // A student volunteers two hours a day to the kitchen for three days; an offer over the cap
    // is refused with a message saying why.
    await students[0].waitForSelector('#volunteer:not([hidden])', WAIT);
    await students[0].waitForFunction(() => document.querySelectorAll('#sector option').length > 2, null, WAIT);
    await students[0].selectOption('#sector', 'kitchen');
    await students[0].fill('#offerhours', '9');
    await students[0].click('#offer');
    await students[0].waitForFunction(() => /at most 8/.test(document.querySelector('#error').textContent), null, WAIT);
    await students[0].fill('#offerhours', '2');
    await students[0].fill('#offerdays', '3');
    await students[0].click('#offer');
    await students[0].waitForFunction(() => /Your offer: 2 h a day to kitchen, days 0 to 2/.test(document.querySelector('#offerstate').textContent), null, WAIT);
    assert.ok(await students[0].evaluate(() => document.documentElement.scrollWidth <= 390), 'fits 390 px with the offer');
    // The presenter sees it.
    await presenter.waitForFunction(() => /Student 1, community 0: 2 h a day to kitchen, days 0 to 2/.test(document.querySelector('#offeritems').textContent), null, WAIT);

    // The presenter plays; when the village's assembly takes something up it waits for the class.
    await presenter.click('#play');
    await presenter.waitForSelector('#votebox:not([hidden])', WAIT);
    const state = await (await fetch(new URL('/api/state', server.viewer))).json();
    const vote = state.classroom.vote;
    const items = vote.agendas[0].items.length;
    assert.ok(items > 0);

    // Each student sees the items on their phone and votes: two for, one against.
    // (The class's very last vote closes the vote, so its page shows no vote rather than it.)
    const cast = async (page, yes, last = false) => {
      await page.waitForSelector('#vote:not([hidden])', WAIT);
      for (let item = 0; item < items; item++) {
        const button = page.locator(`#items button.${yes ? 'yes' : 'no'}[data-item="${item}"]`);
        await button.click();
        if (last && item === items - 1) break;
        await page.waitForSelector(`#items button.chosen.${yes ? 'yes' : 'no'}[data-item="${item}"]`, WAIT);
      }
    };
    await cast(students[0], true);
    await cast(students[1], true);
    // The presenter sees the students' votes as they come.
    await presenter.waitForFunction(
      (n) => [...document.querySelectorAll('#voteitems .voteitem')].filter((r) => /students 2 for, 0 against/.test(r.textContent)).length === n,
      items, WAIT);
    // Pause holds the vote while the class discusses.
    await presenter.click('#pause');
    await presenter.waitForFunction(() => /held/.test(document.querySelector('#voteclock').textContent), null, WAIT);
    await students[2].waitForFunction(() => /paused the vote/.test(document.querySelector('#voteclock').textContent), null, WAIT);
    // The last student's vote completes the class's: the assembly decides at once.
    await cast(students[2], false, true);
    await students[2].waitForSelector('#novote:not([hidden])', WAIT);
    await presenter.waitForSelector('#votebox', { state: 'hidden', ...WAIT });
    const feed = presenter.locator('#feed li', { hasText: 'students voted 2 for, 1 against' });
    await feed.first().waitFor(WAIT);
    // The assembly's decision is in the feed, with its tally.
    await presenter.locator('#feed li', { hasText: /community 0: .*\(\d+ for, \d+ against/ }).first().waitFor(WAIT);
    if (await presenter.getAttribute('body', 'data-playing') === 'true') await presenter.click('#pause');
    // The offer has run its three days: the student's page says what was worked of it.
    await students[0].waitForFunction(() => /were worked/.test(document.querySelector('#offerstate').textContent), null, WAIT);

    // The session's scenario file holds the votes and replays the session byte for byte.
    let st = await (await fetch(new URL('/api/state', server.viewer))).json();
    if (st.classroom.vote) {
      await fetch(new URL('/api/vote/close', server.viewer), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Commune-Token': server.token },
        body: '{}',
      });
    }
    const toml = await (await fetch(new URL('/api/scenario.toml?lane=a', server.viewer))).text();
    assert.equal((toml.match(/kind = "vote"/g) || []).length, 3 * items, toml);
    assert.equal((toml.match(/kind = "volunteer"/g) || []).length, 1, toml);
    const live = await (await fetch(new URL('/api/metrics.csv?lane=a', server.viewer))).text();
    const dir = mkdtempSync(join(tmpdir(), 'commune-class-'));
    try {
      writeFileSync(join(dir, 'class.toml'), toml);
      const run = spawnSync(communeBin(), ['run', join(dir, 'class.toml'), '--out', join(dir, 'out'), '--no-plots', '--quiet'], { cwd: ROOT });
      assert.equal(run.status, 0, String(run.stderr));
      const replayed = readFileSync(join(dir, 'out', 'metrics.csv'), 'utf8');
      assert.ok(replayed === live, 'the replay differs from the live session');
      // The tally of the day includes the students' votes: the decisions replayed with them
      // count two more for and one more against each item than without them.
      const decisions = readFileSync(join(dir, 'out', 'decisions.csv'), 'utf8').split('\n');
      const day = decisions.filter((l) => l.startsWith(`${vote.day},community 0,`));
      assert.equal(day.length, items);
      writeFileSync(join(dir, 'plain.toml'), toml.split('[[events]]').filter((b) => !b.includes('kind = "vote"')).join('[[events]]'));
      const plain = spawnSync(communeBin(), ['run', join(dir, 'plain.toml'), '--out', join(dir, 'plain'), '--no-plots', '--quiet'], { cwd: ROOT });
      assert.equal(plain.status, 0, String(plain.stderr));
      const without = readFileSync(join(dir, 'plain', 'decisions.csv'), 'utf8').split('\n').filter((l) => l.startsWith(`${vote.day},community 0,`));
      const tally = (l) => { const f = l.split(','); return [Number(f[f.length - 5]), Number(f[f.length - 4])]; };
      for (let i = 0; i < items; i++) {
        const [y, n] = tally(day[i]);
        const [y0, n0] = tally(without[i]);
        assert.deepEqual([y - y0, n - n0], [2, 1], `${day[i]} vs ${without[i]}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    st = await (await fetch(new URL('/api/state', server.viewer))).json();
    assert.equal(st.classroom.students.length, 3);

    assert.deepEqual(errors, [], 'no errors in the pages');
    console.log(`ok: three students joined, one volunteered, voted on ${items} item(s) of day ${vote.day}, and the session replays`);
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
