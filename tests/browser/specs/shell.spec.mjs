// The page shell: it loads from its own files only, renders every region, exposes its test API,
// and keeps a strict Content-Security-Policy.
import { check, test, waitForApp } from '../harness.mjs';

test('the page loads and the app renders', async ({ page, url }) => {
  const response = await page.goto(url);
  check(response.ok(), `GET ${url} answered ${response.status()}`);
  await waitForApp(page);
  check((await page.title()) === 'ECS Playground', `title is "${await page.title()}"`);
});

test('the shell shows header, builder, map, explanation, event log and footer', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  const title = await page.textContent('.app-header h1');
  check(title.includes('ECS Playground'), `header title is "${title}"`);
  for (const region of ['.builder', '.map', '.explain', '.log', '.app-footer']) {
    const box = await page.locator(region).boundingBox();
    check(box && box.width > 100 && box.height > 20, `${region} is not laid out: ${JSON.stringify(box)}`);
  }
  // The regions sit where the layout puts them at 1280x720: builder | map | explanation, log below the map.
  const [builder, map, explain, log] = await Promise.all(
    ['.builder', '.map', '.explain', '.log'].map((s) => page.locator(s).boundingBox()),
  );
  check(builder.x + builder.width <= map.x && map.x + map.width <= explain.x, 'columns overlap or are out of order');
  check(map.y + map.height <= log.y, 'the event log is not below the map');
  check(log.y + log.height <= 720, 'the event log does not fit in a 1280x720 viewport');
  check(/^[0-9a-f]{16}$/.test(await page.textContent('.trace-hash')), 'the footer shows no 16-hex-digit trace hash');
  check(/^\d+$/.test(await page.textContent('.seed')), 'the footer shows no seed');
});

test('window.ecsPlayground.ecsSimVersion() returns the core version', async ({ page, url }) => {
  await page.goto(url);
  await page.waitForFunction(() => typeof window.ecsPlayground?.ecsSimVersion === 'function');
  const version = await page.evaluate(() => window.ecsPlayground.ecsSimVersion());
  check(/^\d+\.\d+\.\d+/.test(version), `ecsSimVersion() returned ${JSON.stringify(version)}`);
  const footer = await page.textContent('.app-footer .version');
  check(footer.includes(version), `the footer (${footer}) does not show version ${version}`);
});

test('the CSP is strict, is not violated by the app, and refuses inline scripts', async ({ page, url, expectError }) => {
  await page.goto(url);
  await waitForApp(page);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  check(csp, 'no Content-Security-Policy meta tag');
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '));
  check(scriptSrc === "script-src 'self' 'wasm-unsafe-eval'", `script-src is "${scriptSrc}"`);
  check(/default-src 'none'/.test(csp), 'default-src is not none');
  check((await page.locator('script:not([src])').count()) === 0, 'the page has an inline <script>');
  check((await page.evaluate(() => window.__cspViolations.length)) === 0, 'the app violated its CSP');

  // Positive control: the policy is really enforced.
  expectError(/Content Security Policy|CSP violation/);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineScriptRan = true;';
    document.body.append(s);
  });
  await page.waitForFunction(() => window.__cspViolations.some((v) => v.directive.startsWith('script-src')));
  check(!(await page.evaluate(() => window.__inlineScriptRan)), 'an inline script ran despite the CSP');
});

test('no request leaves 127.0.0.1 and every request succeeds', async ({ page, url }) => {
  const requests = [];
  page.on('requestfinished', async (req) => {
    const res = await req.response();
    requests.push({ url: req.url(), status: res ? res.status() : 0 });
  });
  page.on('requestfailed', (req) => requests.push({ url: req.url(), status: 0 }));
  await page.goto(url);
  await waitForApp(page);
  await page.waitForFunction(() => performance.getEntriesByName('ecs-playground:first-render').length > 0);
  await page.waitForLoadState('networkidle');
  const bad = requests.filter((r) => new URL(r.url).hostname !== '127.0.0.1' || r.status >= 400 || r.status === 0);
  check(bad.length === 0, `bad requests: ${JSON.stringify(bad)}`);
  const kinds = requests.map((r) => new URL(r.url).pathname.split('.').pop());
  for (const kind of ['wasm', 'js', 'css']) check(kinds.includes(kind), `no .${kind} was loaded: ${JSON.stringify(requests)}`);
});
