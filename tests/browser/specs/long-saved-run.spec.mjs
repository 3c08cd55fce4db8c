// A long saved run never freezes the page: the autosave opened when the page loads and a run opened from the
// recent runs replay in slices, with their progress and Cancel, as a long share link does; Cancel keeps the run
// in the recent runs, and a replay left to finish is the run that was saved (the same trace hash). A crash loop
// played at 600x for hours keeps the page's memory under a stated bound.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HERE, check, openTab, screenshot, state, test, text, waitForApp } from '../harness.mjs';

const AUTOSAVE = 'ecs-playground.autosave';
const RECENT = 'ecs-playground.recent.v1';

/** The crash loop of tests/data/long-run: three tasks replaced every few seconds, all day (many events). */
const crashLoop = async () => JSON.parse(await readFile(join(HERE, '..', 'data', 'long-run', 'crash-loop-day.json'), 'utf8'));

/** A saved run (the autosave's schema) of `scenario` with seed 1 at `ms`, playing as it was saved. */
const savedRun = (scenario, ms) => ({ schemaVersion: 1, scenario, seed: 1, calls: [], simTimeMs: ms, nEvents: 1e12, latestMs: ms, playing: true });

/** Stores `entries` (key, value) in localStorage before the page's first load only (not on a reload). */
const storeBeforeFirstLoad = (page, entries) =>
  page.addInitScript((entries) => {
    if (sessionStorage.getItem('stored-once')) return;
    sessionStorage.setItem('stored-once', '1');
    for (const [key, value] of entries) localStorage.setItem(key, value);
  }, entries);

/**
 * Checks that the page answers while the run works: of twelve animation frames, the median is short and none is
 * frozen. (A replay in one go blocks every frame for seconds; a sliced one gives each frame a dozen milliseconds
 * of work, and a busy machine adds no more than an occasional slow frame.)
 */
async function checkResponsive(page) {
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const gaps = [];
    let last = performance.now();
    const frame = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (gaps.length < 12) requestAnimationFrame(frame);
      else resolve(gaps);
    };
    requestAnimationFrame(frame);
  }));
  const sorted = [...frames].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  check(median < 100, `the median frame took ${median.toFixed(0)} ms: ${frames.map((ms) => ms.toFixed(0)).join(', ')}`);
  check(sorted[sorted.length - 1] < 2000, `a frame took ${sorted[sorted.length - 1].toFixed(0)} ms: ${frames.map((ms) => ms.toFixed(0)).join(', ')}`);
}

const reached = async (page) => Number(await page.getAttribute('.replay-progress', 'data-reached-ms'));

/** The recent runs as stored. */
const storedRecent = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '[]'), RECENT);

test('a long autosave opens in slices when the page loads, the page stays responsive, and Cancel keeps it in Recent runs', async ({ page, url }) => {
  // A week of the crash loop: tens of seconds of replay, time enough to watch it and cancel it.
  const total = 7 * 24 * 3600 * 1000;
  await storeBeforeFirstLoad(page, [[AUTOSAVE, JSON.stringify(savedRun(await crashLoop(), total))]]);
  await page.goto(url);
  await waitForApp(page);
  await page.waitForSelector('.replay-progress:has-text("Opening the saved run")');
  const first = await reached(page);
  await checkResponsive(page);
  await page.waitForFunction((first) => Number(document.querySelector('.replay-progress')?.dataset.reachedMs) > first, first);
  check(Number(await page.getAttribute('.replay-progress', 'data-total-ms')) === total, 'the progress does not say the total sim time');
  check(/Opening the saved run: replayed to T\+.* of T\+168:00:00/.test(await text(page, '.replay-progress')), `the progress reads: ${await text(page, '.replay-progress')}`);
  // The page's controls work meanwhile: a builder tab opens.
  await openTab(page, 'Run task');
  await page.waitForSelector('.builder .tab.active:text-is("Run task")');
  await screenshot(page, 'long-autosave-progress');
  check((await reached(page)) < total, 'the replay was over before it could be cancelled');
  await page.click('.replay-progress button:text-is("Cancel")');
  await page.waitForSelector('.replay-progress', { state: 'detached' });
  await page.waitForSelector('.banner:has-text("Opening the saved run was cancelled")');
  check(/kept in Recent runs/.test(await text(page, '.banner')), `the banner does not say where the saved run went: ${await text(page, '.banner')}`);
  // The saved run is not lost: it is in the recent runs, whole, and the dialog lists it.
  const recent = await storedRecent(page);
  check(recent.length === 1 && recent[0].simTimeMs === total && recent[0].run.simTimeMs === total && recent[0].run.nEvents === 1e12, `the recent runs: ${JSON.stringify(recent).slice(0, 300)}`);
  await page.click('.scenarios-button');
  await page.waitForSelector('.recent-runs li');
  check(/T\+168:00:00/.test(await text(page, '.recent-runs li')), `the recent run's row: ${await text(page, '.recent-runs li')}`);
  await screenshot(page, 'long-autosave-cancelled');
  // The run in place is the first scenario, not a week in.
  check((await state(page)).simTimeMs < 3_600_000, 'the run in place after Cancel is not the first scenario');
});

