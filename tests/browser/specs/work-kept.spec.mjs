// The learner's work is never lost: a rejected save is kept (or offered as a download when storage is full),
// a failed autosave is reported at once with an export, and a run replaced by another scenario, a share link
// or an imported file stays in the recent runs, from which it opens again. Also: what each scenario teaches
// is shown where it is picked, the selection clears on a switch, and a bad number names what was typed.
import { readFile } from 'node:fs/promises';
import { check, loadScenario, openTab, runUntil, screenshot, state, test, text, waitForApp, waitForLog } from '../harness.mjs';

const AUTOSAVE = 'ecs-playground.autosave';
const RECENT = 'ecs-playground.recent.v1';

/** Makes every localStorage write fail as a full storage does, while `window.__storageFull` is true. */
const stubStorageFull = () => {
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (window.__storageFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return setItem.call(this, key, value);
  };
};

/** Clicks `selector` and returns the text of the file it downloads. */
async function downloadText(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFile(await download.path(), 'utf8');
}

test('a rejected save that cannot be copied (storage full) stays in place and is offered as a download', async ({ page, url }) => {
  const original = '{"schemaVersion": 99, "note": "from a newer build"}';
  await page.addInitScript(stubStorageFull);
  await page.addInitScript(([key, original]) => {
    localStorage.setItem(key, original);
    window.__storageFull = true;
  }, [AUTOSAVE, original]);
  await page.goto(url);
  await waitForApp(page);
  await page.waitForSelector('.banner:has-text("no copy of it could be kept")');
  const banner = await text(page, '.banner');
  check(/newer version/.test(banner) && /storage is full/.test(banner), `the banner does not say what happened: ${banner}`);
  check(!/was kept in localStorage under/.test(banner), `the banner claims a copy was kept: ${banner}`);
  // The original is where it was, not deleted, and no copy claims to hold it.
  const stored = await page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
  check(stored[AUTOSAVE] === original, `the original save is gone: ${JSON.stringify(stored)}`);
  check((await downloadText(page, '.banner button:has-text("Download the saved run")')) === original, 'the download is not the original save');
});

test('an autosave that fails is reported at once and the run can be exported and imported again', async ({ page, url }) => {
  await page.addInitScript(stubStorageFull);
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 90_000);
  check((await page.$('.banner')) === null, 'a banner before any save failed');
  await page.evaluate(() => { window.__storageFull = true; });
  // A call saves the run at once: the save fails, and the banner says so.
  await openTab(page, 'Run task');
  await page.click('.builder button:has-text("Run (ecs:RunTask)")');
  await page.waitForSelector('.banner:has-text("could not be saved")');
  check(/storage is full/.test(await text(page, '.banner')), 'the banner does not say why');
  const saved = await state(page);
  const file = await downloadText(page, '.banner button:has-text("Download this run")');
  const run = JSON.parse(file);
  check(run.schemaVersion === 1 && run.simTimeMs === saved.simTimeMs && run.calls.length === 1, `the export is not this run: ${file.slice(0, 200)}`);
  // Importing the file opens the run again, as it was.
  await page.evaluate(() => { window.__storageFull = false; });
  await page.selectOption('.scenario-picker select', 'rolling-deployment');
  await page.waitForFunction(() => document.querySelector('.scenario-picker select')?.value === 'rolling-deployment');
  await openTab(page, 'Files');
  await page.setInputFiles('.builder input[type="file"]', { name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await page.waitForFunction((hash) => window.ecsPlayground.state().traceHash === hash, saved.traceHash);
  check((await state(page)).simTimeMs === saved.simTimeMs, 'the imported run is not at its saved time');
});

test('picking another scenario keeps the run in Recent runs, from which it opens again', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 120_000);
  const first = await state(page);
  await page.selectOption('.scenario-picker select', 'binpack-vs-spread');
  await page.waitForSelector('.banner:has-text("kept in Recent runs")');
  const recent = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), RECENT);
  check(recent.length === 1 && recent[0].simTimeMs === first.simTimeMs && recent[0].run.schemaVersion === 1, `the recent runs: ${JSON.stringify(recent).slice(0, 300)}`);
  await page.click('.scenario-picker .scenarios-button');
  await page.waitForSelector('.recent-runs li');
  const row = await text(page, '.recent-runs li');
  check(/Fargate/.test(row) && /T\+02:00/.test(row) && /saved/.test(row), `the recent run's row: ${row}`);
  await screenshot(page, 'recent runs and scenario descriptions');
  await page.click('.recent-runs li button:has-text("Open")');
  await page.waitForFunction((hash) => window.ecsPlayground.state().traceHash === hash, first.traceHash);
  check((await state(page)).simTimeMs === first.simTimeMs, 'the reopened run is not at its saved time');
  check((await page.$eval('.scenario-picker select', (s) => s.value)) === 'fargate-web-service', 'the picker does not show the reopened scenario');
});

