// The builder's scenario import reads a file's bytes as the CLI does: a UTF-8 byte-order mark is skipped, and a
// file that is not UTF-8 is refused with the position of its first bad byte, the loaded scenario kept.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HERE, check, openTab, test, waitForApp } from '../harness.mjs';

/** The text of the scenario picker's chosen option. */
const pickedScenario = (page) => page.evaluate(() => {
  const select = document.querySelector('.scenario-picker select');
  return select?.selectedOptions[0]?.textContent ?? '';
});

test('importing a scenario skips a byte-order mark and refuses bytes that are not UTF-8 with their position', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'Files');
  const scenario = await readFile(join(HERE, '..', '..', 'crate', 'scenarios', 'binpack-vs-spread.json'));
  const name = JSON.parse(scenario.toString()).name;
  const input = page.locator('input[type="file"]');

  // With a byte-order mark: the scenario loads.
  await input.setInputFiles({ name: 'with-bom.json', mimeType: 'application/json', buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), scenario]) });
  await page.waitForFunction((name) => document.querySelector('.scenario-picker select')?.selectedOptions[0]?.textContent === `${name} (imported)`, name);

  // A byte that is not UTF-8: refused with its position, and the scenario loaded before stays.
  await openTab(page, 'Files');
  const invalid = Buffer.concat([Buffer.from('{ "formatVersion": 1, "name": "'), Buffer.from([0xff]), Buffer.from('" }')]);
  await page.locator('input[type="file"]').setInputFiles({ name: 'invalid.json', mimeType: 'application/json', buffer: invalid });
  const message = await (await page.waitForSelector('.error-text')).textContent();
  check(
    message.includes('Could not read invalid.json: the file is not UTF-8 text: the byte at position 31 (0xFF) is not valid UTF-8; nothing was changed.'),
    `the import's message: ${message}`,
  );
  check((await pickedScenario(page)) === `${name} (imported)`, `the scenario changed: ${await pickedScenario(page)}`);
});
