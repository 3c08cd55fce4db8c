// The Network tab: a Fargate task in a private subnet with no route stops with AWS's text; the troubleshooter
// names the missing hop (the private route table's 0.0.0.0/0 route), offers ec2:CreateRoute to the NAT gateway,
// and after the fix is applied the service's tasks run.
import { check, loadScenario, openTab, runUntil, screenshot, state, test, text } from '../harness.mjs';

test('the troubleshooter finds the missing route of a private subnet and its fix makes the service healthy', async ({ page, url }) => {
  await loadScenario(page, url, 'private-subnet-no-route');
  if (!(await state(page)).playing) await page.click('.time-controls .play');
  // The tasks stop 272 s after their pulls start at 25 s; at 5m10s both are STOPPED.
  await runUntil(page, 310_000);
  await openTab(page, 'Network');
  await page.waitForSelector('.troubleshoot');
  const report = await text(page, '.troubleshoot');
  check(report.includes('TaskFailedToStart'), `the stop code is shown: ${report}`);
  check(report.includes('ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR'), 'the stoppedReason is AWS text');
  check(report.includes('Problem found Network connectivity to the configured container registry'), 'the registry check fails');
  check(report.includes('Missing hop: rtb-private'), 'the evidence names the missing hop');
  check(report.includes('Root cause: No network path'), `the root cause is given: ${report}`);
  const routing = await text(page, '.network-table');
  check(routing.includes('rtb-private') && routing.includes('0.0.0.0/0 → igw-main'), `the route tables are shown: ${routing}`);
  await page.locator('.troubleshoot').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'network-troubleshooter');
  await page.locator('.troubleshoot .checks').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'network-troubleshooter-checks');
  await page.locator('.network-table').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'network-routing');
  // Apply the fix: the route to the NAT gateway.
  await page.click('.troubleshoot .fix button.primary');
  await page.waitForSelector('.troubleshoot .fix-outcome .ok-text');
  check((await text(page, '.troubleshoot .fix-outcome .ok-text')).startsWith('ec2:CreateRoute applied'), 'the fix call succeeded');
  check((await text(page, '.network-table')).includes('0.0.0.0/0 → nat-a'), 'the new route is in the private route table');
  // Run on: the service replaces the failed tasks and they reach RUNNING through the NAT gateway.
  await page.click('.time-controls .play');
  await page.waitForFunction(() => document.querySelectorAll('.chip[data-status="RUNNING"]').length >= 2, null, { timeout: 30_000 });
  if ((await state(page)).playing) await page.click('.time-controls .play');
  const after = await text(page, '.troubleshoot');
  check(after.includes('through a NAT gateway'), `the old report now finds the path through the NAT gateway: ${after}`);
  await page.locator('.troubleshoot .checks').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'network-after-fix');
});

test('the Network tab of a scenario without routing says every path is assumed', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await openTab(page, 'Network');
  const panel = await text(page, '.network-panel');
  check(panel.includes('every path a task needs is assumed to exist'), `the default is explained: ${panel}`);
  check(panel.includes('No task has failed'), 'no report yet');
});

test('the troubleshooter finds an ECR pull without permission in the execution role and its fix makes the service healthy', async ({ page, url }) => {
  await loadScenario(page, url, 'ecr-pull-without-permission');
  if (!(await state(page)).playing) await page.click('.time-controls .play');
  await runUntil(page, 60_000);
  await openTab(page, 'Network');
  await page.waitForSelector('.troubleshoot');
  const report = await text(page, '.troubleshoot');
  check(report.includes('OK Network connectivity to the configured container registry'), `the registry is reachable through the endpoints: ${report}`);
  check(report.includes('Problem found Missing IAM permissions required by the task execution role'), 'the execution role check fails');
  check(report.includes('ecr:GetAuthorizationToken'), 'the evidence names the missing permission');
  const cost = await text(page, '.network-cost');
  check(cost.includes('ecr.api interface endpoint in 2 AZ') && cost.includes('$0.020000'), `the endpoints' cost is shown: ${cost}`);
  await page.locator('.troubleshoot').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'network-ecr-permission');
  await page.locator('.network-cost').scrollIntoViewIfNeeded();
  await screenshot(page, 'network-cost');
  await page.click('.troubleshoot .fix button.primary');
  await page.waitForSelector('.troubleshoot .fix-outcome .ok-text');
  check((await text(page, '.troubleshoot .fix-outcome .ok-text')).startsWith('iam:AttachRolePolicy applied'), 'the fix call succeeded');
  await page.click('.time-controls .play');
  await page.waitForFunction(() => document.querySelectorAll('.chip[data-status="RUNNING"]').length >= 2, null, { timeout: 30_000 });
});
