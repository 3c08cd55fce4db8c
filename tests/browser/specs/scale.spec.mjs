// The map at scale: past 1,000 tasks each task chip is a small square (its id, status and service in its
// tooltip and accessible name), still a button that selects its task; off-screen instance boxes are not laid
// out; the load balancer strip lists at most 40 targets per target group and counts the others. Below 1,000
// tasks the chips keep their text. The scenario is the frame benchmark's, scenarios/bench-ui-5000.json.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HERE, check, screenshot, test, waitForApp } from '../harness.mjs';

test('past 1,000 tasks the map draws compact chips that still select their task, and the strip lists 40 targets per group', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  // The first scenario's few tasks keep their text.
  await page.waitForSelector('.chip[data-task-id]');
  check(!(await page.locator('.zones.compact').count()), 'a small scenario draws compact chips');
  check(await page.locator('.chip:not(.compact) .chip-id').count() > 0, 'a small scenario\'s chip shows no id');
  const scenario = await readFile(join(HERE, 'scenarios', 'bench-ui-5000.json'), 'utf8');
  await page.evaluate((text) => window.ecsPlayground.loadScenario(text), scenario);
  await page.selectOption('.speed select', '60');
  await page.waitForFunction(() => document.querySelectorAll('.lb-target[data-state="healthy"]').length >= 3 * 40, null, { timeout: 180_000, polling: 500 });
  await page.waitForFunction(() => document.querySelectorAll('.zones.compact .chip.compact[data-status="RUNNING"]').length >= 4_000, null, { timeout: 180_000, polling: 500 });
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  // Every chip is compact: one element, no text.
  check(!(await page.locator('.zones .chip:not(.compact)').count()), 'a chip with text among 5,000');
  check(!(await page.locator('.chip.compact .chip-id').count()), 'a compact chip holds its text');
  // A compact chip names its task for assistive technology and in its tooltip, and selects it when clicked.
  const chip = page.locator('.chip.compact[data-status="RUNNING"]').nth(2500);
  const id = await chip.getAttribute('data-task-id');
  const name = await chip.getAttribute('aria-label');
  check(name.startsWith(`Task ${id.slice(0, 8)}`) && name.endsWith('RUNNING'), `the chip's accessible name reads "${name}"`);
  check((await chip.getAttribute('title')) === name, 'the tooltip differs from the accessible name');
  await chip.click();
  await page.waitForSelector(`.explain .details[data-selected-task="${id}"]`);
  check(await page.locator(`.chip.compact.selected[data-task-id="${id}"]`).count() === 1, 'the clicked chip is not marked selected');
  // Three target groups of 1,666 or 1,667 targets: 40 listed each, the rest counted.
  const groups = await page.$$eval('.lb-group', (els) => els.map((g) => ({
    listed: g.querySelectorAll('.lb-target').length,
    leftOut: Number(g.querySelector('.lb-targets-left-out')?.dataset.leftOut ?? 0),
    total: Number(g.querySelector('.lb-group-head')?.textContent.match(/\/(\d+) healthy/)?.[1] ?? -1),
  })));
  check(groups.length === 3, `${groups.length} target groups on the strip`);
  for (const g of groups) {
    check(g.listed === 40 && g.listed + g.leftOut === g.total && g.total >= 1666, `a group lists ${g.listed} and leaves out ${g.leftOut} of ${g.total}`);
  }
  await screenshot(page, 'scale-5000-tasks');
});
