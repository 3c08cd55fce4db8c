// Scaling: target-tracking-spike's AlarmHigh goes to ALARM with the datapoints that moved it and the
// desired count rises; the scaling editor registers a scalable target and a target tracking policy
// (the calls in the event log, the policy and its alarms listed, AWS's refusal shown); in
// managed-scaling-growth the Auto Scaling group launches an instance that boots, then registers.
import { check, loadScenario, openTab, runUntil, screenshot, test, text, waitForLog } from '../harness.mjs';

test('scaling: target-tracking-spike, AlarmHigh goes to ALARM on its datapoints and the desired count rises', async ({ page, url }) => {
  await loadScenario(page, url, 'target-tracking-spike');
  await openTab(page, 'Scaling');
  await page.waitForSelector('.scaling-target[data-resource-id="service/demo/web"]');
  check((await text(page, '.scaling-policy[data-policy="cpu50"]')).includes('target 50'), 'the cpu50 policy is listed with its target');
  // Two alarms from the start (target tracking creates them), neither in ALARM before the spike at 6m.
  check((await page.locator('.alarm').count()) === 2, 'AlarmHigh and AlarmLow are listed');
  // The spike starts at 6m; AlarmHigh needs 3 breaching minutes. Run to 8m at 600x, then at 60x
  // (AlarmHigh stays in ALARM for minutes of sim time, seconds of wall time) until the alarm.
  await runUntil(page, 8 * 60_000);
  check((await page.locator('.alarm[data-state="ALARM"]').count()) === 0, 'no alarm in ALARM before the spike has lasted 3 minutes');
  await page.selectOption('.time-controls select', '60');
  await page.click('.time-controls .play');
  await page.waitForSelector('.alarm[data-alarm*="AlarmHigh"][data-state="ALARM"]', { timeout: 30_000 });
  await page.waitForFunction(() => /desired ([3-9]|1[0-2])\b/.test(document.querySelector('.scaling-target .target-desired')?.textContent ?? ''));
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  const alarm = '.alarm[data-alarm*="AlarmHigh"]';
  check((await text(page, `${alarm} .alarm-badge`)) === 'ALARM', 'the state is written as text');
  check((await text(page, `${alarm} .alarm-rule`)).includes('CPUUtilization (Average) > 50 for 3 of 3 minutes'), `rule: ${await text(page, `${alarm} .alarm-rule`)}`);
  const breaching = await page.locator(`${alarm} .alarm-points tr.breaching`).count();
  check(breaching >= 3, `the three newest datapoints breach: ${breaching}`);
  check((await page.locator(`${alarm} .sparkline circle.breaching`).count()) >= 3, 'the sparkline marks the breaching datapoints');
  check((await text(page, `${alarm} .alarm-reason`)).startsWith('Threshold Crossed: 3 out of the last 3 datapoints'), 'the reason of the transition is shown');
  const desired = parseInt((await text(page, '.scaling-target .target-desired')).replace(/\D+/g, ''), 10);
  check(desired > 2 && desired <= 12, `the desired count rose from 2 (MinCapacity) within MaxCapacity 12: ${desired}`);
  const cause = await text(page, '.activities .activity .activity-cause');
  check(/Cause: monitor alarm TargetTracking-service\/demo\/web-AlarmHigh-.* in state ALARM triggered policy cpu50/.test(cause), `activity cause: ${cause}`);
  await waitForLog(page, 'alarm', /AlarmHigh.* is ALARM/);
  await waitForLog(page, 'scaling', /set the desired count of web from 2 to/);
  // The scaling charts in the Why? panel: desired against running, CPU against the target.
  await page.waitForFunction(() => {
    const c = document.querySelector('.explain .scaling-charts canvas');
    if (!c) return false;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
    return ink > 500;
  });
  check((await page.getAttribute('.explain .scaling-charts canvas', 'aria-label')).includes('desired'), 'the chart names its lines');
  // The labelled select above the charts picks the scalable target; the first by default.
  check((await page.inputValue('.explain .scaling-charts [name="chartScalableTarget"]')) === 'service/demo/web', 'the charts show web');
  check((await text(page, '.explain .scaling-charts label')).startsWith('Scalable target'), 'the select is labelled');
  check((await page.getAttribute('.explain .scaling-charts canvas', 'aria-label')).startsWith('demo/web: desired'), 'the chart names the target');
  await screenshot(page, 'scaling-target-tracking-alarm');
});

