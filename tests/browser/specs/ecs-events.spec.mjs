// The EventBridge tab: a rule on stopped tasks made with the form (its /aws/events/ log group created with it)
// matches each task that stops, with the task's detail (stop code, container exit code) in the expanded JSON and
// the log group target's invocations counted; the Logs tab shows the ECS agent log of each EC2 instance.
import { check, openTab, runUntil, screenshot, test, text, waitForApp } from '../harness.mjs';

const crashLoop = {
  formatVersion: 1,
  name: 'A worker that runs out of memory',
  seed: 5,
  steps: [
    { at: '0s', call: 'ecs:CreateCluster', input: { clusterName: 'shop' } },
    { at: '0s', call: 'sim:SetImageBehavior', input: { image: 'example/worker:1', behavior: 'exit', exitCode: 137, runFor: '45s' } },
    { at: '0s', call: 'ecs:RegisterTaskDefinition', input: {
      family: 'worker', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'worker', image: 'example/worker:1', essential: true }] } },
    { at: '30s', call: 'ecs:CreateService', input: {
      cluster: 'shop', serviceName: 'worker', taskDefinition: 'worker', desiredCount: 1, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-default-a'] } } } },
  ],
};

test('a rule on stopped tasks shows each matched event with its detail and delivers it to its log group', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.evaluate((t) => window.ecsPlayground.loadScenario(t), JSON.stringify(crashLoop));
  await openTab(page, 'EventBridge');
  await page.waitForSelector('.events-tab');
  check((await text(page, '.events-tab')).includes('No rule yet'), 'no rule before the form is used');
  // The form's defaults are the stopped-task rule to /aws/events/ecs-stopped-tasks.
  check((await page.inputValue('select[name="detail-type"]')) === 'ECS Task State Change', 'detail type');
  check((await page.inputValue('select[name="last-status"]')) === 'STOPPED', 'lastStatus');
  await page.fill('input[name="target-log-group"]', '/ecs/not-for-the-console');
  await page.click('button:text-is("Create rule (events:PutRule, PutTargets)")');
  check((await text(page, '.events-tab .error-text')).includes('/aws/events/'), 'the console wants an /aws/events/ group');
  await page.fill('input[name="target-log-group"]', '/aws/events/ecs-stopped-tasks');
  await page.click('button:text-is("Create rule (events:PutRule, PutTargets)")');
  await page.waitForSelector('.events-tab .ok-text');
  const rule = page.locator('.event-rule[data-rule="ecs-stopped-tasks"]');
  check((await rule.locator('.event-pattern').textContent()).includes('"STOPPED"'), 'the pattern names STOPPED');

  await page.selectOption('.time-controls select', '60');
  if (!(await page.evaluate(() => window.ecsPlayground.state().playing))) await page.click('.time-controls .play');
  await runUntil(page, 200_000);
  await rule.locator('.matched-event').first().waitFor();
  const n = await rule.locator('.matched-event').count();
  check(n >= 2, `each crash is a matched event: ${n}`);
  const summary = await rule.locator('.matched-event summary').first().textContent();
  check(summary.includes('ECS Task State Change') && summary.includes('STOPPED') && summary.includes('EssentialContainerExited'), summary);
  await rule.locator('.matched-event summary').first().click();
  const json = JSON.parse(await rule.locator('.matched-event .event-json').first().textContent());
  check(json.source === 'aws.ecs' && json['detail-type'] === 'ECS Task State Change', JSON.stringify(json).slice(0, 200));
  check(json.detail.lastStatus === 'STOPPED' && json.detail.stoppedReason === 'Essential container in task exited', 'stopped reason');
  check(json.detail.containers[0].exitCode === 137, `exit code: ${json.detail.containers[0].exitCode}`);
  check(json.resources[0] === json.detail.taskArn, 'resources name the task');
  const target = await rule.locator('.event-target').first().textContent();
  check(target.includes('CloudWatch log group') && target.includes(`${n} invocations, 0 failed`), target);
  await rule.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'ecs-events-rule');

  // The log group target holds the events as JSON.
  await openTab(page, 'Logs');
  await page.click('.log-group[data-log-group="/aws/events/ecs-stopped-tasks"]');
  await page.locator('.log-stream').first().click();
  check((await text(page, '.log-tail')).includes('"detail-type":"ECS Task State Change"'), 'the event is in the log group');
});

test('the Logs tab shows the ECS agent log of an EC2 container instance', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.selectOption('.scenario-picker select', 'instance-terminated');
  await page.selectOption('.time-controls select', '600');
  if (!(await page.evaluate(() => window.ecsPlayground.state().playing))) await page.click('.time-controls .play');
  await runUntil(page, 180_000);
  await openTab(page, 'Logs');
  const log = page.locator('.agent-log').first();
  await log.waitFor();
  const title = await log.locator('summary').textContent();
  check(/^ECS agent log \(instance i-[0-9a-f]+\)$/.test(title), title);
  await log.locator('summary').click();
  const lines = await log.locator('.log-event').allTextContents();
  check(lines[0].startsWith('level=info time=') && lines[0].includes('msg="Loading configuration"'), lines[0]);
  check(lines.some((l) => l.includes('Registration completed successfully')), 'registration line');
  await log.scrollIntoViewIfNeeded();
  await screenshot(page, 'ecs-agent-log');
});
