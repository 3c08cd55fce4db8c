// The built-in failure scenarios end to end: a task stops, the learner opens it and sees its stop code, runs the
// troubleshooter (the Network tab), reads the root cause, applies each fix it offers (some take two calls:
// a new revision, then its deployment) and watches the service reach a steady state.
import { check, loadScenario, openTab, runUntil, screenshot, state, test, text } from '../harness.mjs';

const STEADY = (service) => `(service ${service}) has reached a steady state.`;

/** How many event log rows say the service reached a steady state. */
const steadyRows = (page, service) =>
  page.evaluate((line) => [...document.querySelectorAll('.log-row.kind-service')].filter((r) => r.textContent.includes(line)).length, STEADY(service));

/** Clicks the first stopped task's chip and returns the task panel's text (its stop code and reason). */
async function openStoppedTask(page) {
  const chip = page.locator('.chip[data-status="STOPPED"]').first();
  if ((await chip.count()) === 0) return '';
  await chip.click();
  await page.waitForSelector('.details .kv');
  return text(page, '.details');
}

/**
 * Runs `id` to `atMs`, opens a stopped task, runs the troubleshooter, checks its stop code and root cause,
 * applies the offered fixes (each one named in `fixes`, in order) and waits for the service's steady state.
 */
async function troubleshootAndFix(page, url, { id, atMs, stopCode, rootCause, fixes, service, shot }) {
  await loadScenario(page, url, id);
  if (!(await state(page)).playing) await page.click('.time-controls .play');
  await runUntil(page, atMs);
  const task = await openStoppedTask(page);
  if (task) check(task.includes(stopCode), `${id}: the stopped task shows ${stopCode}: ${task}`);
  await openTab(page, 'Network');
  await page.waitForSelector('.troubleshoot');
  const report = await text(page, '.troubleshoot');
  check(report.includes(stopCode), `${id}: the report shows the stop code: ${report}`);
  check(report.includes(`Root cause: ${rootCause}`), `${id}: the root cause is "${rootCause}": ${report}`);
  await page.locator('.troubleshoot').first().scrollIntoViewIfNeeded();
  await screenshot(page, `${shot}-report`);
  const before = await steadyRows(page, service);
  for (const call of fixes) {
    // The report is built again after each call: wait for the fix that comes next.
    await page.waitForFunction((call) => document.querySelector('.troubleshoot .fix button.primary')?.textContent.includes(call), call, { timeout: 10_000 })
      .catch(async () => { throw new Error(`${id}: the offered fix is not ${call}: ${await text(page, '.troubleshoot .fix')}`); });
    await page.locator('.troubleshoot .fix button.primary').first().click();
    await page.waitForFunction((call) => document.querySelector('.troubleshoot .fix-outcome .ok-text')?.textContent.startsWith(`${call} applied`), call);
  }
  await screenshot(page, `${shot}-fixed`);
  await page.click('.time-controls .play');
  await page.waitForFunction(
    ([line, before]) => [...document.querySelectorAll('.log-row.kind-service')].filter((r) => r.textContent.includes(line)).length > before,
    [STEADY(service), before],
    { timeout: 60_000 },
  );
  if ((await state(page)).playing) await page.click('.time-controls .play');
  await screenshot(page, `${shot}-steady`);
}

const CASES = [
  { id: 'oom-crash-loop', atMs: 240_000, stopCode: 'EssentialContainerExited', rootCause: 'Container catalog grows to 700 MiB, past its hard limit of 512 MiB',
    fixes: ['ecs:RegisterTaskDefinition', 'ecs:UpdateService'], service: 'catalog', shot: 'failures-oom' },
  { id: 'ecr-pull-without-permission', atMs: 60_000, stopCode: 'TaskFailedToStart', rootCause: 'The task execution role api-execution-role does not allow ecr:GetAuthorizationToken',
    fixes: ['iam:AttachRolePolicy'], service: 'api', shot: 'failures-ecr-permission' },
  { id: 'missing-log-group', atMs: 60_000, stopCode: 'TaskFailedToStart', rootCause: 'The log group /ecs/web of the task',
    fixes: ['logs:CreateLogGroup'], service: 'web', shot: 'failures-log-group' },
  { id: 'private-subnet-no-route', atMs: 310_000, stopCode: 'TaskFailedToStart', rootCause: 'No network path for',
    fixes: ['ec2:CreateRoute'], service: 'api', shot: 'failures-no-route' },
  { id: 'container-health-check-failing', atMs: 120_000, stopCode: 'ServiceSchedulerInitiated', rootCause: 'The health check of the essential container api requests a path the application does not serve',
    fixes: ['ecs:RegisterTaskDefinition', 'ecs:UpdateService'], service: 'api', shot: 'failures-health-check' },
  { id: 'subnet-out-of-addresses', atMs: 120_000, stopCode: 'TaskFailedToStart', rootCause: 'Subnet subnet-small has no free IPv4 address',
    fixes: ['ecs:UpdateService'], service: 'worker', shot: 'failures-subnet' },
];

for (const c of CASES) {
  test(`troubleshooting ${c.id}: the root cause, its fix, and the service steady`, async ({ page, url }) => {
    await troubleshootAndFix(page, url, c);
  });
}
