// Container Insights: the Cluster tab's check box shows the cluster's containerInsights setting; ticking it
// makes ecs:UpdateClusterSettings (in the event log with its settings), the answer's setting is shown, and the
// box stays ticked from the view, also after time moves on; unticking turns it off again.
import { check, loadScenario, openTab, runUntil, screenshot, test, text, waitForLog } from '../harness.mjs';

test('container insights: ticking the Cluster tab control calls UpdateClusterSettings and the setting sticks', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 2 * 60_000);
  await openTab(page, 'Cluster');
  const box = '.builder input[name="containerInsights"]';
  await page.waitForSelector(box);
  check((await text(page, `.builder label:has(input[name="containerInsights"])`)).includes('Container Insights'), 'the control is labelled');
  check(!(await page.isChecked(box)), 'a cluster starts with Container Insights disabled');
  await page.check(box);
  await page.waitForSelector('.builder .ok-text:has-text("Container Insights is enabled for cluster demo.")');
  await waitForLog(page, 'call', /ecs:UpdateClusterSettings.*"cluster":"demo".*"name":"containerInsights","value":"enabled"/);
  check(await page.isChecked(box), 'the box shows the setting from the view');
  // Time moves on: the box still reads the cluster's setting.
  await page.click('.time-controls .play');
  await runUntil(page, 4 * 60_000);
  check(await page.isChecked(box), 'still enabled after two more minutes');
  await screenshot(page, 'container-insights-enabled');
  await page.uncheck(box);
  await page.waitForSelector('.builder .ok-text:has-text("Container Insights is disabled for cluster demo.")');
  await waitForLog(page, 'call', /ecs:UpdateClusterSettings.*"value":"disabled"/);
  check(!(await page.isChecked(box)), 'unticked from the view');
});
