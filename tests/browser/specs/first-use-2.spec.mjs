// First use without friction, continued: a learner starts from a blank account, picks clusters made by any
// call (the API console's too), builds a bridge-mode service with dynamic host ports behind a load balancer
// from the forms alone; the placement explanation opens in a wide view; and a long shared run opens in
// slices, with progress and Cancel, while the page stays responsive.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HERE, check, openTab, screenshot, state, test, text, waitForApp } from '../harness.mjs';

/** Fills a builder field by name and fires change (the forms listen to change). */
async function setField(page, name, value) {
  const el = page.locator(`.builder [name="${name}"]`).first();
  if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
  else await el.fill(value);
  await el.dispatchEvent('change');
}

/** Sends `call` with `input` from the API console and returns its answer (throws on a refusal). */
async function apiCall(page, call, input) {
  await openTab(page, 'API');
  await page.fill('.api-console [name="api-call"]', call);
  await page.locator('.api-console [name="api-call"]').dispatchEvent('change');
  await page.fill('.api-console [name="api-input"]', JSON.stringify(input));
  await page.click('.api-console button:text-is("Send")');
  await page.waitForSelector(`.api-console .ok-text:has-text("${call} answered"), .api-console .error-text`);
  if (await page.locator('.api-console .error-text').count()) throw new Error(`${call} was refused: ${await text(page, '.api-console .error-text')}`);
  return JSON.parse(await text(page, '.api-answer'));
}

/** The values of a builder select's options. */
const optionValues = (page, name) => page.$$eval(`.builder select[name="${name}"] option`, (os) => os.map((o) => o.value));

test('from a blank account: clusters made by any call are picked from a list, and a bridge service with dynamic host ports attaches to a load balancer', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  // The scenarios dialog offers a blank start above the built-in scenarios.
  await page.click('.scenarios-button');
  await page.click('.blank-start button[aria-label="Start Blank account"]');
  await page.waitForFunction(() => document.querySelector('.map-scenario')?.textContent.includes('Blank account'));
  check((await page.$eval('.scenario-picker select', (s) => s.selectedOptions[0].textContent)) === 'Blank account', 'the picker does not name the blank account');
  check((await page.locator('.chip').count()) === 0, 'the blank account has tasks');
  check((await state(page)).nEvents === 0 || (await page.locator('.instance').count()) === 0, 'the blank account has instances');
  await openTab(page, 'Cluster');
  check((await text(page, '.builder .tab-body')).includes('No cluster yet'), 'the Cluster tab of a blank account does not say there is no cluster');

  // A cluster made in the API console is offered by the forms; a second one made by the form is too.
  await apiCall(page, 'ecs:CreateCluster', { clusterName: 'from-console' });
  await openTab(page, 'Cluster');
  check((await optionValues(page, 'cluster')).includes('from-console'), 'the cluster made in the API console is not offered');
  await setField(page, 'clusterName', 'web');
  await page.click('.builder button:has-text("Create cluster (ecs:CreateCluster)")');
  await page.waitForFunction(() => [...document.querySelectorAll('.builder select[name="cluster"] option')].some((o) => o.value === 'web'));
  check(JSON.stringify(await optionValues(page, 'cluster')) === '["from-console","web"]', `clusters offered: ${await optionValues(page, 'cluster')}`);
  await setField(page, 'cluster', 'web');
  await setField(page, 'count', '2');
  await page.click('.builder button:has-text("Launch (ec2:RunInstances)")');
  await page.waitForSelector('.builder .ok-text:has-text("register with cluster web")');
  await screenshot(page, 'blank-start-cluster-picker');

  // A bridge task definition with a dynamic host port (0), from the form.
  await openTab(page, 'Task definitions');
  await setField(page, 'family', 'web');
  await setField(page, 'launchType', 'EC2');
  await setField(page, 'networkMode', 'bridge');
  await setField(page, 'hostPort', '0');
  const doc = JSON.parse(await page.inputValue('.builder textarea'));
  const mapping = doc.containerDefinitions[0].portMappings[0];
  check(mapping.hostPort === 0 && mapping.containerPort === 80 && doc.networkMode === 'bridge', `the JSON: ${JSON.stringify(doc)}`);
  check((await text(page, '.builder label:has([name="hostPort"])')).includes('dynamic'), 'the host port field does not say 0 is dynamic');
  await page.waitForSelector('.validation.ok-text');
  await page.click('.builder button:has-text("Register")');
  await page.waitForSelector('.td-item[data-family="web"]');

  // A load balancer, an instance target group and a listener from the Load balancing tab.
  await openTab(page, 'Load balancing');
  await setField(page, 'lbName', 'web-alb');
  await page.click('.builder button:text-is("Create load balancer")');
  await setField(page, 'tgName', 'web-tg');
  await setField(page, 'tgType', 'instance');
  await page.click('.builder button:text-is("Create target group")');
  await page.waitForSelector('.builder button:text-is("Create listener (HTTP)")');
  await page.click('.builder button:text-is("Create listener (HTTP)")');

  // The service: its cluster picked, no awsvpc subnets for a bridge task definition, and the target group
  // with the container and port picked from what exists.
  await openTab(page, 'Services');
  await setField(page, 'cluster', 'web');
  await setField(page, 'serviceName', 'web');
  await setField(page, 'taskDefinition', 'web:1');
  await setField(page, 'launchType', 'EC2');
  await setField(page, 'desiredCount', '2');
  check((await page.locator('.builder fieldset.subnets').count()) === 0, 'awsvpc subnets are offered for a bridge task definition');
  const tg = await page.$$eval('.builder select[name="targetGroup"] option', (os) => os.find((o) => o.textContent.includes('web-tg'))?.value);
  check(tg && tg.startsWith('arn:aws:elasticloadbalancing'), `no target group offered: ${tg}`);
  await setField(page, 'targetGroup', tg);
  check(JSON.stringify(await optionValues(page, 'containerPort')) === '["app:80"]', `containers offered: ${await optionValues(page, 'containerPort')}`);
  check((await text(page, '.builder select[name="containerPort"]')).includes('dynamic host port'), 'the container choice does not say the host port is dynamic');
  await screenshot(page, 'blank-start-service-form');
  await page.click('.builder button:has-text("Create (ecs:CreateService)")');
  await page.waitForSelector('.builder .ok-text:has-text("Service web created.")');

  // Run: the instances boot, the tasks start on dynamic host ports and register with the target group.
  await page.selectOption('.time-controls select', '600');
  if (!(await state(page)).playing) await page.click('.time-controls .play');
  await page.waitForFunction(() => document.querySelectorAll('.lb-target[data-state="healthy"]').length >= 2, null, { timeout: 60_000 });
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  const services = await apiCall(page, 'ecs:DescribeServices', { cluster: 'web', services: ['web'] });
  const lb = services.services[0].loadBalancers[0];
  check(lb.targetGroupArn === tg && lb.containerName === 'app' && lb.containerPort === 80, `loadBalancers: ${JSON.stringify(lb)}`);
  const health = await apiCall(page, 'elasticloadbalancing:DescribeTargetHealth', { TargetGroupArn: tg });
  const ports = health.TargetHealthDescriptions.map((d) => d.Target.Port);
  check(ports.length >= 2 && ports.every((p) => p >= 32768), `the targets are not on dynamic host ports: ${ports}`);
  await screenshot(page, 'blank-start-service-running');
});

