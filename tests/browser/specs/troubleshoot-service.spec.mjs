// The service troubleshooter in the Why? panel: a service that never reaches a steady state is selected, the
// troubleshooter names its root cause with the evidence of each check, the learner applies the fix it offers
// (the AWS call that makes it), and the service reaches a steady state.
import { check, loadScenario, runUntil, screenshot, state, test, text } from '../harness.mjs';

const STEADY = (service) => `(service ${service}) has reached a steady state.`;

/** How many event log rows say the service reached a steady state. */
const steadyRows = (page, service) =>
  page.evaluate((line) => [...document.querySelectorAll('.log-row.kind-service')].filter((r) => r.textContent.includes(line)).length, STEADY(service));

/** Selects the service on the map's service strip and returns the service troubleshooter's report text. */
async function openServiceReport(page, service) {
  await page.click(`.service-pill:has-text("${service}")`);
  await page.waitForSelector('.explain .service-troubleshoot');
  await page.locator('.explain .service-troubleshoot').scrollIntoViewIfNeeded();
  return text(page, '.explain .service-troubleshoot');
}

/** Clicks the report's fix button, which must offer `call`, and waits for the call's outcome. */
async function applyFix(page, call) {
  const button = page.locator('.explain .service-troubleshoot .fix button.primary');
  check((await button.textContent()).includes(call), `the fix offered is ${call}: ${await button.textContent()}`);
  await button.click();
  await page.waitForFunction((call) => document.querySelector('.explain .service-troubleshoot .fix-outcome .ok-text')?.textContent.startsWith(`${call} applied`), call);
}

test('service troubleshooter: a group at its maximum size, raised by the fix, and the service steady', async ({ page, url }) => {
  await loadScenario(page, url, 'service-asg-at-max');
  if (!(await state(page)).playing) await page.click('.time-controls .play');
  await runUntil(page, 6 * 60_000);
  check((await text(page, '.service-strip')).includes('worker 4/6 running, 2 pending'), `two tasks wait: ${await text(page, '.service-strip')}`);
  const before = await steadyRows(page, 'worker');
  const report = await openServiceReport(page, 'worker');
  check(report.includes('not in a steady state') && report.includes('desired 6, running 4, pending 2'), `the report says why it looks: ${report}`);
  check(report.includes('Root cause: The Auto Scaling group ecs-asg of capacity provider workers-cp is at its maximum size, 2'), `the root cause: ${report}`);
  // The failing check is open on its evidence: the group's sizes and the metric.
  const evidence = await page.$$eval('.explain .service-troubleshoot details[open] .evidence', (els) => els.map((e) => e.textContent).join('\n'));
  check(evidence.includes('Auto Scaling group ecs-asg: MinSize 0, MaxSize 2, DesiredCapacity 2, 2 instances.') && evidence.includes('CapacityProviderReservation 150'), `the evidence: ${evidence}`);
  await screenshot(page, 'service-troubleshoot-asg-report');
  await applyFix(page, 'autoscaling:UpdateAutoScalingGroup');
  // Before the scenario's own call at 10 minutes, the third instance registers and the waiting tasks run.
  await page.click('.time-controls .play');
  await runUntil(page, 9 * 60_000 + 50_000);
  check((await steadyRows(page, 'worker')) > before, 'the service reached a steady state after the fix');
  check((await text(page, '.service-strip')).includes('worker 6/6 running'), `every task runs: ${await text(page, '.service-strip')}`);
  const after = await text(page, '.explain .service-troubleshoot');
  check(after.includes('steady state') && !after.includes('not in a steady state') && after.includes('Root cause: Nothing to fix'), `the report after: ${after}`);
  await page.locator('.explain .service-troubleshoot').scrollIntoViewIfNeeded();
  await screenshot(page, 'service-troubleshoot-asg-steady');
});

test('service troubleshooter: tasks that fail to start, the route it offers, and the service steady', async ({ page, url }) => {
  await loadScenario(page, url, 'private-subnet-no-route');
  if (!(await state(page)).playing) await page.click('.time-controls .play');
  await runUntil(page, 310_000);
  const before = await steadyRows(page, 'api');
  const report = await openServiceReport(page, 'api');
  check(report.includes('Root cause: Its tasks fail: No network path for'), `the root cause comes from the failed task: ${report}`);
  check(report.includes('ResourceInitializationError'), `the stopped reason is the evidence: ${report}`);
  await screenshot(page, 'service-troubleshoot-no-route-report');
  await applyFix(page, 'ec2:CreateRoute');
  await page.click('.time-controls .play');
  await page.waitForFunction(
    ([line, before]) => [...document.querySelectorAll('.log-row.kind-service')].filter((r) => r.textContent.includes(line)).length > before,
    [STEADY('api'), before],
    { timeout: 60_000 },
  );
  if ((await state(page)).playing) await page.click('.time-controls .play');
  const after = await text(page, '.explain .service-troubleshoot');
  check(after.includes('Root cause: Nothing to fix'), `the report after: ${after}`);
});
