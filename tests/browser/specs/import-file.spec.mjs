// The builder's scenario import reads a file's bytes as the CLI does: a UTF-8 byte-order mark is skipped, and a
// file that is not UTF-8 is refused with the position of its first bad byte, the loaded scenario kept.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HERE, check, openTab, test, waitForApp } from '../harness.mjs';

test('importing a scenario skips a byte-order mark and refuses bytes that are not UTF-8 with their position', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'Files');
  const scenario = await readFile(join(HERE, '..', '..', 'crate', 'scenarios', 'fargate-web-service.json'));
  const input = page.locator('input[type="file"]');

  await input.setInputFiles({ name: 'with-bom.json', mimeType: 'application/json', buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), scenario]) });
  await page.waitForSelector('.ok-text:has-text("Loaded scenario from with-bom.json.")');

  const invalid = Buffer.concat([Buffer.from('{ "formatVersion": 1, "name": "'), Buffer.from([0xff]), Buffer.from('" }')]);
  await input.setInputFiles({ name: 'invalid.json', mimeType: 'application/json', buffer: invalid });
  const alert = await page.waitForSelector('.error-text');
  const message = await alert.textContent();
  check(
    message.includes('Could not read invalid.json: the file is not UTF-8 text: the byte at position 31 (0xFF) is not valid UTF-8; nothing was changed.'),
    `the import's message: ${message}`,
  );
});
