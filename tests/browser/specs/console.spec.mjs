// The API console: any modelled call with its JSON input, the answer in AWS's output shape, AWS's error
// for a refused call, a clear message (and no call) for malformed JSON, and the call in the event log.
import { check, openTab, screenshot, state, test, waitForApp } from '../harness.mjs';

async function send(page, call, input) {
  await page.fill('.api-console [name="api-call"]', call);
  await page.locator('.api-console [name="api-call"]').dispatchEvent('change');
  await page.fill('.api-console [name="api-input"]', input);
  await page.click('.api-console button:text-is("Send")');
}

test('the API console sends any call and shows the answer, the error or why the input is refused', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await page.waitForSelector('.chip[data-status="RUNNING"]');
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  await openTab(page, 'API');

  // The example for the default call names the scenario's cluster and service.
  await page.click('.api-console button:text-is("Example input")');
  const example = JSON.parse(await page.inputValue('.api-console [name="api-input"]'));
  check(example.cluster === 'demo' && example.services[0] === 'web', `example input ${JSON.stringify(example)}`);
  await page.click('.api-console button:text-is("Send")');
  await page.waitForSelector('.api-console .ok-text:has-text("ecs:DescribeServices answered")');
  const answer = JSON.parse(await page.textContent('.api-answer'));
  check(answer.services[0].serviceName === 'web' && answer.services[0].desiredCount === 4, `DescribeServices answered ${JSON.stringify(answer).slice(0, 200)}`);
  check(Array.isArray(answer.failures), 'the answer has no failures list (the AWS output shape)');

  // A call that changes the run: recorded, logged, and it moves the service.
  const before = await state(page);
  await send(page, 'ecs:UpdateService', '{"cluster": "demo", "service": "web", "desiredCount": 2}');
  await page.waitForSelector('.api-console .ok-text:has-text("ecs:UpdateService answered")');
  check(JSON.parse(await page.textContent('.api-answer')).service.desiredCount === 2, 'UpdateService did not answer desiredCount 2');
  await page.waitForSelector('.log-row.kind-call:has-text("ecs:UpdateService")');
  check((await state(page)).traceHash !== before.traceHash, 'the call did not enter the trace');

  // AWS's refusal, worded as AWS words it.
  await send(page, 'ecs:UpdateService', '{"cluster": "demo", "service": "nope", "desiredCount": 2}');
  const refusal = await page.textContent('.api-console .error-text');
  check(/ServiceNotFoundException/.test(refusal), `the refusal reads "${refusal}"`);
  check((await page.locator('.api-answer').count()) === 0, 'a refused call still shows the previous answer');

  // Malformed JSON: a message that says where, and nothing is called.
  const calls = await page.locator('.log-row.kind-call').count();
  await send(page, 'ecs:DescribeServices', '{"cluster": "demo",');
  const message = await page.textContent('.api-console .error-text');
  check(/not valid JSON: .*line 1 column/.test(message), `malformed JSON reads "${message}"`);
  await send(page, 'ecs:DescribeServices', '["demo"]');
  check((await page.textContent('.api-console .error-text')).includes('must be a JSON object'), 'a JSON array was not refused');
  check((await page.locator('.log-row.kind-call').count()) === calls, 'a malformed input was sent anyway');

  // A call the playground does not model is named as such.
  await send(page, 'ecs:DescribeEverything', '{}');
  check((await page.textContent('.api-console .error-text')).includes('UnknownOperationException'), 'an unknown call was not refused');
  check((await page.locator('#api-calls option').count()) > 100, 'the call list does not offer every call');
  await screenshot(page, 'api-console');
});