test('a long autosave replayed in slices ends as the run that was saved, paused', async ({ page, url }) => {
  const scenario = await crashLoop();
  const total = 2 * 3600 * 1000;
  await storeBeforeFirstLoad(page, [[AUTOSAVE, JSON.stringify(savedRun(scenario, total))]]);
  await page.goto(url);
  await waitForApp(page);
  await page.waitForSelector('.replay-progress:has-text("Opening the saved run")');
  await page.waitForSelector('.replay-progress', { state: 'detached', timeout: 120_000 });
  await page.waitForSelector('.banner:has-text("Opened the saved run")');
  const opened = await state(page);
  check(opened.simTimeMs === total && !opened.playing && opened.nEvents > 10_000, `the opened run: ${JSON.stringify(opened)}`);
  const headless = await page.evaluate(([doc, ms]) => window.ecsPlayground.traceHash(doc, 1, ms), [JSON.stringify(scenario), total]);
  check(opened.traceHash === headless, `sliced: ${opened.traceHash}, in one go: ${headless}`);
  // The opened run is the autosave now.
  const saved = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), AUTOSAVE);
  check(saved.simTimeMs === total, `the autosave after opening: ${JSON.stringify(saved).slice(0, 200)}`);
});

test('a long recent run opens in slices; Cancel puts it back in the list, and one left to finish is the run that was kept', async ({ page, url }) => {
  const scenario = await crashLoop();
  // A week (time enough to cancel it) and three hours (to see it through).
  const week = 7 * 24 * 3600 * 1000;
  const total = 3 * 3600 * 1000;
  const entries = [
    { savedAtMs: 1_700_000_000_002, name: 'A week of the crash loop', simTimeMs: week, run: savedRun(scenario, week) },
    { savedAtMs: 1_700_000_000_001, name: 'Three hours of the crash loop', simTimeMs: total, run: savedRun(scenario, total) },
  ];
  await storeBeforeFirstLoad(page, [[RECENT, JSON.stringify(entries)]]);
  await page.goto(url);
  await waitForApp(page);
  const before = await state(page);
  await page.click('.scenarios-button');
  await page.waitForSelector('.recent-runs li');
  await page.click('.recent-runs li:has-text("A week") button:has-text("Open")');
  await page.waitForSelector('.replay-progress:has-text("Opening the recent run")');
  await checkResponsive(page);
  check((await reached(page)) < week, 'the replay was over before it could be cancelled');
  await page.click('.replay-progress button:text-is("Cancel")');
  await page.waitForSelector('.replay-progress', { state: 'detached' });
  await page.waitForSelector('.banner:has-text("Opening the recent run was cancelled")');
  const after = await state(page);
  check(after.seed === before.seed && after.simTimeMs < total, `the run in place after Cancel: ${JSON.stringify(after)}`);
  const recent = await storedRecent(page);
  check(recent.length === 2 && recent.some((r) => r.simTimeMs === week) && recent.some((r) => r.simTimeMs === total), `the recent runs after Cancel: ${JSON.stringify(recent.map((r) => [r.name, r.simTimeMs]))}`);
  // The other one, left to finish: the run that was kept, paused at its time.
  await page.click('.scenarios-button');
  await page.waitForSelector('.recent-runs li');
  await page.click('.recent-runs li:has-text("Three hours") button:has-text("Open")');
  await page.waitForSelector('.replay-progress:has-text("Opening the recent run")');
  await page.waitForSelector('.replay-progress', { state: 'detached', timeout: 120_000 });
  await page.waitForSelector('.banner:has-text("Opened the recent run")');
  const opened = await state(page);
  check(opened.simTimeMs === total && !opened.playing, `the opened run: ${JSON.stringify(opened)}`);
  const headless = await page.evaluate(([doc, ms]) => window.ecsPlayground.traceHash(doc, 1, ms), [JSON.stringify(scenario), total]);
  check(opened.traceHash === headless, `sliced: ${opened.traceHash}, in one go: ${headless}`);
});

/** The bytes of the app's WebAssembly memory now (it never shrinks: the most the run has needed so far). */
const wasmMemoryMib = async (page) => (await page.evaluate(() => window.ecsPlayground.benchPlacement(1, 1))).wasmMemoryBytes / 1_048_576;

/** The most WebAssembly memory the crash loop may need after hours at 600× (it grew past 380 MB in five minutes
 * when stopped tasks were never removed). */
const CRASH_LOOP_MAX_WASM_MIB = 64;

test('a crash loop played at 600x for hours keeps its memory under a bound', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.evaluate((text) => window.ecsPlayground.loadScenario(text), JSON.stringify(await crashLoop()));
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs < 60_000);
  await page.selectOption('.time-controls select', '600');
  if (!(await state(page)).playing) await page.click('.time-controls .play');
  // Three hours of sim time: past the hour after which stopped tasks are forgotten, twice over.
  const target = 3 * 3600 * 1000;
  await page.waitForFunction((target) => window.ecsPlayground.state().simTimeMs >= target, target, { timeout: 240_000 });
  const memoryMib = await wasmMemoryMib(page);
  check(memoryMib < CRASH_LOOP_MAX_WASM_MIB, `the page's wasm memory is ${memoryMib.toFixed(1)} MiB`);
  const played = await state(page);
  check(played.nEvents > 30_000, `the crash loop did not run: ${JSON.stringify(played)}`);
  console.log(`    crash loop at 600x: ${(played.simTimeMs / 3_600_000).toFixed(1)} h of sim time, ${played.nEvents} events, ${memoryMib.toFixed(1)} MiB of wasm memory`);
  await screenshot(page, 'crash-loop-600x');
});
