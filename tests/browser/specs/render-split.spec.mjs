// What re-renders: each component reads only its part of the published state, so the clock ticking does not
// re-render the builder's forms, an event log row does not re-render the map, and selecting a task re-renders
// the chips whose selection flipped, not every chip. Counted with window.ecsPlayground.renderCounts(). Also:
// the log filter offers every kind of the core's LogKind enum.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HERE, check, openTab, state, test, text, waitForApp, waitForLog } from '../harness.mjs';

const renders = (page) => page.evaluate(() => window.ecsPlayground.renderCounts());
const count = (counts, name) => counts[name] ?? 0;

/** The first scenario playing at 60x, past its first steps (cluster, task definition, service). */
async function playingPastSetup(page, url) {
  await page.goto(url);
  await waitForApp(page);
  await page.selectOption('.time-controls select', '60');
  await page.waitForFunction(() => window.ecsPlayground.state().playing && window.ecsPlayground.state().simTimeMs > 10_000);
}

/** Pauses the run and waits until it is paused. */
async function pause(page) {
  if ((await state(page)).playing) await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
}

test('while the run plays, the builder and its forms do not re-render; the map and the clock do', async ({ page, url }) => {
  await playingPastSetup(page, url);
  const forms = { Cluster: 'ClusterForm', 'Task definitions': 'TaskDefinitionForm', Services: 'ServiceForm', 'Run task': 'RunTaskForm', Files: 'FilesForm', API: 'ApiConsole' };
  for (const [tab, form] of Object.entries(forms)) {
    await openTab(page, tab);
    await page.waitForFunction((form) => (window.ecsPlayground.renderCounts()[form] ?? 0) > 0, form);
    const before = await renders(page);
    const from = (await state(page)).simTimeMs;
    // 30 s of sim time, and the map re-rendered for a new view at least twice meanwhile.
    await page.waitForFunction(
      ([from, maps]) => window.ecsPlayground.state().simTimeMs >= from + 30_000 && (window.ecsPlayground.renderCounts().ClusterMap ?? 0) >= maps + 2,
      [from, count(before, 'ClusterMap')],
    );
    const after = await renders(page);
    check((await state(page)).playing, `the run stopped playing on the ${tab} tab`);
    check(count(after, 'SimClockText') > count(before, 'SimClockText') && count(after, 'Timeline') > count(before, 'Timeline'), `the clock did not move on the ${tab} tab`);
    for (const name of [form, 'Builder', 'Page', 'ScenarioPicker', 'Explanation']) {
      check(count(after, name) === count(before, name), `${name} re-rendered ${count(after, name) - count(before, name)} times while the run played (${tab} tab)`);
    }
  }
});

test('an event log row from a call that only reads re-renders the log and the footer, not the map or the builder', async ({ page, url }) => {
  await playingPastSetup(page, url);
  await pause(page);
  await openTab(page, 'API');
  await page.waitForSelector('.api-console textarea');
  const before = await renders(page);
  const rowsBefore = await page.locator('.log-row.kind-call').count();
  // The console's default call, ecs:DescribeServices, only reads.
  await page.click('.api-console button:has-text("Send")');
  await page.waitForSelector('.api-answer');
  await waitForLog(page, 'call', /ecs:DescribeServices/);
  const after = await renders(page);
  check((await page.locator('.log-row.kind-call').count()) === rowsBefore + 1, 'the call made no event log row');
  check(count(after, 'LogRows') > count(before, 'LogRows'), 'the log rows did not re-render for the new row');
  for (const name of ['ClusterMap', 'Zone', 'TaskChip', 'ServiceStrip', 'LoadBalancerStrip', 'StorageStrip', 'Builder', 'Page', 'Explanation', 'Charts', 'CostPanel']) {
    check(count(after, name) === count(before, name), `${name} re-rendered ${count(after, name) - count(before, name)} times for a log row`);
  }
  // The footer shows the trace hash with the call in it.
  const hash = (await state(page)).traceHash;
  check((await text(page, '.trace-hash')) === hash, `the footer shows ${await text(page, '.trace-hash')}, the run's trace hash is ${hash}`);
});

test('selecting a task re-renders the chips whose selection flipped, not every chip', async ({ page, url }) => {
  await playingPastSetup(page, url);
  // Past the UpdateService of 3 minutes: six tasks.
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs > 240_000 && document.querySelectorAll('.chip[data-status="RUNNING"]').length >= 6, null, { timeout: 30_000 });
  await pause(page);
  const ids = await page.$$eval('.chip[data-status="RUNNING"]', (chips) => chips.map((c) => c.dataset.taskId));
  for (const [i, id] of ids.slice(0, 3).entries()) {
    const before = await renders(page);
    await page.click(`.chip[data-task-id="${id}"]`);
    await page.waitForSelector(`.explain .details[data-selected-task="${id}"]`);
    await page.waitForSelector(`.chip.selected[data-task-id="${id}"]`);
    const after = await renders(page);
    const flipped = i === 0 ? 1 : 2;
    check(count(after, 'TaskChip') - count(before, 'TaskChip') === flipped,
      `selecting task ${i + 1} re-rendered ${count(after, 'TaskChip') - count(before, 'TaskChip')} of ${ids.length} chips, not the ${flipped} whose selection flipped`);
    check(count(after, 'ClusterMap') === count(before, 'ClusterMap'), 'selecting a task re-rendered the whole map');
  }
});

test('the event log filter offers every kind of the core\'s LogKind, and filters by it', async ({ page, url }) => {
  // The kinds as the core names them: LogKind's variants and their as_str() names.
  const source = await readFile(join(HERE, '..', '..', 'crate', 'src', 'sim', 'record.rs'), 'utf8');
  const body = source.match(/pub enum LogKind \{([\s\S]*?)\n\}/)[1];
  const variants = [...body.matchAll(/^\s*([A-Z]\w*),/gm)].map((m) => m[1]);
  // as_str() names are lower case; label() texts are not.
  const names = new Map([...source.matchAll(/LogKind::(\w+) => "([a-z]+)",/g)].map((m) => [m[1], m[2]]));
  check(variants.length >= 10 && variants.every((v) => names.has(v)), `could not read LogKind from the core: ${variants} / ${[...names]}`);
  const expected = variants.map((v) => names.get(v));

  await playingPastSetup(page, url);
  const offered = await page.$$eval('.log-head select option', (options) => options.map((o) => o.value).filter((v) => v !== ''));
  check(JSON.stringify([...offered].sort()) === JSON.stringify([...expected].sort()), `the filter offers ${offered}, the core has ${expected}`);

  await pause(page);
  await page.selectOption('.log-head select', 'task');
  await page.waitForFunction(() => document.querySelectorAll('.log-row').length > 0 && [...document.querySelectorAll('.log-row')].every((r) => r.classList.contains('kind-task')));
  await page.selectOption('.log-head select', '');
  await page.waitForFunction(() => new Set([...document.querySelectorAll('.log-row')].map((r) => r.className)).size > 1);
});
