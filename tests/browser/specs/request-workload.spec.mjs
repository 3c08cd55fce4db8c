// Request workloads in the Data tab: in the task-role-missing-putitem scenario the calls from the visits service
// to the DynamoDB table are red with AccessDeniedException; after iam:PutRolePolicy adds dynamodb:PutItem they
// turn green and the item is written. An S3 object and the DynamoDB item are inspected whole. In the RDS
// scenario the database shows its failover and the connections each task holds.
import { check, loadScenario, openTab, runUntil, screenshot, test } from '../harness.mjs';

async function send(page, call, input) {
  await page.fill('.api-console [name="api-call"]', call);
  await page.locator('.api-console [name="api-call"]').dispatchEvent('change');
  await page.fill('.api-console [name="api-input"]', JSON.stringify(input));
  await page.click('.api-console button:text-is("Send")');
  await page.waitForSelector(`.api-console .ok-text:has-text("${call} answered")`);
}

const TABLE_FLOW = '.calls-flow[data-flow-service="visits"][data-flow-target="table visits"]';

test('AccessDenied on dynamodb:PutItem shows red until the task role may put items', async ({ page, url }) => {
  await loadScenario(page, url, 'task-role-missing-putitem');
  await runUntil(page, 170_000);
  await openTab(page, 'Data');
  await page.waitForSelector(`${TABLE_FLOW}[data-failing="true"]`);
  const errors = await page.textContent('.workload-calls');
  check(errors.includes('AccessDeniedException') && errors.includes('is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/visits'), `no AccessDenied error shown: ${errors}`);
  check((await page.textContent(`${TABLE_FLOW} text`)).includes('errors'), 'the failing flow does not count its errors');
  check(await page.getAttribute('.calls-flow[data-flow-target="bucket example-site-pages"]', 'data-failing') === 'false', 'the S3 reads are not failing');
  await screenshot(page, 'workload-access-denied');

  await openTab(page, 'API');
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/visits' }] });
  await send(page, 'iam:PutRolePolicy', { RoleName: 'visits-task-role', PolicyName: 'write-counts', PolicyDocument: policy });
  await page.click('.time-controls .play');
  await runUntil(page, 270_000);
  await openTab(page, 'Data');
  await page.waitForSelector(`${TABLE_FLOW}[data-failing="false"]`);
  const label = await page.textContent(`${TABLE_FLOW} text`);
  check(/^\d+\/min$/.test(label.trim()) && !label.includes('errors'), `the table's calls still count errors: ${label}`);
  check(!(await page.textContent('.workload-calls')).includes('AccessDeniedException'), 'the AccessDenied error is still shown');

  await page.click('.data-bucket[data-bucket="example-site-pages"] button[data-object-key="pages/home.html"]');
  const object = await page.textContent('.data-bucket .data-detail');
  check(object.includes('text/html') && object.includes('<h1>Welcome</h1>'), `the object reads "${object}"`);
  await page.click('.data-table[data-table="visits"] button.data-entry');
  const item = JSON.parse(await page.textContent('.data-table .data-body'));
  check(item.page.S === 'home' && item.views.N === '1', `the item reads ${JSON.stringify(item)}`);
  await screenshot(page, 'workload-fixed');
});

test('a Multi-AZ failover shows the database rebooting with no connection, then the connections back', async ({ page, url }) => {
  await loadScenario(page, url, 'rds-multi-az-failover');
  await runUntil(page, 16 * 60_000 + 40_000);
  await openTab(page, 'Data');
  await page.waitForSelector('.data-database[data-database="orders-db"][data-status="rebooting"]');
  const db = await page.textContent('.data-database[data-database="orders-db"]');
  check(db.includes('Multi-AZ instance failover started') && db.includes('Connections0'), `the database reads "${db}"`);
  check(await page.getAttribute('.calls-flow[data-flow-target="database orders-db"]', 'data-failing') === 'true', 'the queries are not shown failing');
  await screenshot(page, 'workload-rds-failover');
  await page.click('.time-controls .play');
  await runUntil(page, 19 * 60_000);
  await page.waitForSelector('.data-database[data-database="orders-db"][data-status="available"]');
  const after = await page.textContent('.data-database[data-database="orders-db"]');
  check(after.includes('Multi-AZ instance failover completed') && /task [0-9a-f]{8}: \d+ connection/.test(after), `the database reads "${after}"`);
  await screenshot(page, 'workload-rds-recovered');
});