test('opening a share link keeps the previous run in Recent runs', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 90_000);
  await openTab(page, 'Files');
  await page.click('.builder button:has-text("Create share link")');
  const link = await page.inputValue('.share-link');
  // Another run of the learner's, saved, then the link opened over it in the same browser.
  await page.selectOption('.scenario-picker select', 'binpack-vs-spread');
  await runUntil(page, 90_000);
  const mine = await state(page);
  // A new page of the same browser (its storage), as a link opened from elsewhere.
  const other = await page.context().newPage();
  await other.goto(link);
  await waitForApp(other);
  await other.waitForSelector('.banner:has-text("previous run is kept in Recent runs")');
  const recent = await other.evaluate((key) => JSON.parse(localStorage.getItem(key)), RECENT);
  check(recent[0].simTimeMs === mine.simTimeMs && /binpack|spread/i.test(recent[0].name), `the previous run is not first in Recent runs: ${JSON.stringify(recent.map((r) => r.name))}`);
});

test('the scenarios dialog shows what each scenario teaches, and hints speak of the page', async ({ page, url }) => {
  await loadScenario(page, url, 'ec2-vs-fargate-cost');
  check(!/ecs-sim|--describe/.test(await text(page, '.footer-hint')), 'a hint tells a browser user to run the CLI');
  const title = await page.$eval('.scenario-picker select option[value="ec2-vs-fargate-cost"]', (o) => o.title);
  check(/Fargate/.test(title), `the option does not say what it teaches: ${title}`);
  await page.click('.scenario-picker .scenarios-button');
  await page.waitForSelector('.scenario-now .scenario-description');
  check(/m5\.large/.test(await text(page, '.scenario-now .scenario-description')), 'the run\'s scenario description is not shown');
  const descriptions = await page.$$eval('.scenario-list .scenario-description', (ps) => ps.map((p) => p.textContent));
  const options = await page.$$eval('.scenario-picker select option', (os) => os.length);
  check(descriptions.length === options && descriptions.every((d) => d.length > 40), `descriptions: ${JSON.stringify(descriptions.map((d) => d.length))}`);
  await page.click('.scenario-list li:has-text("Binpack") button:has-text("Start")');
  await page.waitForFunction(() => document.querySelector('.scenario-picker select')?.value === 'binpack-vs-spread');
  check((await page.$('.scenarios-card')) === null, 'the dialog stays open after a pick');
});

test('after a scenario switch the Why? panel does not explain a task of the old run', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 60_000);
  const task = await page.getAttribute('.chip[data-status="RUNNING"]', 'data-task-id');
  await page.click(`.chip[data-task-id="${task}"]`);
  await page.waitForFunction((id) => document.querySelector('.explain')?.textContent.includes(id.slice(0, 8)), task);
  await page.selectOption('.scenario-picker select', 'binpack-vs-spread');
  await page.waitForFunction(() => document.querySelector('.scenario-picker select')?.value === 'binpack-vs-spread');
  await page.waitForFunction(() => !document.querySelector('.chip.selected'));
  const explain = await text(page, '.explain');
  check(!/no longer in the cluster/.test(explain), `the Why? panel explains the old run's task: ${explain.slice(0, 200)}`);
});

test('a numeric field that is not a number names what was typed', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 30_000);
  await openTab(page, 'Scaling');
  await page.selectOption('.builder [name="scalingService"]', 'service/demo/web');
  await page.fill('.builder [name="minCapacity"]', 'two');
  await page.click('.builder button:has-text("RegisterScalableTarget")');
  await page.waitForFunction(() => /MinCapacity must be a whole number \(got 'two'\)/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  check(!/null/.test(await text(page, '.builder [role="alert"]')), 'the message says null');
});

test('Set traffic with an empty Paths field keeps the load balancer\'s request mix', async ({ page, url }) => {
  await loadScenario(page, url, 'alb-path-routing');
  await runUntil(page, 180_000);
  await openTab(page, 'Load balancing');
  await page.click('.builder button:has-text("Set traffic")');
  await page.waitForSelector('.builder .ok-text:has-text("Traffic set")');
  await waitForLog(page, 'call', /sim:SetLoad/);
  // The call as the run recorded it (the autosave holds every call's input in full).
  const calls = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)).calls, AUTOSAVE);
  const [, , name, input] = calls[calls.length - 1];
  const paths = (input.mix ?? []).map((item) => item.path);
  check(name === 'sim:SetLoad' && paths.includes('/products/42'), `the mix was dropped: ${JSON.stringify(input)}`);
});

test('Recent runs keeps the last five, newest first', async ({ page, url }) => {
  // Five runs already kept (oldest last), as an earlier session left them.
  await page.addInitScript((key) => {
    const run = { schemaVersion: 1, scenario: { builtin: 'daemon-service' }, seed: 1, calls: [], simTimeMs: 60000, nEvents: 0, latestMs: 60000, playing: false };
    const entries = [5, 4, 3, 2, 1].map((n) => ({ savedAtMs: n, name: `Earlier run ${n}`, simTimeMs: 60000, run }));
    localStorage.setItem(key, JSON.stringify(entries));
  }, RECENT);
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 90_000);
  await page.selectOption('.scenario-picker select', 'binpack-vs-spread');
  await page.waitForSelector('.banner:has-text("kept in Recent runs")');
  const names = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)).map((e) => e.name), RECENT);
  check(JSON.stringify(names) === JSON.stringify(['A Fargate web service', 'Earlier run 5', 'Earlier run 4', 'Earlier run 3', 'Earlier run 2']), `the recent runs: ${JSON.stringify(names)}`);
  await page.click('.scenario-picker .scenarios-button');
  check((await page.$$('.recent-runs li')).length === 5, 'the dialog does not list five runs');
});
