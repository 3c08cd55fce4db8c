// Cost and Fargate Spot: ec2-vs-fargate-cost shows both capacity types with their cost per hour and the
// price list; fargate-spot-interruption shows SPOT chips, the two-minute warning on chip and details,
// then the service back to its count; managed-scaling-growth's waiting tasks later run; a service
// created from the form on a FARGATE_SPOT strategy sends capacityProviderStrategy and runs on Spot; Update
// service sends a new strategy only when asked to, and that starts a deployment.
import { check, loadScenario, openTab, runUntil, screenshot, test, text, waitForLog } from '../harness.mjs';

/** Plays at `speed` (the time-controls value) until `selector` is on the page, then pauses. */
async function playUntilSelector(page, speed, selector) {
  await page.selectOption('.time-controls select', speed);
  await page.click('.time-controls .play');
  await page.waitForSelector(selector, { timeout: 60_000 });
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
}

test('cost: ec2-vs-fargate-cost compares EC2 and FARGATE per hour, with the price list', async ({ page, url }) => {
  await loadScenario(page, url, 'ec2-vs-fargate-cost');
  await runUntil(page, 20 * 60_000);
  const perHour = (name) => page.getAttribute(`.cost-panel tr[data-cost-line="capacity-type"][data-name="${name}"]`, 'data-per-hour-micro-usd');
  // Eight tasks each: 2 m5.large × $0.096 = $0.192 an hour; 8 × (0.5 × $0.04048 + 1 × $0.004445) = $0.19748.
  check((await perHour('EC2')) === '192000', `EC2 per hour: ${await perHour('EC2')}`);
  check((await perHour('FARGATE')) === '197480', `FARGATE per hour: ${await perHour('FARGATE')}`);
  const rows = await text(page, '.cost-panel .cost-table');
  check(rows.includes('$0.192') && rows.includes('$0.19748'), `the table shows dollars: ${rows}`);
  check((await text(page, '.cost-panel .cost-totals')).includes('$0.38948 per hour'), 'the total per hour is 0.192 + 0.19748');
  const rates = await text(page, '.cost-panel .cost-rates');
  check(rates.includes('us-east-1 On-Demand rates as of 2026-06-01'), `price list: ${rates}`);
  check(rates.includes('$0.04048 per vCPU-hour') && rates.includes('$0.004445 per GB-hour') && rates.includes('one-minute minimum'), `rates: ${rates}`);
  check(rates.includes('m5.large $0.096 an hour'), 'the running instance type is priced');
  check((await text(page, '.cost-panel tr[data-cost-line="service"]')).includes('shop (on-fargate)'), 'the Fargate service has its own line');
  // The chart names both capacity types and has drawn lines.
  check((await page.getAttribute('.cost-chart', 'aria-label')).includes('EC2 (blue), FARGATE (green)'), 'the chart names its lines');
  await page.waitForFunction(() => {
    const c = document.querySelector('.cost-chart');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let green = 0;
    let blue = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 60 && data[i + 1] > 100 && data[i + 2] < 90) green++;
      if (data[i] < 60 && data[i + 1] < 100 && data[i + 2] > 120) blue++;
    }
    return green > 100 && blue > 100;
  });
  // After the scale-in at 30 m Fargate's rate halves; EC2 still pays for both instances.
  await page.selectOption('.time-controls select', '600');
  await page.click('.time-controls .play');
  await page.waitForFunction(() => document.querySelector('.cost-panel tr[data-name="FARGATE"]')?.dataset.perHourMicroUsd === '98740', null, { timeout: 30_000 });
  await runUntil(page, 32 * 60_000);
  check((await perHour('EC2')) === '192000', 'EC2 still runs both instances');
  await page.evaluate(() => document.querySelector('.cost-panel').scrollIntoView());
  await screenshot(page, 'cost-ec2-vs-fargate');
});

