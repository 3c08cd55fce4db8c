// The view keeps a stopped task for an hour after it stops (AWS shows stopped tasks for at least an hour);
// after that the map says how many stopped tasks the view leaves out.
import { check, loadScenario, runUntil, screenshot, test, text } from '../harness.mjs';

test('an hour after tasks stopped, the map says how many stopped tasks the view leaves out', async ({ page, url }) => {
  // instance-terminated: an instance is terminated at 5m and its tasks stop with it.
  await loadScenario(page, url, 'instance-terminated');
  await runUntil(page, 10 * 60_000);
  check((await page.locator('.map-left-out').count()) === 0, 'no note while every stopped task is within the hour');
  await page.click('.time-controls .play');
  await runUntil(page, 70 * 60_000);
  const note = page.locator('.map-left-out');
  await note.waitFor();
  const n = Number(await note.getAttribute('data-left-out'));
  check(n > 0, `data-left-out is ${n}`);
  const words = await text(page, '.map-left-out');
  check(words.startsWith(`${n} stopped task`) && words.includes('left out of this view') && words.includes('60 minutes'), `the note reads: ${words}`);
  await note.scrollIntoViewIfNeeded();
  await screenshot(page, 'map-left-out-note');
});
