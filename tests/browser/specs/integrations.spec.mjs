// The Data tab: an S3 object and a DynamoDB item written through the API console appear under their bucket and
// table, and picking one shows it whole (the object's ETag and body, the item's attributes).
import { check, openTab, screenshot, state, test, waitForApp } from '../harness.mjs';

/** Pauses the run (the first scenario plays when the page opens) and waits until it is paused. */
async function pause(page) {
  if ((await state(page)).playing) await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
}

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
  await pause(page);
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
  const created = (await state(page)).simTimeMs;
  await page.click('.time-controls .play');
  await page.waitForFunction((from) => window.ecsPlayground.state().simTimeMs > from + 3_000, created);
  await pause(page);
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

test('a Step Functions execution runs its .sync task to the end, each state coloured by its progress', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await pause(page);
  await openTab(page, 'API');
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await send(page, 'iam:CreateRole', { RoleName: 'pipeline-role', AssumeRolePolicyDocument: trust });
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*' }] });
  await send(page, 'iam:PutRolePolicy', { RoleName: 'pipeline-role', PolicyName: 'run', PolicyDocument: policy });
  await send(page, 'sim:SetImageBehavior', { image: 'batch:1', behavior: 'exit', exitCode: 0, runFor: '20s' });
  await send(page, 'ecs:RegisterTaskDefinition', { family: 'job', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'job', image: 'batch:1' }] });
  const definition = JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Result: { key: 'in/cat.png' }, Next: 'Process' },
      Process: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.sync', ResultPath: '$.task', Next: 'Done',
        Parameters: { Cluster: 'demo', TaskDefinition: 'job', LaunchType: 'FARGATE', NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-a'], AssignPublicIp: 'ENABLED' } } } },
      Done: { Type: 'Succeed' },
    },
  });
  await send(page, 'states:CreateStateMachine', { name: 'pipeline', definition, roleArn: 'arn:aws:iam::123456789012:role/pipeline-role' });
  await send(page, 'states:StartExecution', { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:pipeline', name: 'run-1' });

  await openTab(page, 'Data');
  await page.waitForSelector('.data-execution[data-execution="run-1"][data-status="RUNNING"]');
  check(await page.getAttribute('.sfn-state:has-text("Prepare")', 'data-progress') === 'succeeded', 'Prepare is not shown succeeded');
  check(await page.getAttribute('.sfn-state:has-text("Process")', 'data-progress') === 'in progress', 'Process is not shown in progress');
  await screenshot(page, 'step-functions-running');
  await page.click('.time-controls .play');
  await page.waitForSelector('.data-execution[data-execution="run-1"][data-status="SUCCEEDED"]', { timeout: 60_000 });
  await pause(page);
  for (const name of ['Prepare', 'Process', 'Done']) {
    check(await page.getAttribute(`.sfn-state:has-text("${name}")`, 'data-progress') === 'succeeded', `${name} is not shown succeeded`);
  }
  await page.click('.sfn-history summary');
  const history = await page.textContent('.sfn-history');
  for (const type of ['ExecutionStarted', 'TaskScheduled', 'TaskSubmitted', 'TaskSucceeded', 'ExecutionSucceeded']) {
    check(history.includes(type), `the history has no ${type}: ${history}`);
  }
  await screenshot(page, 'step-functions-succeeded');
});