test('the placement explanation opens in a wide view where every strategy column is in sight, with units and the tie-break said', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.selectOption('.scenario-picker select', 'binpack-vs-spread');
  await page.waitForFunction(() => document.querySelector('.scenario-picker select')?.value === 'binpack-vs-spread');
  await page.selectOption('.time-controls select', '600');
  await page.waitForSelector('.chip[data-status="RUNNING"]', { timeout: 30_000 });
  await page.click('.chip[data-status="RUNNING"] >> nth=0');
  await page.waitForSelector('.explain .explain-table');
  if ((await state(page)).playing) await page.click('.time-controls .play');
  await page.click('.explain button:text-is("Open in a wide view")');
  const dialog = page.locator('.explain-wide-card');
  await dialog.waitFor();
  const card = await dialog.boundingBox();
  check(card.width >= 900, `the wide view is ${card.width} px wide`);
  // Every column header of the table is inside the dialog, none cut off to the right.
  const headers = await dialog.locator('.explain-table thead th').evaluateAll((ths) => ths.map((th) => { const r = th.getBoundingClientRect(); return { text: th.textContent, right: r.right }; }));
  check(headers.length >= 3, `the wide table has ${headers.length} columns`);
  for (const h of headers) check(h.right <= card.x + card.width + 1, `column "${h.text}" is cut off: its right edge ${h.right}, the dialog's ${card.x + card.width}`);
  const scroll = await dialog.locator('.table-scroll').evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  check(scroll.scrollWidth <= scroll.clientWidth + 1, `the wide table still scrolls sideways: ${JSON.stringify(scroll)}`);
  const body = await dialog.textContent();
  check(/MiB|vCPU|CPU units|tasks/.test(body), `the strategy values have no units: ${body.slice(0, 400)}`);
  check(/won|tie-break/.test(await dialog.locator('.explain-verdict').textContent()), 'the wide view does not say how the chosen instance won');
  await screenshot(page, 'placement-wide-view');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.explain-wide-card', { state: 'detached' });
});

