// The built-in scenarios are data beside the app, not code inside it: data/scenarios.json is fetched at
// start, the picker offers exactly its scenarios, the wasm holds none of their text, and a failed fetch says
// so plainly without touching the saved run.
import { check, test, waitForApp } from '../harness.mjs';

const AUTOSAVE = 'ecs-playground.autosave';

/** The served data file, parsed: {id: scenario document}. */
async function scenariosOf(url) {
  const response = await fetch(new URL('data/scenarios.json', url));
  check(response.ok, `data/scenarios.json: HTTP ${response.status}`);
  return response.json();
}

test('the picker offers every scenario of data/scenarios.json, and each opens', async ({ page, url }) => {
  const scenarios = await scenariosOf(url);
  const ids = Object.keys(scenarios);
  check(ids.length >= 17, `data/scenarios.json holds ${ids.length} scenarios`);
  await page.goto(url);
  await waitForApp(page);
  const offered = await page.$$eval('.scenario-picker select option', (options) => options.map((o) => o.value).filter(Boolean));
  check(JSON.stringify([...offered].sort()) === JSON.stringify([...ids].sort()), `picker ${offered} vs data ${ids}`);
  for (const id of ['wordpress-efs', 'alb-path-routing']) {
    await page.selectOption('.scenario-picker select', id);
    await page.waitForFunction((id) => document.querySelector('.scenario-picker select')?.value === id, id);
    const title = await page.getAttribute('.scenario-picker select', 'title');
    check(title === `${scenarios[id].name}: ${scenarios[id].description}`, `the picker's title for ${id} is "${title}"`);
  }
});

test('the wasm holds no scenario text: the descriptions are only in the data file', async ({ url }) => {
  const scenarios = await scenariosOf(url);
  const page = await (await fetch(url)).text();
  const wasmName = page.match(/data-wasm="?\/?([^" >]+\.wasm)/)?.[1];
  check(wasmName, 'index.html names no wasm file');
  const wasm = Buffer.from(await (await fetch(new URL(wasmName, url))).arrayBuffer()).toString('latin1');
  const found = Object.entries(scenarios).filter(([, doc]) => doc.description && wasm.includes(Buffer.from(doc.description, 'utf8').toString('latin1')));
  check(found.length === 0, `scenario descriptions compiled into the wasm: ${found.map(([id]) => id)}`);
});

test('when data/scenarios.json cannot be fetched the page says so and the saved run is left as it was', async ({ page, url, expectError }) => {
  expectError(/503/);
  await page.goto(url);
  await waitForApp(page);
  await page.waitForFunction((key) => localStorage.getItem(key) !== null, AUTOSAVE);
  const saved = await page.evaluate((key) => localStorage.getItem(key), AUTOSAVE);
  // Without the service worker's copy, so the fetch goes to the network (which fails).
  await page.evaluate(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    for (const name of await caches.keys()) await caches.delete(name);
  });
  await page.route('**/data/scenarios.json', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  await page.reload();
  const alert = page.locator('.start-failure[role="alert"]');
  await alert.waitFor();
  const message = await alert.textContent();
  check(/could not load its built-in scenarios \(data\/scenarios\.json: HTTP 503\)/.test(message), message);
  check(/your saved runs are kept/.test(message), message);
  check((await page.locator('.app').count()) === 0, 'the app started without its data');
  check((await page.evaluate((key) => localStorage.getItem(key), AUTOSAVE)) === saved, 'the saved run changed');
});
