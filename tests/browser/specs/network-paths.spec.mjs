// Network paths and their cost: the privatelink-consumer scenario draws the consumer VPC, its interface
// endpoint and the provider's Network Load Balancer, with the path stopped at the endpoint while it is
// pendingAcceptance and complete to a task once accepted; the cost panel shows the network's lines (the
// endpoint per AZ-hour and per GB of the requests it carried) beside compute.
import { check, loadScenario, openTab, runUntil, screenshot, state, test, text } from '../harness.mjs';

test('network paths: a PrivateLink consumer reaches the service through its endpoint once accepted, and the network cost is shown', async ({ page, url }) => {
  await loadScenario(page, url, 'privatelink-consumer');
  if (!(await state(page)).playing) await page.click('.time-controls .play');
  await runUntil(page, 50_000);
  await openTab(page, 'Network');
  await page.waitForSelector('.privatelink');
  const pending = await page.locator('.privatelink').first();
  check((await pending.getAttribute('data-state')) === 'pendingAcceptance', 'the endpoint waits for acceptance');
  check((await pending.getAttribute('data-complete')) === 'false', 'the path is not complete yet');
  const before = await text(page, '.privatelink');
  check(before.includes('Missing hop:') && before.includes('has not accepted the connection (AcceptVpcEndpointConnections)'), `the missing hop is the acceptance: ${before}`);
  check(before.includes('consumer vpc-') && before.includes('provider vpc-main') && before.includes('orders-nlb'), `the diagram names both VPCs and the load balancer: ${before}`);
  check((await page.locator('.privatelink .pl-link.blocked').count()) >= 1, 'a blocked segment is drawn');
  await page.evaluate(() => document.querySelector('.privatelink').scrollIntoView());
  await screenshot(page, 'network-privatelink-pending');

  await page.click('.time-controls .play');
  await runUntil(page, 240_000);
  await page.waitForSelector('.privatelink[data-state="available"][data-complete="true"]');
  const after = await text(page, '.privatelink');
  check(after.includes('AWS PrivateLink carries the connection to the endpoint service com.amazonaws.vpce.us-east-1.vpce-svc-'), `the path crosses PrivateLink: ${after}`);
  check(after.includes('load balancer orders-nlb') && after.includes('(sg-orders) allow inbound TCP 8080'), `the path reaches the tasks through the load balancer: ${after}`);
  check(/Reachable a client in subnet-\S+ → task \S+ on TCP 80/.test(after), `the path ends at a task: ${after}`);
  check((await page.locator('.privatelink .pl-link.blocked').count()) === 0, 'every segment passes');
  await page.evaluate(() => document.querySelector('.privatelink').scrollIntoView());
  await screenshot(page, 'network-privatelink-available');

  // The network's cost beside compute: the endpoint per AZ-hour and per GB of the requests it carried.
  const endpointId = await page.locator('.privatelink').first().getAttribute('data-endpoint');
  const row = page.locator(`.cost-panel tr[data-network-cost-line^="${endpointId}"]`);
  check((await row.count()) === 1, `the cost panel has the endpoint's line (${endpointId})`);
  const toDate = Number(await row.getAttribute('data-to-date-micro-usd'));
  check(toDate > 10_000, `more than one AZ-hour: the GB of the requests count too (${toDate})`);
  const rowText = await row.textContent();
  check(rowText.includes('interface endpoint in 1 AZ') && / GB/.test(rowText), `the row shows the data carried: ${rowText}`);
  const totals = await text(page, '.cost-panel .network-cost-total');
  check(/^Compute \$[0-9.]+ \+ network \$[0-9.]+ = \$[0-9.]+ to date$/.test(totals), `compute and network are added up: ${totals}`);
  await page.evaluate(() => document.querySelector('.cost-panel .network-cost-table').scrollIntoView());
  await screenshot(page, 'network-cost-panel');
  const tab = await text(page, '.network-cost');
  check(tab.includes(endpointId) && tab.includes('GB'), `the Network tab lists it too: ${tab}`);
});
