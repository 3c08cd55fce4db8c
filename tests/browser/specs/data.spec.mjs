// The Data tab: an S3 object and a DynamoDB item written through the API console appear under their bucket and
// table, and picking one shows it whole (the object's ETag and body, the item's attributes).
import { check, openTab, screenshot, test, waitForApp } from '../harness.mjs';

async function send(page, call, input) {
  await page.fill('.api-console [name="api-call"]', call);
  await page.locator('.api-console [name="api-call"]').dispatchEvent('change');
  await page.fill('.api-console [name="api-input"]', JSON.stringify(input));
  await page.click('.api-console button:text-is("Send")');
  await page.waitForSelector(`.api-console .ok-text:has-text("${call} answered")`);
}

test('the Data tab shows an S3 object and a DynamoDB item, each inspected whole', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'Data');
  check((await page.textContent('.data-tab')).includes('No bucket yet'), 'an empty account says how to make a bucket');
  await openTab(page, 'API');
  await send(page, 's3:CreateBucket', { Bucket: 'example-uploads' });
  await send(page, 's3:PutObject', { Bucket: 'example-uploads', Key: 'in/photo-1.txt', Body: 'hello from the playground', ContentType: 'text/plain' });
  await send(page, 'dynamodb:CreateTable', {
    TableName: 'Orders', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
  // A table is CREATING for two seconds of sim time; play until it is ACTIVE.
  await page.click('.time-controls .play');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs > 5_000);
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  await send(page, 'dynamodb:PutItem', { TableName: 'Orders', Item: { pk: { S: 'customer-1' }, total: { N: '25.50' } } });

  await openTab(page, 'Data');
  await page.click('.data-bucket[data-bucket="example-uploads"] button[data-object-key="in/photo-1.txt"]');
  const object = await page.textContent('.data-bucket .data-detail');
  check(object.includes('25 bytes') && object.includes('text/plain') && object.includes('hello from the playground'), `the object reads "${object}"`);
  check(/ETag"[0-9a-f]{32}"/.test(object.replace(/\s/g, '')), `the object shows no ETag: "${object}"`);
  const table = await page.textContent('.data-table[data-table="Orders"] h4');
  check(table.includes('ACTIVE') && table.includes('PAY_PER_REQUEST') && table.includes('pk (HASH, S)'), `the table reads "${table}"`);
  await page.click('.data-table[data-table="Orders"] button.data-entry');
  const item = JSON.parse(await page.textContent('.data-table .data-body'));
  check(item.pk.S === 'customer-1' && item.total.N === '25.5', `the item reads ${JSON.stringify(item)}`);
  await screenshot(page, 'data-tab');
});