test('spot: fargate-spot-interruption shows SPOT chips, the two-minute warning, then the service back to 10', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-spot-interruption');
  await runUntil(page, 4 * 60_000);
  // Base 2 on FARGATE, then 1:3 over 8: six tasks on FARGATE_SPOT, each chip marked SPOT in text.
  check((await page.locator('.chip[data-capacity-provider="FARGATE_SPOT"] .chip-spot').count()) === 6, 'six SPOT chips');
  check((await page.locator('.chip[data-capacity-provider="FARGATE"] .chip-spot').count()) === 0, 'FARGATE chips carry no SPOT mark');
  check((await page.locator('.cost-panel tr[data-name="FARGATE_SPOT"]').count()) === 1, 'the cost panel has a FARGATE_SPOT line');
  // The interruption at 5 m: play at 60x until the warning shows (it lasts two sim minutes).
  await playUntilSelector(page, '60', '.chip-spot-warning');
  check((await page.locator('.chip-spot-warning').count()) === 2, 'two tasks warned');
  check((await text(page, '.chip-spot-warning')) === '⚠ stops T+07:00', `chip mark: ${await text(page, '.chip-spot-warning')}`);
  const warned = page.locator('.chip:has(.chip-spot-warning)').first();
  check((await warned.getAttribute('data-status')) === 'RUNNING', 'a warned task still runs');
  await warned.click();
  await page.waitForSelector('.explain .spot-warning');
  check((await text(page, '.explain .spot-warning')).startsWith('Spot interruption: stops at T+07:00.'), 'the details say when it stops');
  const details = await text(page, '.explain .details .kv');
  check(details.includes('capacityProviderNameFARGATE_SPOT') && details.includes('stopCodeTerminationNotice') && details.includes('desiredStatusSTOPPED'), `details: ${details}`);
  await waitForLog(page, 'task', /stopCode TerminationNotice/);
  await screenshot(page, 'spot-interruption-warning');
  // Two minutes later the warned tasks stop; the replacements keep the service at 10.
  await page.selectOption('.time-controls select', '600');
  await page.click('.time-controls .play');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs >= 8 * 60_000 && document.querySelectorAll('.chip-spot-warning').length === 0, null, { timeout: 30_000 });
  await page.waitForFunction(() => /web 10\/10 running/.test(document.querySelector('.service-strip')?.textContent ?? ''));
  await runUntil(page, 9 * 60_000);
  check((await text(page, '.service-strip')).includes('web 10/10 running'), 'the service is back to its running count');
  // The service's details show its strategy rather than a launch type.
  await page.click('.service-pill');
  await page.waitForSelector('.explain .details h3');
  const service = await text(page, '.explain .details .kv');
  check(service.includes('capacityProviderStrategyFARGATE (base 2, weight 1), FARGATE_SPOT (base 0, weight 3)') && !service.includes('Launch type'), `service details: ${service}`);
});

test('capacity: managed-scaling-growth, tasks waiting for capacity later run', async ({ page, url }) => {
  await loadScenario(page, url, 'managed-scaling-growth');
  // Two instances run four tasks; at 6 m the service asks for 12 and the rest wait.
  await runUntil(page, 5 * 60_000);
  await playUntilSelector(page, '10', '.waiting-lane .chip');
  const ids = await page.$$eval('.waiting-lane .chip', (chips) => chips.map((c) => c.dataset.taskId));
  check(ids.length > 0, 'tasks wait');
  check((await text(page, '.waiting-lane .chip')).includes('waiting for capacity'), 'the chip says it waits, in text');
  check((await text(page, '.waiting-lane h4')).includes('PROVISIONING'), 'the lane names the status');
  await screenshot(page, 'capacity-waiting-lane');
  await page.selectOption('.time-controls select', '600');
  await page.click('.time-controls .play');
  await page.waitForFunction(
    (ids) => ids.every((id) => document.querySelector(`.zones .chip[data-task-id="${id}"]`)?.dataset.status === 'RUNNING'),
    ids,
    { timeout: 60_000 },
  );
  check((await page.locator('.waiting-lane').count()) === 0, 'the lane is gone once they run');
});

test('spot: a service created from the form on a FARGATE_SPOT strategy runs SPOT tasks', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-spot-interruption');
  await runUntil(page, 60_000);
  await openTab(page, 'Services');
  await page.fill('.builder [name="serviceName"]', 'spot-svc');
  await page.fill('.builder [name="desiredCount"]', '2');
  await page.selectOption('.builder [name="launchType"]', 'capacityProviderStrategy');
  // The cluster's providers, from PutClusterCapacityProviders.
  const offered = await page.$$eval('.builder [name="serviceProvider0"] option', (o) => o.map((x) => x.value));
  check(offered.join() === 'FARGATE,FARGATE_SPOT', `providers offered: ${offered}`);
  await page.selectOption('.builder [name="serviceProvider0"]', 'FARGATE_SPOT');
  // A bad weight is refused before any call, naming the field.
  await page.fill('.builder [name="serviceWeight0"]', 'x');
  await page.click('.builder button:has-text("Create (ecs:CreateService)")');
  await page.waitForFunction(() => /capacityProviderStrategy\[0\]\.weight must be a whole number/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  await page.fill('.builder [name="serviceWeight0"]', '1');
  await page.click('.builder button:has-text("Create (ecs:CreateService)")');
  await page.waitForSelector('.builder .ok-text:has-text("Service spot-svc created.")');
  await waitForLog(page, 'call', /ecs:CreateService.*"capacityProviderStrategy":\[\{"base":0,"capacityProvider":"FARGATE_SPOT","weight":1\}\]/);
  check(!/ecs:CreateService.*spot-svc.*launchType/.test(await text(page, '.log-rows')), 'no launch type beside the strategy');
  await page.selectOption('.time-controls select', '600');
  await page.click('.time-controls .play');
  await page.waitForFunction(
    () => [...document.querySelectorAll('.chip[data-capacity-provider="FARGATE_SPOT"][data-status="RUNNING"]')].filter((c) => c.textContent.includes('spot-svc')).length === 2,
    null,
    { timeout: 30_000 },
  );
  await runUntil(page, 3 * 60_000);
  const chip = page.locator('.chip:has-text("spot-svc")').first();
  check((await chip.locator('.chip-spot').textContent()) === 'SPOT', 'the chip is marked SPOT');
  await screenshot(page, 'spot-service-from-form');
});

