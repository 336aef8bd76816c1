// Renders client/images/icon.svg (our own drawing) to the 128 px PNG the Marketplace needs, with Chromium.
// Run from the repository root: node client/scripts/render-icon.mjs
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
const svg = readFileSync('client/images/icon.svg', 'utf8').replace('width="256" height="256"', 'width="128" height="128"');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.locator('svg').screenshot({ path: 'client/images/icon.png', omitBackground: true });
await browser.close();
