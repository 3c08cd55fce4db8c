// The Step Functions graph in the Data tab: the Map pipeline scenario's execution drawn as the console draws it
// (a box per state, the Map's states in a nested group), each state coloured by the execution's progress as the
// run goes on, and a state's input and output on click.
import { check, loadScenario, openTab, runUntil, screenshot, test } from '../harness.mjs';

const progress = (page, name) => page.getAttribute(`.sfn-state[data-state="${name}"]`, 'data-progress');

test('a Map pipeline execution turns its states succeeded in the graph, and a state shows its input and output', async ({ page, url }) => {
  await loadScenario(page, url, 'step-functions-map-retry');
  await runUntil(page, 60_000);
  await openTab(page, 'Data');
  await page.waitForSelector('.data-execution[data-execution="daily-1"][data-status="RUNNING"]');
  check((await progress(page, 'Report each region')) === 'in progress', 'the Map state is not shown in progress');
  check((await page.locator('.sfn-group .sfn-state[data-state="Run report task"]').count()) === 1, 'the Map has no nested group with its Task state');
  check((await progress(page, 'Done')) === 'not entered', 'Done is not shown as not run');
  await screenshot(page, 'step-functions-map-running');

  await page.click('.time-controls .play');
  await runUntil(page, 480_000);
  await page.waitForSelector('.data-execution[data-execution="daily-1"][data-status="SUCCEEDED"]');
  for (const name of ['Report each region', 'Run report task', 'Done']) {
    check((await progress(page, name)) === 'succeeded', `${name} is not shown succeeded`);
  }
  await page.click('.sfn-state[data-state="Report each region"]');
  const io = page.locator('.sfn-io[aria-label="Input and output of Report each region"]');
  await io.waitFor();
  const shown = await io.textContent();
  check(shown.includes('"regions"') && shown.includes('sales/west.csv'), `the Map's input is not shown: ${shown}`);
  check(shown.includes('"reports"'), `the Map's output (its ResultPath) is not shown: ${shown}`);
  await page.click('.data-execution[data-execution="daily-1"] .sfn-history summary');
  const history = await page.textContent('.data-execution[data-execution="daily-1"] .sfn-history');
  check(history.includes('MapIterationStarted') && history.includes('TaskFailed'), `the history lacks the Map events: ${history}`);
  await screenshot(page, 'step-functions-map-succeeded');
});
