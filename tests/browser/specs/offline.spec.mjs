// Offline use: the first visit registers the service worker (www/sw.js), which caches every file of the
// build; a reload with the network off renders the app and runs a scenario, and a share link made offline
// opens offline in a new page; a new build's worker makes the page offer a reload, and the reload moves the
// page to the new build and deletes the old build's cache.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { check, openTab, state, test, waitForApp } from '../harness.mjs';
import { startServer } from '../server.mjs';

/** Waits for the active worker and returns the names of the playground's caches and the cached URLs. */
const cacheState = (page) =>
  page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const names = (await caches.keys()).filter((n) => n.startsWith('ecs-playground-'));
    const urls = names.length === 1 ? (await (await caches.open(names[0])).keys()).map((r) => new URL(r.url).pathname) : [];
    return { names, urls, controlled: Boolean(navigator.serviceWorker.controller) };
  });

/** The `BUILD` line of a served sw.js: its version and file list. */
function buildOf(worker) {
  const line = worker.match(/^const BUILD = \{ version: '([0-9a-f]+)', files: \[(.*)\] \};$/m);
  check(line, `sw.js has no built BUILD line (was scripts/precache-list run?):\n${worker.slice(0, 400)}`);
  return { version: line[1], files: JSON.parse(`[${line[2]}]`) };
}

test('the first visit caches every file of the build; offline, a reload renders the app and a scenario runs', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  const build = buildOf(await (await fetch(new URL('sw.js', url))).text());
  const first = await cacheState(page);
  check(first.names.length === 1 && first.names[0] === `ecs-playground-${build.version}`, `caches: ${first.names}, build ${build.version}`);
  const missing = build.files.filter((f) => !first.urls.includes(new URL(f, url).pathname));
  check(missing.length === 0, `files of the build not cached: ${missing}`);
  check(build.files.some((f) => f.endsWith('.wasm')) && build.files.includes('index.html') && build.files.includes('boot.js') && build.files.includes('data/scenarios.json'), `the list misses the wasm, index.html, boot.js or data/scenarios.json: ${build.files}`);

  await page.context().setOffline(true);
  check(!(await page.evaluate(() => navigator.onLine)), 'the context is not offline');
  await page.reload();
  await waitForApp(page);
  check((await cacheState(page)).controlled, 'the offline page is not controlled by the service worker');
  await page.selectOption('.scenario-picker select', 'binpack-vs-spread');
  await page.waitForFunction(() => document.querySelector('.scenario-picker select')?.value === 'binpack-vs-spread');
  await page.selectOption('.time-controls select', '600');
  await page.waitForSelector('.instance .chip[data-status="RUNNING"]');
  check((await state(page)).simTimeMs > 0, 'the offline run did not advance');
  check((await page.locator('.update-notice').count()) === 0, 'a reload was offered without a new build');
});

test('offline, a share link made in the app opens in a new page at the same sim time and trace hash', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  check((await cacheState(page)).names.length === 1, 'the first visit did not cache the build');
  await page.context().setOffline(true);
  await page.reload();
  await waitForApp(page);
  await page.selectOption('.time-controls select', '60');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs > 30_000);
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  const shared = await state(page);
  await openTab(page, 'Files');
  await page.click('.builder button:has-text("Create share link")');
  const link = await page.inputValue('.share-link');
  check(link.includes('#s='), `no share link: ${link}`);
  const other = await page.context().newPage();
  await other.goto(link);
  await waitForApp(other);
  const opened = await other.evaluate(() => window.ecsPlayground.state());
  check(opened.simTimeMs === shared.simTimeMs && opened.traceHash === shared.traceHash,
    `the shared run ${JSON.stringify(opened)} differs from ${JSON.stringify(shared)}`);
});

test('a new build offers "A new version is ready" and Reload moves the page to it, deleting the old cache', async ({ page, url }) => {
  // A copy of the build served from a folder of its own, so that the test can publish a new worker.
  const worker = await (await fetch(new URL('sw.js', url))).text();
  const build = buildOf(worker);
  const dir = await mkdtemp(join(tmpdir(), 'ecs-playground-build-'));
  const server = await startServer(dir);
  try {
    for (const f of build.files) {
      const response = await fetch(new URL(f, url));
      check(response.ok, `${f}: HTTP ${response.status}`);
      await mkdir(dirname(join(dir, f)), { recursive: true });
      await writeFile(join(dir, f), Buffer.from(await response.arrayBuffer()));
    }
    await writeFile(join(dir, 'sw.js'), worker);

    await page.goto(server.url);
    await waitForApp(page);
    check((await cacheState(page)).names.length === 1, 'the first visit did not cache the build');
    await page.reload();
    await waitForApp(page);
    check((await cacheState(page)).controlled, 'the second visit is not controlled by the service worker');
    check((await page.locator('.update-notice').count()) === 0, 'a reload was offered without a new build');

    // A new build: the same files under a new version.
    const next = build.version === 'fedcba9876543210' ? '0123456789abcdef' : 'fedcba9876543210';
    await writeFile(join(dir, 'sw.js'), worker.replace(`version: '${build.version}'`, `version: '${next}'`));
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await page.waitForSelector('.update-notice button:text-is("Reload")');
    check((await page.textContent('.update-notice')).includes('A new version is ready'), 'the notice does not say a new version is ready');
    // Until Reload, the page keeps the build it loaded: both caches exist, the old one serves.
    const waiting = await page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith('ecs-playground-')).sort());
    check(waiting.length === 2, `before Reload, caches: ${waiting}`);

    await Promise.all([page.waitForNavigation(), page.click('.update-notice button')]);
    await waitForApp(page);
    const after = await cacheState(page);
    check(after.controlled, 'after Reload the page is not controlled');
    check(after.names.length === 1 && after.names[0] === `ecs-playground-${next}`, `after Reload, caches: ${after.names}`);
    check((await page.locator('.update-notice').count()) === 0, 'the notice is still shown after Reload');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
