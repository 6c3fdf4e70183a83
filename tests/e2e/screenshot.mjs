// The README's screenshot: the region scenario side by side with food by rail turned off in B
// on day 120 and a drought in community 3 of both on day 250, after a year and a half. Writes docs/dashboard.png (or the path given).
import { join } from 'node:path';
import { ROOT, launchBrowser, startServer } from './serve.mjs';

const out = process.argv[2] || join(ROOT, 'docs', 'dashboard.png');
const server = await startServer(['scenarios/region.toml']);
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1440, height: 1120 });
  await page.goto(server.url);
  await page.waitForSelector('#levers .lever');
  const post = (path, body) => fetch(new URL(path, server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Commune-Token': server.token },
    body: JSON.stringify(body),
  });
  await post('/api/compare', { mode: 'copy' });
  await page.waitForSelector('#target:not([hidden])');
  await post('/api/step', { days: 120 });
  await post('/api/lever', { lane: 'b', path: 'rail.freight', value: false });
  await post('/api/step', { days: 130 });
  for (const lane of ['a', 'b']) {
    await post('/api/event', { lane, kind: 'drought', yield_factor: 0.6, days: 200, community: 3 });
  }
  await post('/api/step', { days: 300 });
  await page.waitForFunction(() => Number(document.querySelector('#chart0').dataset.points) >= 550);
  await page.selectOption('#mapmetric', { label: 'Food in store' });
  await page.waitForTimeout(500);
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.stop();
}