test('scaling: the editor registers a scalable target and a target tracking policy', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 60_000);
  await openTab(page, 'Scaling');
  await page.selectOption('.builder [name="scalingService"]', 'service/demo/web');
  // A bad number is refused before any call, naming the AWS field.
  await page.fill('.builder [name="maxCapacity"]', 'six');
  await page.click('.builder button:has-text("RegisterScalableTarget")');
  await page.waitForFunction(() => /MaxCapacity must be a whole number/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  // Min above max: AWS's ValidationException, as the core words it.
  await page.fill('.builder [name="minCapacity"]', '5');
  await page.fill('.builder [name="maxCapacity"]', '2');
  await page.click('.builder button:has-text("RegisterScalableTarget")');
  await page.waitForFunction(() => /ValidationException.*Minimum capacity 5 cannot be greater than maximum capacity 2/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  await page.fill('.builder [name="minCapacity"]', '2');
  await page.fill('.builder [name="maxCapacity"]', '6');
  await page.click('.builder button:has-text("RegisterScalableTarget")');
  await page.waitForSelector('.scaling-target[data-resource-id="service/demo/web"]');
  check(/min 2 .*max 6/.test(await text(page, '.scaling-target[data-resource-id="service/demo/web"] .target-counts')), 'the target shows its bounds');
  await waitForLog(page, 'call', /application-autoscaling:RegisterScalableTarget.*"MinCapacity":2/);
  // The target tracking policy.
  await page.click('.builder details.editor summary:has-text("Target tracking policy")');
  await page.fill('.builder [name="ttPolicyName"]', 'cpu60');
  await page.fill('.builder [name="ttTargetValue"]', '60');
  await page.fill('.builder [name="ttScaleInCooldown"]', '600');
  await page.check('.builder [name="ttDisableScaleIn"]');
  await page.click('.builder button:has-text("Put policy (application-autoscaling:PutScalingPolicy)")');
  await page.waitForSelector('.scaling-policy[data-policy="cpu60"]');
  const policy = await text(page, '.scaling-policy[data-policy="cpu60"]');
  check(policy.includes('ECSServiceAverageCPUUtilization') && policy.includes('target 60') && policy.includes('scale-in cooldown 600 s') && policy.includes('DisableScaleIn'), `policy: ${policy}`);
  await waitForLog(page, 'call', /application-autoscaling:PutScalingPolicy.*TargetTrackingScaling/);
  // The two alarms target tracking creates, before any datapoint.
  await page.waitForSelector('.alarm[data-alarm*="AlarmHigh"][data-state="INSUFFICIENT_DATA"]');
  check((await text(page, '.alarm[data-alarm*="AlarmLow"] .alarm-rule')).includes('< 54'), 'AlarmLow at 90 % of the target: 0.9 × 60 = 54');
  await screenshot(page, 'scaling-editor');
});

test('scaling: managed-scaling-growth, the Auto Scaling group launches an instance that boots, then registers', async ({ page, url }) => {
  await loadScenario(page, url, 'managed-scaling-growth');
  // The service asks for 12 tasks at 6m; slow down before managed scaling reacts.
  await runUntil(page, 5 * 60_000);
  check((await page.locator('.instance[data-lifecycle="ACTIVE"]').count()) === 2, 'two instances before the scale-out');
  await page.selectOption('.time-controls select', '10');
  await page.click('.time-controls .play');
  await page.waitForSelector('.instance[data-lifecycle="pending"]', { timeout: 60_000 });
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  const launching = '.instance[data-lifecycle="pending"]';
  check((await text(page, `${launching} .instance-state`)) === 'pending (booting)', 'the booting instance says so');
  check((await text(page, `${launching} .instance-asg`)) === 'ecs-asg', 'the instance names its Auto Scaling group');
  await waitForLog(page, 'scaling', /Auto Scaling group ecs-asg launched i-/);
  await openTab(page, 'Scaling');
  await page.click('.builder .subtab:text-is("EC2 capacity")');
  const reservation = parseInt(await page.getAttribute('.capacity-provider[data-capacity-provider="workers-cp"] .cpr', 'data-reservation'), 10);
  check(reservation > 100, `CapacityProviderReservation above targetCapacity 100: ${reservation}`);
  check((await text(page, '.capacity-provider .cpr')).includes('above the target'), 'the reservation is explained in words');
  check((await page.locator('.asg[data-asg="ecs-asg"] li[data-lifecycle="Pending"]').count()) >= 1, 'the group lists the launching instance as Pending');
  await screenshot(page, 'scaling-managed-growth-launch');
  // Play on: the new instance registers and becomes an ACTIVE container instance.
  await page.selectOption('.time-controls select', '600');
  await page.click('.time-controls .play');
  await page.waitForFunction(() => document.querySelectorAll('.instance[data-lifecycle="ACTIVE"]').length >= 3, null, { timeout: 30_000 });
});

test('scaling: the Why? panel charts the scalable target picked in its select', async ({ page, url }) => {
  await loadScenario(page, url, 'ec2-vs-fargate-cost');
  await runUntil(page, 2 * 60_000);
  await openTab(page, 'Scaling');
  for (const rid of ['service/on-ec2/shop', 'service/on-fargate/shop']) {
    await page.selectOption('.builder [name="scalingService"]', rid);
    await page.click('.builder button:has-text("RegisterScalableTarget")');
    await page.waitForSelector(`.scaling-target[data-resource-id="${rid}"]`);
  }
  const chart = '.explain .scaling-charts canvas';
  const picker = '.explain .scaling-charts [name="chartScalableTarget"]';
  const options = await page.$$eval(`${picker} option`, (o) => o.map((x) => x.value));
  check(options.join() === 'service/on-ec2/shop,service/on-fargate/shop', `targets offered: ${options}`);
  // The first target by default, then the one picked.
  check((await page.getAttribute(chart, 'aria-label')).startsWith('on-ec2/shop: desired'), 'the first target by default');
  await page.selectOption(picker, 'service/on-fargate/shop');
  await page.waitForFunction((c) => document.querySelector(c)?.getAttribute('aria-label').startsWith('on-fargate/shop: desired'), chart);
  check((await page.inputValue(picker)) === 'service/on-fargate/shop', 'the select keeps the pick');
  await page.evaluate(() => document.querySelector('.explain .scaling-charts').scrollIntoView());
  await screenshot(page, 'scaling-charts-picked-target');
});
