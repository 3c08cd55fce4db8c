// The event log panel keeps the newest rows only, and says so once it has let older rows go.
import { check, test, text, waitForApp } from '../harness.mjs';

test('a log past its capacity says how many older rows it no longer keeps', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  // 620 read-only calls at time zero: 620 call rows, more than the panel keeps.
  const steps = Array.from({ length: 620 }, () => ({ at: '0s', call: 'ecs:ListClusters', input: {} }));
  const scenario = { formatVersion: 1, name: 'Many calls', seed: 1, steps };
  await page.evaluate((text) => window.ecsPlayground.loadScenario(text), JSON.stringify(scenario));
  await page.click('.time-controls .play');
  await page.waitForFunction(() => (document.querySelector('.log .hint')?.textContent ?? '').includes('no longer kept'));
  const hint = await text(page, '.log .hint');
  const match = hint.match(/of the newest (\d+) rows, newest first; (\d+) older rows are no longer kept/);
  check(match !== null, `the hint reads: ${hint}`);
  const [kept, dropped] = [Number(match[1]), Number(match[2])];
  check(kept === 500, `the panel keeps 500 rows, not ${kept}`);
  // Every step is one call row; the run's own rows (none here besides the calls) add to them.
  check(kept + dropped >= 620, `${kept} kept and ${dropped} dropped account for the 620 calls`);
  check((await page.locator('.log-rows .log-row').count()) <= 200, 'the panel draws at most 200 rows');
});
