// The no-Python check in a real VS Code: code-server runs where every Python the extension can find reports 3.7
// (tests/e2e/run.sh sets that up). Opening an AMCT script must bring up one warning that says exactly that — the
// server needs Python ≥ 3.10, what was found, how to install one, the amct.interpreter alternative — and never
// blames the network. Prints `e2e-no-python: N passed, M failed`; exit 1 on failure.
//
//   node tests/e2e/no-python.e2e.mjs --url http://127.0.0.1:PORT --workspace DIR --artifacts DIR --profile DIR
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    workspace: { type: 'string' },
    artifacts: { type: 'string' },
    profile: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
for (const key of ['url', 'workspace', 'artifacts', 'profile']) {
  if (!opts[key]) {
    console.error(`no-python.e2e: --${key} is required`);
    process.exit(2);
  }
}
mkdirSync(opts.artifacts, { recursive: true });

const started = Date.now();
const log = (message) => console.log(`[e2e-no-python ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const NAME = 'opening an AMCT script without any Python ≥ 3.10 says so, what was found and how to fix it';
let context;
let ok = false;
try {
  await until('code-server', 30_000, async () => {
    try {
      return (await fetch(`${opts.url}/healthz`)).ok || undefined;
    } catch {
      return undefined;
    }
  });
  context = await chromium.launchPersistentContext(opts.profile, {
    executablePath: opts.chromium,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${opts.url}/?folder=${encodeURIComponent(opts.workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  log('workbench loaded');
  const row = page.locator('.explorer-folders-view .monaco-list-row[aria-label^="quant.py"]');
  await row.first().waitFor({ timeout: 20_000 });
  await row.first().click();
  const toast = await until('the no-Python warning', 45_000, async () => {
    const texts = await page
      .locator('.notifications-toasts .notification-list-item-message')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\u00a0/g, ' ')));
    return texts.find((t) => t.includes('needs Python 3.10 or newer'));
  });
  await sleep(500);
  await page.screenshot({ path: join(opts.artifacts, 'no-python.png') });
  log(`warning: ${toast}`);
  for (const part of ['none was found', 'python3 is 3.7.17', 'sudo apt install python3.11', 'amct.interpreter', 'Restart Server']) {
    if (!toast.includes(part)) {
      throw new Error(`the warning lacks "${part}": ${toast}`);
    }
  }
  if (/network|internet|proxy/i.test(toast)) {
    throw new Error(`the warning blames the network: ${toast}`);
  }
  ok = true;
  log(`PASS ${NAME}`);
} catch (error) {
  log(`FAIL ${NAME}: ${error.message}`);
}
await context?.close().catch(() => undefined);
console.log(`e2e-no-python: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
