// The browser harness: launches Debian's headless Chromium through playwright-core, opens pages
// that fail their test on any console error, page error, CSP violation or request that leaves
// 127.0.0.1, and registers the tests that run.mjs runs.
//
// Spec files (specs/*.spec.mjs) call `test(name, async ({ page, url, expectError }) => { ... })`.
// Never sleep in a test: wait for a DOM state (page.waitForSelector, page.waitForFunction).
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(HERE, 'out');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The flags that work as root on these machines (shared/guide/toolchain.md). Playwright adds
 * `--headless` and a fresh temporary `--user-data-dir` of its own to every launch. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The size the playground is designed for (and its screenshots are taken at). */
export const VIEWPORT = { width: 1280, height: 720 };

const registry = [];

/** Registers a test. `fn` receives `{ page, url, expectError }`; see `openPage`. */
export function test(name, fn) {
  registry.push({ name, fn });
}

export function registeredTests() {
  return registry;
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Opens a page in a fresh browser context (its own storage and cache) with the guards on.
 * Returns `{ context, page, problems, expectError }`:
 * - `problems` collects every console error, page error, CSP violation and blocked request;
 * - `expectError(regex)` marks console errors matching `regex` as expected (e.g. a test that
 *   checks the CSP refuses an inline script).
 */
export async function openPage(browser) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  const expected = [];

  // Report CSP violations as console errors, and keep them for tests to read. Init scripts are
  // run by the browser through the DevTools protocol, so the page's CSP does not apply to them.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });

  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (!expected.some((re) => re.test(text))) problems.push(`console error: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('crash', () => problems.push('page crashed'));

  // Nothing may leave the machine: block and report any request to another host.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    problems.push(`request to another host: ${url.href}`);
    return route.abort('blockedbyclient');
  });

  return { context, page, problems, expectError: (re) => expected.push(re) };
}

/** Waits until the app has rendered its shell (the `data-ready` marker). */
export async function waitForApp(page) {
  await page.waitForSelector('.app[data-ready]');
}

/** Opens a builder tab by its label. */
export async function openTab(page, name) {
  await page.click(`.builder .tab:text-is("${name}")`);
}

/** Loads a built-in scenario and runs it at 600× (the fastest speed). */
export async function loadScenario(page, url, id) {
  await page.goto(url);
  await waitForApp(page);
  await page.selectOption('.scenario-picker select', id);
  await page.waitForFunction((id) => document.querySelector('.scenario-picker select')?.value === id, id);
  await page.selectOption('.time-controls select', '600');
}

/**
 * Waits until the sim clock passes `ms`, pauses, and if the run went past `ms` (a slow frame at 600x can
 * cover minutes of sim time) takes it back to exactly `ms` with the timeline: the run as it stood then, so
 * what a test checks next does not depend on the machine's speed.
 */
export async function runUntil(page, ms) {
  await page.waitForFunction((ms) => window.ecsPlayground.state().simTimeMs >= ms, ms, { timeout: 30_000 });
  if (await page.evaluate(() => window.ecsPlayground.state().playing)) await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  if ((await page.evaluate(() => window.ecsPlayground.state().simTimeMs)) > ms) await seekTo(page, ms);
}

/** Drags the timeline to `ms` (input, then change on release) and waits for the run to get there. */
export async function seekTo(page, ms) {
  await page.locator('.timeline input').evaluate((el, ms) => {
    el.value = String(ms);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, ms);
  await page.waitForFunction((ms) => window.ecsPlayground.state().simTimeMs === ms, ms);
}

/** Runs a benchmark's `main` (which resolves to an exit code) and exits with it; errors exit 1. */
export function runBenchmark(main) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e.stack ?? e);
      process.exit(1);
    },
  );
}

/** Saves a PNG of the page to out/NAME.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** `window.ecsPlayground.state()` of the page's live run. */
export const state = (page) => page.evaluate(() => window.ecsPlayground.state());

/** The text of the first element matching `selector` ('' when there is none). */
export const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent ?? '', selector);

/** Waits for an event log row of kind `kind` whose text matches `re`. */
export const waitForLog = (page, kind, re) =>
  page.waitForFunction(
    ([kind, source]) => [...document.querySelectorAll(`.log-row.kind-${kind}`)].some((r) => new RegExp(source).test(r.textContent)),
    [kind, re.source],
  );

/** Throws with `message` unless `condition` holds. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Median, min, max and each value of a benchmark's runs, rounded to `digits` decimals. */
export function summary(values, digits = 1) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const r = (x) => Math.round(x * 10 ** digits) / 10 ** digits;
  return { median: r(at(50)), min: r(sorted[0]), max: r(sorted[sorted.length - 1]), each: values.map(r) };
}
