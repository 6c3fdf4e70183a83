// Helpers for the browser tests: start `commune serve` and a headless Debian Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/// The commune binary: $COMMUNE_BIN, or the debug build in $CARGO_TARGET_DIR (or target/).
export function communeBin() {
  if (process.env.COMMUNE_BIN) return process.env.COMMUNE_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
  return join(target, 'debug', 'commune');
}

/// Starts `commune serve ARGS --port 0` and resolves with { url, viewer, token, stop } once it
/// prints its addresses: `url` is the presenter's (with the token), `viewer` the read-only one.
export function startServer(args) {
  return new Promise((ok, fail) => {
    const child = spawn(communeBin(), ['serve', ...args, '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/(http:\/\/[0-9.]+:\d+\/)\?token=([0-9a-f]+)/);
      // A classroom prints where students join, and the join code, on a line of its own.
      const code = out.match(/type the code (\d{6})/);
      if (m && (code || !args.includes('--classroom'))) {
        ok({ url: m[0], viewer: m[1], token: m[2], code: code && code[1], stop: () => child.kill('SIGTERM') });
      }
    });
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`commune serve exited with ${code}: ${out}`)));
  });
}

/// Debian's Chromium, headless, with a fresh profile and no background networking.
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'commune-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/// Debian's Chromium, headless, for several people at once: one browser, a fresh context (its
/// own storage) for each.
export async function launchContexts() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    newContext: (options) => browser.newContext(options),
    close: () => browser.close(),
  };
}
