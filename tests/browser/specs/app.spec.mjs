// The playground app: the first scenario runs, a learner builds a Fargate service from the form,
// validation shows AWS's messages, reload and share links reproduce runs, the wasm build's trace
// hashes equal the native CLI's, and the placement explanation matches the map.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { HERE, check, openTab, state, test, waitForApp } from '../harness.mjs';

/** Fills a form field by name and fires change (the form listens to change). */
async function setField(page, name, value) {
  const el = page.locator(`.builder [name="${name}"]`);
  if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
  else await el.fill(value);
  await el.dispatchEvent('change');
}

test('the first scenario renders and a task reaches RUNNING', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  check((await page.textContent('.map-scenario')).includes('Fargate'), 'the fargate-web-service scenario is not loaded');
  check((await page.textContent('.footer-hint')).includes('Click a task'), 'the scenario hint is not shown');
  await page.waitForSelector('.chip[data-status="RUNNING"]');
  const zones = await page.locator('.zone').count();
  check(zones === 3, `expected 3 Availability Zone columns, got ${zones}`);
  check((await page.locator('.log-row.kind-call').count()) > 0, 'no calls in the event log');
});

test('a learner builds a Fargate service from a new task definition and sees its tasks RUNNING', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'Task definitions');
  await setField(page, 'family', 'shop');
  await setField(page, 'cpu', '512');
  await setField(page, 'memory', '1024');
  const json = await page.inputValue('.builder textarea');
  check(JSON.parse(json).family === 'shop' && JSON.parse(json).memory === '1024', `the JSON did not follow the form: ${json}`);
  await page.waitForSelector('.validation.ok-text');
  await page.click('.builder button:has-text("Register")');
  await page.waitForSelector('.td-item[data-family="shop"]');
  await openTab(page, 'Services');
  await setField(page, 'serviceName', 'shop');
  await setField(page, 'taskDefinition', 'shop:1');
  await setField(page, 'desiredCount', '2');
  await page.click('.builder button:has-text("Create (ecs:CreateService)")');
  await page.waitForSelector('.builder .ok-text:has-text("Service shop created")');
  await page.selectOption('.time-controls select', '60');
  await page.waitForFunction(() => [...document.querySelectorAll('.chip[data-status="RUNNING"] .chip-family')].filter((e) => e.textContent === 'shop').length === 2);
  check((await page.locator('.log-row .log-subject:text-is("ecs:CreateService")').count()) >= 1, 'ecs:CreateService is not in the event log');
});

test('an invalid task definition shows AWS\'s message', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'Task definitions');
  await setField(page, 'cpu', '256');
  await setField(page, 'memory', '4096');
  const expected = 'No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.';
  await page.waitForFunction((text) => document.querySelector('.validation.errors')?.textContent.includes(text), expected);
  // Editing the JSON directly is validated too.
  await page.fill('.builder textarea', '{"family": "x", "containerDefinitions": [');
  await page.waitForSelector('.validation.errors li');
  // Registering anyway: the call is refused with the same message, inline and in the log.
  await setField(page, 'memory', '4096');
  await page.click('.builder button:has-text("Register")');
  await page.waitForFunction((text) => document.querySelector('.builder [role="alert"]')?.textContent.includes(text), expected);
  await page.waitForSelector('.log-row.kind-error');
});

test('form edits in a row all reach the task definition JSON', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'Task definitions');
  // Both edits in one task, before any re-render: the second must not start from the state before the first.
  await page.evaluate(() => {
    for (const [name, value] of [['family', 'fast'], ['cpu', '1024'], ['memory', '2048']]) {
      const input = document.querySelector(`.builder [name="${name}"]`);
      input.value = value;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });
  await page.waitForFunction(() => JSON.parse(document.querySelector('.builder textarea').value).memory === '2048');
  const doc = JSON.parse(await page.inputValue('.builder textarea'));
  check(doc.family === 'fast' && doc.cpu === '1024', `an edit was lost: ${JSON.stringify({ family: doc.family, cpu: doc.cpu, memory: doc.memory })}`);
});

test('a reload restores the work', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'Task definitions');
  await setField(page, 'family', 'kept');
  await page.click('.builder button:has-text("Register")');
  await page.waitForSelector('.td-item[data-family="kept"]');
  await page.click('.time-controls .play'); // pause: the save holds a fixed time
  await page.waitForFunction(() => window.ecsPlayground.state().playing === false);
  const before = await state(page);
  await page.reload();
  await waitForApp(page);
  await page.waitForSelector('.td-item[data-family="kept"]');
  const after = await state(page);
  check(after.simTimeMs === before.simTimeMs && after.traceHash === before.traceHash,
    `restored ${JSON.stringify(after)} differs from saved ${JSON.stringify(before)}`);
});

test('a corrupt autosave is kept aside and reported', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.evaluate(() => localStorage.setItem('ecs-playground.autosave', '{"schemaVersion": 99}'));
  await page.reload();
  await waitForApp(page);
  await page.waitForSelector('.banner:has-text("newer version")');
  const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ecs-playground.autosave.rejected-')).map((k) => localStorage.getItem(k)));
  check(kept.length === 1 && kept[0].includes('99'), `the bad save was not kept aside: ${JSON.stringify(kept)}`);
});

