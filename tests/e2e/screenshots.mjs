// The dashboard's screenshots in docs/: the presenter's page after 400 days of the region
// scenario, with food by rail turned off on day 120 and a drought in community 3 on day 250, on a
// 1024x768 projector and a 390x844 phone. Writes docs/dashboard-1024x768.png and
// docs/dashboard-390x844.png (or into the folder given). Run after `cargo build`, from
// tests/e2e: `npm ci && node screenshots.mjs`.
import { join } from 'node:path';
import { ROOT, launchBrowser, startServer } from './serve.mjs';

const dir = process.argv[2] || join(ROOT, 'docs');
const server = await startServer(['scenarios/region.toml']);
const browser = await launchBrowser();
const post = async (path, body) => {
  const res = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Commune-Token': server.token },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
};
try {
  await post('/api/step', { days: 120 });
  await post('/api/lever', { path: 'rail.freight', value: false });
  await post('/api/step', { days: 130 });
  await post('/api/event', { kind: 'drought', yield_factor: 0.6, days: 200, community: 3 });
  await post('/api/step', { days: 150 });
  for (const [width, height] of [[1024, 768], [390, 844]]) {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(server.url);
    await page.waitForFunction(() => Number(document.querySelector('#chart0').dataset.points) >= 400);
    await page.selectOption('#mapmetric', { label: 'Food in store' });
    await page.waitForTimeout(500);
    const out = join(dir, `dashboard-${width}x${height}.png`);
    await page.screenshot({ path: out, fullPage: false });
    console.log(`wrote ${out}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.stop();
}
