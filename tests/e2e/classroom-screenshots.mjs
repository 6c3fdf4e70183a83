// The classroom's screenshots in docs/: the region scenario with `--classroom`, one student
// joined, when community 0's assembly first waits for the students: the presenter's page at
// 1024x768 and the student's phone at 390x844. Writes docs/classroom-1024x768.png and
// docs/classroom-student-390x844.png (or into the folder given). Run after `cargo build`, from
// tests/e2e: `npm ci && node classroom-screenshots.mjs`.
import { join } from 'node:path';
import { ROOT, launchContexts, startServer } from './serve.mjs';

const dir = process.argv[2] || join(ROOT, 'docs');
const server = await startServer(['scenarios/region.toml', '--classroom', '--bind', '127.0.0.1', '--vote-seconds', '600']);
const browser = await launchContexts();
const WAIT = { timeout: 180_000 };
try {
  const presenter = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  await presenter.goto(server.url);
  await presenter.waitForSelector('#classroom:not([hidden])', WAIT);
  const student = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await student.goto(new URL('/join', server.viewer).href);
  await student.fill('#code', server.code);
  await student.click('#join');
  await student.waitForSelector('#me:not([hidden])', WAIT);
  await presenter.click('#play');
  await presenter.waitForSelector('#votebox:not([hidden])', WAIT);
  await student.waitForSelector('#vote:not([hidden])', WAIT);
  await student.waitForTimeout(1200);
  await student.screenshot({ path: join(dir, 'classroom-student-390x844.png') });
  await presenter.screenshot({ path: join(dir, 'classroom-1024x768.png') });
  console.log(`wrote ${dir}/classroom-1024x768.png and classroom-student-390x844.png`);
} finally {
  await browser.close();
  server.stop();
}