test('spot: Update service changes the strategy to FARGATE only, and a new deployment starts', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-spot-interruption');
  await runUntil(page, 3 * 60_000);
  await openTab(page, 'Services');
  await page.selectOption('.builder [name="updateService"]', 'web');
  // Without the box ticked the call carries no strategy (desired 10 is web's own count: no change).
  await page.fill('.builder [name="updateDesiredCount"]', '10');
  await page.click('.builder button:has-text("Update (ecs:UpdateService)")');
  await page.waitForSelector('.builder .ok-text:has-text("Service web updated.")');
  await waitForLog(page, 'call', /ecs:UpdateService.*"desiredCount":10/);
  const updates = await page.$$eval('.log-row.kind-call', (rows) => rows.map((r) => r.textContent).filter((t) => t.includes('ecs:UpdateService')));
  check(updates.length === 1 && !updates[0].includes('capacityProviderStrategy'), `no strategy unless asked for: ${updates}`);
  check((await text(page, '.service-strip')).includes('web 10/10 running') && !(await text(page, '.service-strip')).includes('IN_PROGRESS'), 'no new deployment');
  // Tick the box: the shared strategy rows, the cluster's providers; FARGATE only.
  await page.check('.builder [name="updateChangeStrategy"]');
  const offered = await page.$$eval('.builder [name="updateProvider0"] option', (o) => o.map((x) => x.value));
  check(offered.join() === 'FARGATE,FARGATE_SPOT', `providers offered: ${offered}`);
  await page.selectOption('.builder [name="updateProvider0"]', 'FARGATE');
  await page.selectOption('.builder [name="updateProvider1"]', '-');
  // A bad base is refused before any call, naming the field.
  await page.fill('.builder [name="updateBase0"]', '-1');
  await page.click('.builder button:has-text("Update (ecs:UpdateService)")');
  await page.waitForFunction(() => /capacityProviderStrategy\[0\]\.base must be a whole number/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  await page.fill('.builder [name="updateBase0"]', '0');
  await page.click('.builder button:has-text("Update (ecs:UpdateService)")');
  await page.waitForSelector('.builder .ok-text:has-text("Service web updated.")');
  await waitForLog(page, 'call', /ecs:UpdateService.*"capacityProviderStrategy":\[\{"base":0,"capacityProvider":"FARGATE","weight":1\}\]/);
  // The new strategy starts a deployment: two deployments, the new one PRIMARY and in progress.
  await page.waitForSelector('.service-strip .rollout:has-text("IN_PROGRESS")');
  await page.click('.service-pill:has-text("web")');
  await page.waitForFunction(() => document.querySelectorAll('.explain .deployments li').length === 2);
  const deployments = await page.$$eval('.explain .deployments li', (li) => li.map((x) => x.textContent));
  check(deployments[0].startsWith('PRIMARY') && deployments[0].includes('rollout IN_PROGRESS') && deployments[1].startsWith('ACTIVE'), `deployments: ${deployments}`);
  await screenshot(page, 'spot-update-strategy');
  // The deployment replaces every task on FARGATE: no SPOT chip is left, web back at 10.
  await page.selectOption('.time-controls select', '600');
  await page.click('.time-controls .play');
  await page.waitForFunction(
    () => document.querySelectorAll('.chip[data-capacity-provider="FARGATE_SPOT"]').length === 0 &&
      document.querySelectorAll('.chip[data-capacity-provider="FARGATE"][data-status="RUNNING"]').length === 10,
    null,
    { timeout: 60_000 },
  );
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
});