/** A share link (`#s=...`) replaying `scenario` (a document or `{builtin: id}`) with seed 1 to `ms`. */
function shareLink(url, scenario, ms) {
  const record = { v: 1, scenario, seed: 1, calls: [], t: ms, n: 1e12, l: ms };
  return `${url}#s=${Buffer.from(JSON.stringify(record)).toString('base64url')}`;
}

/** The crash loop of tests/data/long-run: three tasks replaced every few seconds, all day (many events). */
const crashLoop = async () => JSON.parse(await readFile(join(HERE, '..', 'data', 'long-run', 'crash-loop-day.json'), 'utf8'));

test('a long shared run opens in slices: progress in sim time, the page responsive, and Cancel keeps the run in place', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  const before = await state(page);
  // A week of it: tens of seconds of replay, time enough to watch it and cancel it.
  const total = 7 * 24 * 3600 * 1000;
  // A link opened afresh (a fragment change alone would not load the page again).
  await page.goto('about:blank');
  await page.goto(shareLink(url, await crashLoop(), total));
  await waitForApp(page);
  await page.waitForSelector('.replay-progress');
  const reached = async () => Number(await page.getAttribute('.replay-progress', 'data-reached-ms'));
  const first = await reached();
  // The page answers while the replay runs: each frame gives the replay a dozen milliseconds, no more.
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    const frameMs = Date.now() - t0;
    check(frameMs < 250, `a frame took ${frameMs} ms during the replay`);
  }
  await page.waitForFunction((first) => Number(document.querySelector('.replay-progress')?.dataset.reachedMs) > first, first);
  check(Number(await page.getAttribute('.replay-progress', 'data-total-ms')) === total, 'the progress does not say the total sim time');
  check(/Opening the shared run: replayed to T\+.* of T\+168:00:00/.test(await text(page, '.replay-progress')), `the progress reads: ${await text(page, '.replay-progress')}`);
  // The page's controls work meanwhile: a builder tab opens.
  await openTab(page, 'Run task');
  await page.waitForSelector('.builder .tab.active:text-is("Run task")');
  await screenshot(page, 'long-share-link-progress');
  check((await reached()) < total, 'the replay was over before it could be cancelled');
  await page.click('.replay-progress button:text-is("Cancel")');
  await page.waitForSelector('.replay-progress', { state: 'detached' });
  await page.waitForSelector('.banner:has-text("was cancelled")');
  const after = await state(page);
  check(after.simTimeMs < 3_600_000 && after.seed === before.seed, `the run after Cancel: ${JSON.stringify(after)}`);
  check((await page.$eval('.scenario-picker select', (s) => s.value)) === 'fargate-web-service', 'the run in place after Cancel is not the previous one');
  await screenshot(page, 'long-share-link-cancelled');
});

test('a long shared run replayed in slices ends as the same run as a replay in one go', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  const scenario = await crashLoop();
  const total = 2 * 3600 * 1000;
  await page.goto('about:blank');
  await page.goto(shareLink(url, scenario, total));
  await waitForApp(page);
  await page.waitForSelector('.replay-progress');
  await page.waitForSelector('.replay-progress', { state: 'detached', timeout: 120_000 });
  await page.waitForSelector('.banner:has-text("Opened a shared run")');
  const opened = await state(page);
  check(opened.simTimeMs === total && !opened.playing && opened.nEvents > 10_000, `the opened run: ${JSON.stringify(opened)}`);
  const headless = await page.evaluate(([doc, ms]) => window.ecsPlayground.traceHash(doc, 1, ms), [JSON.stringify(scenario), total]);
  check(opened.traceHash === headless, `sliced: ${opened.traceHash}, in one go: ${headless}`);
});

test('a long saved run imported from a file opens in slices too, and is the run that was saved', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  const scenario = await crashLoop();
  const total = 3 * 3600 * 1000;
  const saved = { schemaVersion: 1, scenario, seed: 1, calls: [], simTimeMs: total, nEvents: 1e12, latestMs: total, playing: false };
  await openTab(page, 'Files');
  await page.locator('.builder input[type="file"]').setInputFiles({ name: 'long-run.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) });
  await page.waitForSelector('.replay-progress:has-text("Opening the saved run")');
  await page.waitForSelector('.replay-progress', { state: 'detached', timeout: 120_000 });
  await page.waitForSelector('.banner:has-text("Opened the saved run")');
  const opened = await state(page);
  const headless = await page.evaluate(([doc, ms]) => window.ecsPlayground.traceHash(doc, 1, ms), [JSON.stringify(scenario), total]);
  check(opened.simTimeMs === total && opened.traceHash === headless, `the opened run: ${JSON.stringify(opened)}, in one go: ${headless}`);
});
