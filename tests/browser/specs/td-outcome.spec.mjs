// A refused RegisterTaskDefinition's error leaves the form as soon as the draft is edited: it no longer
// speaks of the draft on screen.
import { check, openTab, test, waitForApp } from '../harness.mjs';

test('an edit of the task definition clears the refusal of the draft it replaced', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'Task definitions');
  // A family with a space: live validation and RegisterTaskDefinition both refuse it.
  await page.fill('.td-form input[name="family"]', 'my app');
  await page.dispatchEvent('.td-form input[name="family"]', 'change');
  await page.click('.td-form button:has-text("Register")');
  const refusal = page.locator('.td-form p.error-text[role="alert"]');
  await refusal.waitFor();
  check((await refusal.textContent()).length > 0, 'the refusal is shown');
  // The learner fixes the family: the old refusal goes, and the draft is valid.
  await page.fill('.td-form input[name="family"]', 'my-app');
  await page.dispatchEvent('.td-form input[name="family"]', 'change');
  await page.waitForSelector('.td-form .validation.ok-text');
  await page.waitForFunction(() => document.querySelector('.td-form p.error-text[role="alert"]') === null);
  await page.click('.td-form button:has-text("Register")');
  await page.waitForSelector('.td-item[data-family="my-app"]');
});
