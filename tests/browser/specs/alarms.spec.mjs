// The Alarms tab: create an SNS topic and an email subscription, confirm it from the confirmation email in the
// inbox, create a CPU alarm on a service that notifies the topic, run until the load makes it fire, and read the
// ALARM email in the inbox.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HERE, check, openTab, screenshot, test, text, waitForApp } from '../harness.mjs';

// The cpu-alarm-email scenario without its topic, subscription and alarm (the test makes them in the tab),
// its load rising at 3 minutes instead of 6.
const builtin = JSON.parse(readFileSync(join(HERE, '../../crate/scenarios/cpu-alarm-email.json'), 'utf8'));
const scenario = {
  ...builtin,
  name: 'A service whose load rises',
  steps: builtin.steps
    .filter((s) => !s.call.startsWith('sns:') && !s.call.startsWith('cloudwatch:') && s.call !== 'sim:ConfirmSubscription')
    .map((s) => (s.call === 'sim:SetLoad' ? { ...s, at: '5s', input: { ...s.input, at: '3m' } } : s)),
};

test('an alarm on a service notifies a confirmed email subscriber through the SNS inbox', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.evaluate((t) => window.ecsPlayground.loadScenario(t), JSON.stringify(scenario));
  // Let the service and its load exist (the steps at 0s to 5s), then pause to build the alarm.
  await page.selectOption('.time-controls select', '60');
  if (!(await page.evaluate(() => window.ecsPlayground.state().playing))) await page.click('.time-controls .play');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs >= 10_000, null, { timeout: 30_000 });
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);

  await openTab(page, 'Alarms');
  await page.fill('input[name="topic-name"]', 'ops-alerts');
  await page.click('button:text-is("Create topic")');
  await page.waitForSelector('.topic[data-topic="ops-alerts"]');
  await page.fill('input[name="subscribe-email"]', 'ops@example.com');
  await page.click('button:text-is("Subscribe (email)")');
  await page.waitForSelector('.subscription[data-endpoint="ops@example.com"][data-confirmed="false"]');
  const pending = await text(page, '.alarms-tab .ok-text');
  check(pending.includes('pending confirmation'), `Subscribe answers "pending confirmation": ${pending}`);
  const confirmation = page.locator('.inbox-message.confirmation').first();
  check((await text(page, '.inbox-message.confirmation .inbox-subject')) === 'AWS Notification - Subscription Confirmation', 'the confirmation email');
  await confirmation.locator('button.confirm-subscription').click();
  await page.waitForSelector('.subscription[data-endpoint="ops@example.com"][data-confirmed="true"]');
  check(!(await page.locator('button.confirm-subscription').count()), 'no Confirm button once confirmed');

  await page.fill('input[name="alarm-name"]', 'web-cpu-high');
  await page.selectOption('select[name="alarm-metric"]', 'CPUUtilization');
  await page.fill('input[name="alarm-threshold"]', '75');
  await page.fill('input[name="alarm-periods"]', '3');
  await page.click('button:text-is("Create alarm")');
  await page.waitForSelector('.alarm[data-alarm="web-cpu-high"][data-state="INSUFFICIENT_DATA"]');

  await page.click('.time-controls .play');
  await page.waitForFunction(
    () => [...document.querySelectorAll('.inbox-message.notification .inbox-subject')].some((e) => e.textContent.startsWith('ALARM: "web-cpu-high"')),
    null,
    { timeout: 60_000 },
  );
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  await page.waitForSelector('.alarm[data-alarm="web-cpu-high"][data-state="ALARM"]');
  const mail = page.locator('.inbox-message.notification', { hasText: 'ALARM: "web-cpu-high"' }).first();
  const subject = await mail.locator('.inbox-subject').textContent();
  check(subject === 'ALARM: "web-cpu-high" in US East (N. Virginia)', `the subject as AWS writes it: ${subject}`);
  const body = await mail.locator('.inbox-body').textContent();
  check(body.startsWith('You are receiving this email because your Amazon CloudWatch Alarm "web-cpu-high" in the US East (N. Virginia) region has entered the ALARM state'), body);
  check(body.includes('Threshold Crossed: 3 out of the last 3 datapoints'), body);
  const history = await text(page, '.alarm[data-alarm="web-cpu-high"] .alarm-history');
  check(history.includes('Alarm updated from OK to ALARM') && history.includes('Successfully executed action'), `the state history: ${history}`);
  await page.locator('.alarm[data-alarm="web-cpu-high"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'alarms-history');
  await mail.scrollIntoViewIfNeeded();
  await screenshot(page, 'alarms-inbox');
});
