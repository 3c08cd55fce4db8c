// The security headers the build is published with (dist/_headers, served by the suite's server as a static
// host would): the policy with frame-ancestors 'none', and a page of another origin cannot frame the app.
import { check, test, waitForApp } from '../harness.mjs';

test('every response carries the security headers, and the page keeps working under them', async ({ page, url }) => {
  const response = await page.goto(url);
  const headers = response.headers();
  const csp = headers['content-security-policy'] ?? '';
  check(/frame-ancestors 'none'/.test(csp), `the Content-Security-Policy header has no frame-ancestors 'none': "${csp}"`);
  check(/script-src 'self' 'wasm-unsafe-eval'/.test(csp), `the header policy's script-src is not the page's: "${csp}"`);
  check(headers['x-frame-options'] === 'DENY', `X-Frame-Options is ${headers['x-frame-options']}`);
  check(headers['x-content-type-options'] === 'nosniff', `X-Content-Type-Options is ${headers['x-content-type-options']}`);
  check(headers['referrer-policy'] === 'no-referrer', `Referrer-Policy is ${headers['referrer-policy']}`);
  await waitForApp(page);
  check((await page.evaluate(() => window.__cspViolations.length)) === 0, 'the app violated the header policy');
  // The wasm binary is served with the same headers.
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('.wasm')));
  const wasmResponse = await page.request.get(wasm);
  check(/frame-ancestors 'none'/.test(wasmResponse.headers()['content-security-policy'] ?? ''), 'the wasm response has no policy header');
});

test('a page of another origin cannot frame the app', async ({ page, url, expectError }) => {
  // The framing page is answered by the test itself, from another origin (port 1 of 127.0.0.1): nothing
  // listens there, the route fulfils it.
  const framer = 'http://127.0.0.1:1/framer.html';
  await page.route(framer, (route) => route.fulfill({ contentType: 'text/html', body: `<iframe id="f" src="${url}" width="400" height="300"></iframe>` }));
  expectError(/frame-ancestors|Refused to (display|frame)/);
  await page.goto(framer);
  const frame = await (await page.waitForSelector('#f')).contentFrame();
  await frame.waitForLoadState('load');
  // A refused frame shows the browser's error page instead of the app.
  check(frame.url().startsWith('chrome-error://'), `the app's page loaded inside a frame of another origin (${frame.url()})`);
});
