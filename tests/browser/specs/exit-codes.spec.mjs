// A task whose essential container exits shows the container's exit code in the Why? panel, as DescribeTasks
// reports `containers[].exitCode`.
import { check, screenshot, test, text, waitForApp } from '../harness.mjs';

test('the Why? panel shows a stopped task container exit code', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  const scenario = {
    formatVersion: 1,
    name: 'A batch job that fails',
    seed: 3,
    steps: [
      { at: '0s', call: 'ecs:CreateCluster', input: { clusterName: 'jobs' } },
      { at: '0s', call: 'sim:SetImageBehavior', input: { image: 'example/job:1', behavior: 'exit', exitCode: 3, runFor: '20s' } },
      { at: '0s', call: 'ecs:RegisterTaskDefinition', input: {
        family: 'job', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
        executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        containerDefinitions: [{ name: 'job', image: 'example/job:1', essential: true }] } },
      { at: '1s', call: 'ecs:RunTask', input: {
        cluster: 'jobs', taskDefinition: 'job', launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-default-a'] } } } },
    ],
  };
  await page.evaluate((t) => window.ecsPlayground.loadScenario(t), JSON.stringify(scenario));
  await page.selectOption('.time-controls select', '10');
  if (!(await page.evaluate(() => window.ecsPlayground.state().playing))) await page.click('.time-controls .play');
  // Select the task while it runs; it stays selected when its essential container exits and it stops.
  const chip = page.locator('.chip[data-status="RUNNING"]').first();
  await chip.waitFor();
  await chip.click();
  await page.waitForSelector('.containers-table tr[data-container="job"]');
  check((await text(page, '.containers-table tr[data-container="job"] .exit-code')) === '—', 'no exit code while the container runs');
  const cell = page.locator('.containers-table tr[data-container="job"] .exit-code');
  await cell.waitFor();
  await page.waitForFunction(() => document.querySelector('.containers-table tr[data-container="job"] .exit-code')?.textContent === '3');
  const reason = await text(page, '.details .kv');
  check(reason.includes('EssentialContainerExited'), `the stop code is shown: ${reason}`);
  await screenshot(page, 'why-exit-code');
});
