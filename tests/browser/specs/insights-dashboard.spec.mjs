// The Insights tab: Container Insights' automatic dashboard. A cluster with the setting disabled says so and
// offers UpdateClusterSettings; once enabled, the cluster view charts CPU, memory and task counts, and selecting
// a service drills to its tasks, a task to its containers, with a breadcrumb back. Every number asserted here is
// what the scenario's workload gives: 3 Fargate tasks of 512 CPU units and 1,024 MiB at 40 % CPU and 60 % memory,
// each of two containers (app 384 CPU units and 768 MiB, proxy 128 and 256).
import { check, loadScenario, openTab, runUntil, screenshot, test, text, waitForApp } from '../harness.mjs';

const scenario = {
  formatVersion: 1,
  name: 'A shop to watch with Container Insights',
  seed: 11,
  workloads: { shop: { cpuBaselinePercent: 40, memoryBaselinePercent: 60 } },
  steps: [
    { at: '0s', call: 'ecs:CreateCluster', input: { clusterName: 'shop' } },
    { at: '0s', call: 'ecs:RegisterTaskDefinition', input: {
      family: 'shop', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '1024',
      containerDefinitions: [
        { name: 'app', image: 'example/shop:1', cpu: 384, memory: 768, essential: true, portMappings: [{ containerPort: 8080 }] },
        { name: 'proxy', image: 'example/proxy:1', cpu: 128, memory: 256, essential: false }] } },
    { at: '1s', call: 'ecs:CreateService', input: {
      cluster: 'shop', serviceName: 'storefront', taskDefinition: 'shop', desiredCount: 3, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-default-a'] } } } },
  ],
};

const number = (page, label) => text(page, `.insights-latest [data-insights-number="${label}"] dd`);
const chart = (page, title) => page.locator(`.insights-chart[data-insights-chart="${title}"]`);

async function play(page, ms) {
  if (!(await page.evaluate(() => window.ecsPlayground.state().playing))) await page.click('.time-controls .play');
  await runUntil(page, ms);
}

test('the Container Insights dashboard drills from the cluster to a service, a task and a container', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.evaluate((t) => window.ecsPlayground.loadScenario(t), JSON.stringify(scenario));
  await page.selectOption('.time-controls select', '60');
  await play(page, 30_000);
  await openTab(page, 'Insights');

  // Disabled: the panel says so and offers the call that enables it.
  await page.waitForSelector('.insights-disabled');
  const disabled = await text(page, '.insights-disabled');
  check(disabled.includes('Container Insights is disabled on cluster shop'), disabled);
  check(disabled.includes('ecs:UpdateClusterSettings {"cluster":"shop","settings":[{"name":"containerInsights","value":"enabled"}]}'), disabled);
  await page.click('.insights-disabled button:text-is("Enable Container Insights")');
  await page.waitForSelector('.insights-breadcrumb');

  await play(page, 10 * 60_000);
  // The cluster view: 3 tasks of 512 CPU units at 40 %, of 1,024 MiB at 60 %.
  await page.waitForSelector('.insights-breadcrumb strong:text-is("Cluster shop")');
  check((await number(page, 'CPU utilized')) === '614.4 of 1536 CPU units (40.0 %)', `cluster CPU: ${await number(page, 'CPU utilized')}`);
  check((await number(page, 'Memory utilized')) === '1843.2 of 3072 MiB (60.0 %)', `cluster memory: ${await number(page, 'Memory utilized')}`);
  check((await number(page, 'TaskCount')) === '3' && (await number(page, 'ServiceCount')) === '1', 'TaskCount 3, ServiceCount 1');
  for (const title of ['Cluster shop CPU: utilized and reserved', 'Cluster shop memory: utilized and reserved', 'Cluster shop task counts']) {
    const points = Number(await chart(page, title).getAttribute('data-points'));
    check(points >= 7, `${title}: a datapoint a minute since the tasks run (${points})`);
  }
  check((await chart(page, 'Cluster shop task counts').getAttribute('data-max')) === '3.0', 'TaskCount reaches 3');
  check((await text(page, '.insights-network')).includes('does not model network traffic'), 'the panel says why there is no network chart');
  await screenshot(page, 'insights-cluster');

  // A service: its task counts and its tasks, by CPU.
  await page.click('.insights-rows [data-insights-row="storefront"] button');
  await page.waitForSelector('.insights-breadcrumb strong:text-is("Service storefront")');
  check((await number(page, 'DesiredTaskCount')) === '3' && (await number(page, 'RunningTaskCount')) === '3' && (await number(page, 'PendingTaskCount')) === '0', 'desired 3, running 3, pending 0');
  check((await chart(page, 'Service storefront task counts').count()) === 1, 'a task count chart');
  const taskRows = page.locator('.insights-rows tbody tr');
  check((await taskRows.count()) === 3, `three tasks: ${await taskRows.count()}`);
  const taskId = await taskRows.first().getAttribute('data-insights-row');
  check(/^[0-9a-f]{32}$/.test(taskId), `a task id: ${taskId}`);
  check((await taskRows.first().locator('td').nth(1).textContent()) === '204.8 of 512', 'a task uses 40 % of its 512 CPU units');
  await screenshot(page, 'insights-service');

  // A task: its CPU and memory from the performance log, and its containers.
  await taskRows.first().locator('button').click();
  await page.waitForSelector(`.insights-breadcrumb strong:text-is("Task ${taskId.slice(0, 8)}")`);
  check((await number(page, 'Memory utilized')) === '614 of 1024 MiB (60.0 %)', `task memory: ${await number(page, 'Memory utilized')}`);
  check((await number(page, 'Known status')) === 'RUNNING', 'RUNNING');
  const points = Number(await chart(page, `Task ${taskId.slice(0, 8)} memory: utilized and reserved`).getAttribute('data-points'));
  check(points >= 7, `a datapoint a minute for the task: ${points}`);
  const containers = await page.locator('.insights-rows tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-insights-row')));
  check(JSON.stringify(containers) === JSON.stringify(['app', 'proxy']), `containers by CPU: ${containers}`);
  await screenshot(page, 'insights-task');

  // A container: its share of the task.
  await page.click('.insights-rows [data-insights-row="app"] button');
  await page.waitForSelector('.insights-breadcrumb strong:text-is("Container app")');
  check((await number(page, 'CPU utilized')) === '153.6 of 384 CPU units (40.0 %)', `container CPU: ${await number(page, 'CPU utilized')}`);
  check((await number(page, 'Memory utilized')) === '460 of 768 MiB (59.9 %)', `container memory: ${await number(page, 'Memory utilized')}`);
  check((await chart(page, 'Container app CPU: utilized and reserved').count()) === 1, 'the container CPU chart');
  await page.locator('.insights-charts').scrollIntoViewIfNeeded();
  await screenshot(page, 'insights-container');

  // The breadcrumb leads back.
  await page.click('.insights-breadcrumb button:text-is("Service storefront")');
  await page.waitForSelector('.insights-breadcrumb strong:text-is("Service storefront")');
  await page.click('.insights-breadcrumb button:text-is("Cluster shop")');
  await page.waitForSelector('.insights-breadcrumb strong:text-is("Cluster shop")');
});

