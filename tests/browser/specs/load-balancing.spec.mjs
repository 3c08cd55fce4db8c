// Elastic Load Balancing: the alb-path-routing scenario draws its load balancer with the listener
// and the /api/* rule, request flow to both target groups once traffic starts, target health on
// the task chips and in the Why? panel; the rule editor adds a rule and shows AWS's PriorityInUse
// refusal for a duplicate priority; the load balancer charts are drawn.
import { check, loadScenario, openTab, runUntil, screenshot, test, waitForApp } from '../harness.mjs';

const flowRps = (page, tg) =>
  page.evaluate((tg) => parseFloat(document.querySelector(`.lb-flow[data-tg="${tg}"] .flow-label`)?.textContent ?? '0'), tg);

test('alb-path-routing: the load balancer, its /api/* rule, request flow and target health', async ({ page, url }) => {
  await loadScenario(page, url, 'alb-path-routing');
  await page.waitForSelector('.lb-row[data-lb="shop-alb"] .lb-listener[data-port="80"]');
  const rule = await page.textContent('.lb-row[data-lb="shop-alb"] .lb-rule[data-priority="10"]');
  check(rule.includes('/api/*') && rule.includes('api-tg'), `the priority 10 rule reads: ${rule}`);
  const fallback = await page.textContent('.lb-row[data-lb="shop-alb"] .lb-rule[data-priority="default"]');
  check(fallback.includes('web-tg'), `the default action reads: ${fallback}`);
  check((await page.textContent('.lb-row[data-lb="shop-alb"] .lb-dns')).includes('elb'), 'no DNS name on the load balancer');
  // Traffic starts at 2m; run to 3m30s.
  await runUntil(page, 3 * 60_000 + 30_000);
  for (const tg of ['web-tg', 'api-tg']) {
    const rps = await flowRps(page, tg);
    check(rps > 0, `no requests shown for ${tg}`);
  }
  const [web, api] = [await flowRps(page, 'web-tg'), await flowRps(page, 'api-tg')];
  check(web > api, 'web-tg should get the larger share (70%)');
  check(Math.abs(web + api - 300) <= 30, `the flows should add up to the scenario's 300 requests/s: ${web} + ${api}`);
  check((await page.textContent('.lb-flow[data-tg="api-tg"] .flow-label')).includes('req/s'), 'the flow label has no unit');
  const healthy = await page.locator('.chip[data-status="RUNNING"] .chip-tg:text-is("healthy")').count();
  check(healthy === 4, `expected 4 chips marked healthy, got ${healthy}`);
  await screenshot(page, 'lb-alb-path-routing-map');
  // The Why? panel: the task's target health.
  await page.locator('.chip[data-status="RUNNING"]:has(.chip-family:text-is("api"))').first().click();
  await page.waitForSelector('.explain .task-target-health tr[data-tg="api-tg"] .tg-badge:text-is("healthy")');
  // Selecting the load balancer: each target group's targets, and the charts.
  await page.click('.lb-row[data-lb="shop-alb"] .lb-head');
  await page.waitForSelector('.explain .lb-details .tg-details[data-tg="web-tg"]');
  await page.waitForSelector('.explain .lb-charts canvas');
  await page.waitForFunction(() => {
    const c = document.querySelector('.explain .lb-charts canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
    return ink > 500;
  });
  await screenshot(page, 'lb-alb-path-routing-details');
});

test('the rule editor adds a fixed-response rule and shows PriorityInUse for a duplicate', async ({ page, url }) => {
  await loadScenario(page, url, 'alb-path-routing');
  await page.waitForSelector('.lb-row[data-lb="shop-alb"] .lb-rule[data-priority="10"]');
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  await openTab(page, 'Load balancing');
  await page.waitForSelector('.builder .editor-rules .lb-rule[data-priority="10"]');
  await page.fill('.builder [name="rulePriority"]', '20');
  await page.fill('.builder [name="conditionValue0"]', '/admin/*');
  await page.selectOption('.builder [name="ruleAction"]', 'fixed-response');
  await page.fill('.builder [name="fixedStatusCode"]', '403');
  await page.click('.builder button:has-text("Add rule (elasticloadbalancing:CreateRule)")');
  await page.waitForSelector('.lb-row[data-lb="shop-alb"] .lb-rule[data-priority="20"]');
  const added = await page.textContent('.lb-row[data-lb="shop-alb"] .lb-rule[data-priority="20"]');
  check(added.includes('/admin/*') && added.includes('fixed-response'), `the new rule reads: ${added}`);
  // Rules stay in priority order: 10, 20, then the default.
  const order = await page.$$eval('.lb-row[data-lb="shop-alb"] .lb-rule', (els) => els.map((e) => e.dataset.priority));
  check(order.join(',') === '10,20,default', `rule order: ${order}`);
  // The same priority again: AWS refuses it.
  await page.click('.builder button:has-text("Add rule (elasticloadbalancing:CreateRule)")');
  await page.waitForFunction(() => /PriorityInUse/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  await screenshot(page, 'lb-rule-editor');
  // A second condition with a bad http-header value is refused before any call.
  await page.click('.builder button:has-text("+ Condition")');
  await page.selectOption('.builder [name="conditionField1"]', 'http-header');
  await page.fill('.builder [name="conditionValue1"]', 'no colon here');
  await page.fill('.builder [name="rulePriority"]', '30');
  await page.click('.builder button:has-text("Add rule (elasticloadbalancing:CreateRule)")');
  await page.waitForFunction(() => /http-header condition/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  // Delete the new rule.
  await page.click('.builder button[aria-label="Delete rule 20"]');
  await page.waitForFunction(() => !document.querySelector('.lb-row[data-lb="shop-alb"] .lb-rule[data-priority="20"]'));
});
