// Accessibility: axe-core (npm, pinned in package.json) checks every main view of the running page (each builder
// tab, the Why? panel of a task, the load balancer strip, the help and the scenarios dialogs) and the suite
// fails on a serious or critical violation.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { check, loadScenario, runUntil, test } from '../harness.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical violations axe finds on the page as it is, one line each. */
async function violations(page, where) {
  // Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not apply to it.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return found.map((line) => `${where}: ${line}`);
}

test('axe-core finds no serious or critical violation on the main views', async ({ page, url }) => {
  await loadScenario(page, url, 'alb-path-routing');
  await runUntil(page, 180_000);
  const found = [];
  found.push(...(await violations(page, 'the running page')));
  const tabs = await page.locator('.builder .tab').allTextContents();
  check(tabs.length >= 5, `only ${tabs.length} builder tabs`);
  for (const name of tabs) {
    await page.click(`.builder .tab:text-is("${name}")`);
    found.push(...(await violations(page, `builder tab ${name}`)));
  }
  // A task selected: the Why? panel explains it.
  await page.locator('.chip[data-status="RUNNING"]').first().click();
  await page.waitForSelector('.explain .details h3');
  found.push(...(await violations(page, 'the Why? panel of a task')));
  // The load balancer strip, open.
  const toggle = page.locator('.lb-toggle');
  if ((await toggle.count()) && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  found.push(...(await violations(page, 'the load balancer strip')));
  // The help dialog.
  await page.click('.help-button');
  found.push(...(await violations(page, 'the help dialog')));
  await page.keyboard.press('Escape');
  check(found.length === 0, `axe-core found:\n        ${found.join('\n        ')}`);
});