test('the out-of-memory crash loop shows each task memory climbing to its limit on the Container Insights chart', async ({ page, url }) => {
  await loadScenario(page, url, 'oom-crash-loop');
  await page.selectOption('.time-controls select', '60');
  // Just before the first tasks' kill (about 3 m 10 s): their third minute of performance events is written.
  await play(page, 3 * 60_000 + 5_000);
  await openTab(page, 'Insights');
  await page.waitForSelector('.insights-breadcrumb strong:text-is("Cluster shop")');
  await page.click('.insights-rows [data-insights-row="catalog"] button');
  await page.waitForSelector('.insights-breadcrumb strong:text-is("Service catalog")');
  const taskRows = page.locator('.insights-rows tbody tr');
  check((await taskRows.count()) === 2, `two tasks: ${await taskRows.count()}`);
  const taskId = await taskRows.first().getAttribute('data-insights-row');
  await taskRows.first().locator('button').click();
  await page.waitForSelector(`.insights-breadcrumb strong:text-is("Task ${taskId.slice(0, 8)}")`);
  const memory = chart(page, `Task ${taskId.slice(0, 8)} memory: utilized and reserved`);
  await page.locator('.insights-charts').scrollIntoViewIfNeeded();
  await screenshot(page, 'insights-oom-climb');
  const points = Number(await memory.getAttribute('data-points'));
  check(points >= 3, `a datapoint a minute since the task started: ${points}`);
  const latest = await number(page, 'Memory utilized');
  const used = Number(latest.split(' ')[0]);
  check(used > 400 && latest.includes('of 512 MiB'), `the task's memory is close to its 512 MiB limit: ${latest}`);
});
