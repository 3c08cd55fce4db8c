// First use without friction: the timeline dragged with the mouse rewinds (and its caption does not keep a stale
// "to T+…"), the load balancer strip shows every target, and the API console's examples are real calls that
// work, while a member AWS's model does not list is refused naming it, as AWS's CLI does.
import { check, loadScenario, openTab, runUntil, screenshot, state, test, waitForApp } from '../harness.mjs';

test('dragging the timeline handle with the mouse rewinds the run, and the caption follows', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 240_000);
  const end = await state(page);
  const box = await page.locator('.timeline input').boundingBox();
  const y = box.y + box.height / 2;
  // Press on the handle (where the run is, of the furthest point it reached) and drag it to a tenth of the track.
  const handleX = box.x + 8 + ((box.width - 16) * end.simTimeMs) / end.latestMs;
  const toX = box.x + 8 + (box.width - 16) * 0.1;
  await page.mouse.move(handleX, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(handleX + ((toX - handleX) * i) / 10, y);
  check(/^to T\+/.test(await page.textContent('.timeline-caption')), 'the caption does not say where the drag goes');
  await page.mouse.up();
  await page.waitForFunction((end) => window.ecsPlayground.state().simTimeMs < end.latestMs / 5, end);
  const rewound = await state(page);
  check(rewound.latestMs === end.latestMs && !rewound.playing, `after the drag: ${JSON.stringify(rewound)}`);
  const caption = await page.textContent('.timeline-caption');
  check(!caption.startsWith('to '), `the caption kept "${caption}" after the drag`);
  check(caption.includes('rewound'), `the caption reads "${caption}"`);
  // The run there is the scenario's own run to that time: the same trace hash.
  const headless = await page.evaluate((ms) => window.ecsPlayground.traceHash('fargate-web-service', null, ms), rewound.simTimeMs);
  check(rewound.traceHash === headless, `rewound by a drag: ${rewound.traceHash}, the scenario alone: ${headless}`);
  await screenshot(page, 'timeline-dragged');
});

test('the load balancer strip shows every target of its target groups, none cut off', async ({ page, url }) => {
  await loadScenario(page, url, 'alb-rolling-deployment');
  await runUntil(page, 360_000);
  const toggle = page.locator('.lb-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const body = page.locator('.lb-strip-body');
  const n = await page.locator('.lb-target').count();
  check(n >= 6, `only ${n} targets shown`);
  const { scrollHeight, clientHeight } = await body.evaluate((el) => ({ scrollHeight: el.scrollHeight, clientHeight: el.clientHeight }));
  check(scrollHeight <= clientHeight + 1, `the strip clips its targets: ${scrollHeight} px of content in ${clientHeight} px`);
  const bodyBox = await body.boundingBox();
  const last = await page.locator('.lb-target').last().boundingBox();
  check(last.y + last.height <= bodyBox.y + bodyBox.height + 1, 'the last target is below the strip\'s edge');
  await screenshot(page, 'lb-strip-all-targets');
});

async function sendExample(page, call) {
  await page.fill('.api-console [name="api-call"]', call);
  await page.locator('.api-console [name="api-call"]').dispatchEvent('change');
  await page.click('.api-console button:text-is("Example input")');
  const input = await page.inputValue('.api-console [name="api-input"]');
  check(input.trim() !== '{}', `${call}'s example input is {}`);
  await page.click('.api-console button:text-is("Send")');
  await page.waitForSelector(`.api-console .ok-text:has-text("${call} answered"), .api-console .error-text`);
  const error = await page.locator('.api-console .error-text').count() ? await page.textContent('.api-console .error-text') : null;
  check(!error, `${call}'s example was refused: ${error}`);
}

test('the API console examples are real calls that work, and an unknown member is refused by name', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.waitForSelector('.chip[data-status="RUNNING"]');
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  await openTab(page, 'API');
  for (const call of ['ecs:RegisterTaskDefinition', 'ecs:CreateService', 'cloudwatch:PutMetricAlarm', 'application-autoscaling:RegisterScalableTarget',
    'application-autoscaling:PutScalingPolicy', 'sim:SetImageBehavior', 'sim:SetTimings']) {
    await sendExample(page, call);
  }
  const answer = JSON.parse(await page.textContent('.api-answer'));
  check(answer !== null, 'no answer shown');

  // A member no model lists: refused before sending, in the CLI's words, and nothing is called.
  const calls = await page.locator('.log-row.kind-call').count();
  await page.fill('.api-console [name="api-call"]', 'ecs:DescribeServices');
  await page.locator('.api-console [name="api-call"]').dispatchEvent('change');
  await page.fill('.api-console [name="api-input"]', '{"cluster": "demo", "service": ["web"]}');
  await page.click('.api-console button:text-is("Send")');
  const refusal = await page.textContent('.api-console .error-text');
  check(refusal.includes('Parameter validation failed:') && refusal.includes('Unknown parameter in input: "service", must be one of: cluster, services, include'),
    `the unknown member reads "${refusal}"`);
  // A key named twice is refused too.
  await page.fill('.api-console [name="api-input"]', '{"cluster": "demo", "cluster": "other", "services": ["web"]}');
  await page.click('.api-console button:text-is("Send")');
  check((await page.textContent('.api-console .error-text')).includes('duplicate key "cluster"'), 'a duplicate key was not refused');
  check((await page.locator('.log-row.kind-call').count()) === calls, 'a refused input was sent anyway');
  await screenshot(page, 'api-console-unknown-member');
});

test('the placement explanation gives each strategy value with its unit and says how the chosen instance won', async ({ page, url }) => {
  await loadScenario(page, url, 'binpack-vs-spread');
  await page.waitForSelector('.instance .chip[data-status="RUNNING"]', { timeout: 30_000 });
  if (await page.evaluate(() => window.ecsPlayground.state().playing)) await page.click('.time-controls .play');
  await page.locator('.instance .chip[data-status="RUNNING"]').first().click();
  await page.waitForSelector('.explain-table tr.chosen');
  const chosen = (await page.textContent('.explain-table tr.chosen .explain-instance')).replace('← chosen', '').trim();
  const verdict = await page.textContent('.explain-verdict');
  check(verdict.includes(chosen) && /tie-break|only instance left among the best after/.test(verdict), `the verdict reads "${verdict}"`);
  const cells = await page.locator('.explain-table tbody td').allTextContents();
  check(cells.some((c) => /(MiB would remain|CPU units would remain|task\(s\) of)/.test(c)), `no strategy value with its unit: ${cells.slice(0, 6).join(' | ')}`);
  await screenshot(page, 'placement-verdict');
});