test('a share link opened in a new page reproduces the same trace hash at the same sim time', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.selectOption('.time-controls select', '60');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs > 30_000);
  await page.click('.time-controls .play');
  await openTab(page, 'Run task');
  await page.click('.builder button:has-text("Run (ecs:RunTask)")');
  await page.waitForSelector('.builder .ok-text');
  await page.click('.time-controls .step');
  await page.click('.time-controls .step');
  const shared = await state(page);
  await openTab(page, 'Files');
  await page.click('.builder button:has-text("Create share link")');
  const link = await page.inputValue('.share-link');
  check(link.includes('#s='), `no share link: ${link}`);
  const other = await page.context().newPage();
  await other.goto(link);
  await waitForApp(other);
  const opened = await other.evaluate(() => window.ecsPlayground.state());
  check(opened.simTimeMs === shared.simTimeMs && opened.traceHash === shared.traceHash,
    `the shared run ${JSON.stringify(opened)} differs from ${JSON.stringify(shared)}`);
  check((await other.textContent('.trace-hash')) === shared.traceHash, 'the footer shows another trace hash');
  // A malformed link is reported and changes nothing.
  const bad = await page.context().newPage();
  await bad.goto(`${url}#s=!!!not-base64`);
  await waitForApp(bad);
  await bad.waitForSelector('.banner:has-text("could not be opened")');
});

test('traceHash(id, seed, 20m) of every built-in equals the native CLI', async ({ page, url }) => {
  const text = await readFile(join(HERE, '..', 'wasm', 'data', 'trace-hashes.txt'), 'utf8');
  const expected = text.trim().split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 2);
  check(expected.length >= 7, `trace-hashes.txt has ${expected.length} entries`);
  await page.goto(url);
  await page.waitForFunction(() => typeof window.ecsPlayground?.traceHash === 'function');
  for (const [id, hash] of expected) {
    const got = await page.evaluate((id) => window.ecsPlayground.traceHash(id, null, 1_200_000), id);
    check(got === hash, `${id}: wasm ${got}, native ${hash}`);
  }
});

/** `ecs-sim bench placement` of the native CLI: ECS_SIM_BIN, else `cargo run --release` in the repository. */
async function nativePlacementBench(instances, tasks) {
  const args = ['bench', 'placement', '--instances', String(instances), '--tasks', String(tasks)];
  const [cmd, argv] = process.env.ECS_SIM_BIN
    ? [process.env.ECS_SIM_BIN, args]
    : ['cargo', ['run', '--release', '-q', '-p', 'ecs-sim', '--bin', 'ecs-sim', '--', ...args]];
  const { stdout } = await promisify(execFile)(cmd, argv, { cwd: join(HERE, '..', '..'), maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

test('benchPlacement in wasm places the same tasks as the native CLI (equal checksums)', async ({ page, url }) => {
  await page.goto(url);
  await page.waitForFunction(() => typeof window.ecsPlayground?.benchPlacement === 'function');
  for (const [instances, tasks] of [[300, 3000], [5000, 50000]]) {
    const wasm = await page.evaluate(([n, t]) => window.ecsPlayground.benchPlacement(n, t), [instances, tasks]);
    const native = await nativePlacementBench(instances, tasks);
    check(wasm.checksum === native.checksum, `${instances}/${tasks}: wasm checksum ${wasm.checksum}, native ${native.checksum}`);
    check(wasm.placed === native.placed && wasm.tasks === native.tasks, `${instances}/${tasks}: wasm placed ${wasm.placed}/${wasm.tasks}, native ${native.placed}/${native.tasks}`);
    check(wasm.ms > 0 && wasm.wasmMemoryBytes > 0, `implausible figures ${JSON.stringify(wasm)}`);
  }
});

test('the explanation for a binpack-vs-spread task shows the chosen instance equal to the task\'s instance', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.selectOption('.scenario-picker select', 'binpack-vs-spread');
  await page.selectOption('.time-controls select', '60');
  await page.waitForSelector('.instance .chip[data-status="RUNNING"]');
  await page.click('.time-controls .play');
  await page.locator('.instance .chip[data-status="RUNNING"]').first().click();
  await page.waitForSelector('.explain-table tr.chosen');
  const instance = (await page.textContent('.task-instance')).trim();
  const chosen = (await page.textContent('.explain-table tr.chosen .explain-instance')).replace('← chosen', '').trim();
  check(instance.startsWith('i-') && chosen === instance, `chosen ${chosen}, task on ${instance}`);
});

test('keyboard: space pauses, . steps, ? opens help', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.waitForFunction(() => window.ecsPlayground.state().playing === true);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.ecsPlayground.state().playing === false);
  const before = (await state(page)).simTimeMs;
  await page.keyboard.press('.');
  await page.waitForFunction((t) => window.ecsPlayground.state().simTimeMs >= t, before);
  await page.keyboard.press('?');
  await page.waitForSelector('.overlay:has-text("Keyboard shortcuts")');
});
