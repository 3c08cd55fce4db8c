// The Logs tab: a log group written by the awslogs driver, a stream's tail that follows sim time, a filter
// pattern, and a Logs Insights query with its results table; a task without its log group stops with AWS's text.
import { check, openTab, screenshot, test, text, waitForApp } from '../harness.mjs';

const awslogs = (group) => ({ logDriver: 'awslogs', options: { 'awslogs-group': group, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' } });

const scenario = {
  formatVersion: 1,
  name: 'An API that runs out of memory',
  seed: 5,
  steps: [
    { at: '0s', call: 'ecs:CreateCluster', input: { clusterName: 'shop' } },
    { at: '0s', call: 'logs:CreateLogGroup', input: { logGroupName: '/ecs/api' } },
    { at: '0s', call: 'sim:SetImageBehavior', input: { image: 'example/api:1', behavior: 'exit', exitCode: 137, runFor: '45s', logMessage: 'loading the whole catalogue into memory' } },
    { at: '0s', call: 'ecs:RegisterTaskDefinition', input: {
      family: 'api', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      containerDefinitions: [{ name: 'api', image: 'example/api:1', essential: true, portMappings: [{ containerPort: 8080 }], logConfiguration: awslogs('/ecs/api') }] } },
    { at: '0s', call: 'ecs:RegisterTaskDefinition', input: {
      family: 'worker', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      containerDefinitions: [{ name: 'worker', image: 'example/worker:1', essential: true, logConfiguration: awslogs('/ecs/worker') }] } },
    { at: '1s', call: 'ecs:CreateService', input: {
      cluster: 'shop', serviceName: 'api', taskDefinition: 'api', desiredCount: 2, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-default-a'] } } } },
    { at: '1s', call: 'ecs:RunTask', input: {
      cluster: 'shop', taskDefinition: 'worker', launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-default-a'] } } } },
  ],
};

test('the Logs tab tails a stream, filters it and runs a Logs Insights query', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.evaluate((t) => window.ecsPlayground.loadScenario(t), JSON.stringify(scenario));
  await page.selectOption('.time-controls select', '60');
  if (!(await page.evaluate(() => window.ecsPlayground.state().playing))) await page.click('.time-controls .play');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs >= 150_000, null, { timeout: 30_000 });
  await openTab(page, 'Logs');
  await page.waitForSelector('.log-group[data-log-group="/ecs/api"]');
  check(!(await page.locator('.log-group[data-log-group="/ecs/worker"]').count()), 'the worker group was never created');
  await page.click('.log-group[data-log-group="/ecs/api"]');
  const stream = page.locator('.log-stream').first();
  const streamName = await stream.getAttribute('data-log-stream');
  check(/^ecs\/api\/[0-9a-f]{32}$/.test(streamName), `the stream is prefix/container/task-id: ${streamName}`);
  await stream.click();
  // The tail follows sim time: the run is still playing, so a crash loop keeps writing.
  const before = await page.locator('.log-tail .log-event').count();
  check(before >= 3, `the tail shows the start-up lines: ${before}`);
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs >= 400_000, null, { timeout: 30_000 });
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  await page.locator('.log-tail').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'logs-tail');
  const tail = await text(page, '.log-tail');
  check(tail.includes('Starting api from image example/api:1'), `start-up line: ${tail}`);
  check(tail.includes('FATAL out of memory'), `the last lines before the OOM kill: ${tail}`);
  check(tail.includes('loading the whole catalogue into memory'), 'the scenario\'s own message is in the log');

  await page.fill('input[name="filter-pattern"]', '?FATAL ?WARN');
  await page.click('button:text-is("Filter")');
  await page.waitForSelector('.filter-results .log-event');
  const status = await text(page, '.logs-tab .ok-text');
  check(/^\d+ events match/.test(status), status);
  const matches = await text(page, '.filter-results');
  check(matches.includes('FATAL') && matches.includes('WARN') && !matches.includes('Starting'), matches);

  await page.fill('textarea[name="insights-query"]', 'filter @message like /FATAL/ | stats count(*) as crashes by @logStream | sort crashes desc');
  await page.click('button:text-is("Run query")');
  await page.waitForSelector('.insights-results tbody tr');
  const headers = await page.locator('.insights-results th').allTextContents();
  check(JSON.stringify(headers) === JSON.stringify(['@logStream', 'crashes']), `columns: ${headers}`);
  const first = await page.locator('.insights-results tbody tr').first().locator('td').allTextContents();
  check(first[0].startsWith('ecs/api/') && Number(first[1]) >= 1, `a crash count per stream: ${first}`);
  await page.locator('.insights-results').scrollIntoViewIfNeeded();
  await screenshot(page, 'logs-insights');

  // The Why? panel names the selected task's log stream, the one the Logs tab shows.
  const taskId = streamName.split('/')[2];
  const own = page.locator(`.chip[data-task-id="${taskId}"]`);
  const chip = (await own.count()) ? own : page.locator('.chip[data-status="RUNNING"]').first();
  const chipId = await chip.getAttribute('data-task-id');
  await chip.click();
  await page.waitForSelector('.task-log-streams');
  const streamLine = await text(page, '.task-log-streams');
  check(streamLine.includes(`/ecs/api › ecs/api/${chipId}`), `the task's stream: ${streamLine}`);
  await screenshot(page, 'logs-why-stream');

  // The worker's group was never created: its task stopped with the driver's text.
  const log = await page.evaluate(() => window.ecsPlayground.state());
  check(log.simTimeMs >= 400_000, 'the run went on');
  const reasons = await page.evaluate(() => document.querySelector('.event-log')?.textContent ?? document.body.textContent);
  check(reasons.includes('The specified log group does not exist.'), 'the missing group is named in the event log');
});
