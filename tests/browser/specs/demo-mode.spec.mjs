// Demo mode: the map full window with the builder hidden, the scenario's captions stepped through with the
// keyboard (→/PageDown forward, ←/PageUp back, each a jump of the run to the caption's time), the architecture
// diagram exported as SVG and PNG, and Escape leaving demo mode.
import { readFile } from 'node:fs/promises';
import { check, loadScenario, runUntil, screenshot, state, test, text } from '../harness.mjs';

/** Clicks `selector` and returns the name and bytes of the file it downloads. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

/** Presses `key` and waits for the run to reach `ms` and the caption `index` to show. */
async function stepTo(page, key, ms, index) {
  await page.keyboard.press(key);
  await page.waitForFunction((ms) => window.ecsPlayground.state().simTimeMs === ms, ms);
  await page.waitForSelector(`.demo-caption[data-caption-index="${index}"]`);
}

test('demo mode steps through the captions with the keyboard and exports the diagram as SVG and PNG', async ({ page, url }) => {
  await loadScenario(page, url, 'fargate-web-service');
  await runUntil(page, 500);
  await page.click('.demo-button');
  await page.waitForSelector('.app[data-demo="true"]');
  check((await page.locator('.builder').count()) === 0, 'the builder is hidden in demo mode');
  check((await page.locator('.map').count()) === 1, 'the map is shown');
  await page.waitForSelector('.demo-caption[data-caption-index="0"]');
  check((await text(page, '.demo-caption')).includes('A cluster and a Fargate task definition'), `the first caption: ${await text(page, '.demo-caption')}`);
  const clockAtStart = await text(page, '.demo-clock');

  await stepTo(page, 'ArrowRight', 1_000, 1);
  check((await text(page, '.demo-caption')).includes('The service asks for 4 tasks'), `the second caption: ${await text(page, '.demo-caption')}`);
  const clockAtSecond = await text(page, '.demo-clock');
  check(clockAtSecond !== clockAtStart, `the clock moved: ${clockAtStart} then ${clockAtSecond}`);
  await stepTo(page, 'PageDown', 180_000, 2);
  check((await text(page, '.demo-caption')).includes('Scale to 6'), `the third caption: ${await text(page, '.demo-caption')}`);
  check((await text(page, '.demo-clock')) !== clockAtSecond, 'the clock moved again');
  await stepTo(page, 'ArrowLeft', 1_000, 1);
  await stepTo(page, 'PageUp', 0, 0);
  check((await text(page, '.demo-caption')).includes('A cluster and a Fargate task definition'), 'back at the first caption');
  await stepTo(page, 'PageDown', 1_000, 1);
  await stepTo(page, 'PageDown', 180_000, 2);
  check((await state(page)).simTimeMs === 180_000, 'the run is at the last caption');
  await screenshot(page, 'demo-mode');

  const live = await page.locator('.map .chip:not([data-status="STOPPED"])').count();
  check(live >= 4, `tasks on the map: ${live}`);
  const svgFile = await download(page, '.demo-export-svg');
  check(svgFile.name === 'ecs-playground-architecture.svg', `the SVG's file name: ${svgFile.name}`);
  const svg = svgFile.bytes.toString('utf8');
  const parsed = await page.evaluate((svg) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.localName,
      namespace: doc.documentElement.namespaceURI,
      clusters: doc.querySelector('g.cluster')?.getAttribute('data-clusters') ?? null,
      tasks: doc.querySelectorAll('g.cluster g.task').length,
      zones: doc.querySelectorAll('g.zone').length,
      caption: doc.documentElement.textContent.includes('Scale to 6'),
    };
  }, svg);
  check(parsed.error === null && parsed.root === 'svg' && parsed.namespace === 'http://www.w3.org/2000/svg', `the SVG parses: ${JSON.stringify(parsed)}`);
  check(parsed.clusters === 'demo', `the SVG holds the cluster: ${parsed.clusters}`);
  check(parsed.tasks === live, `the SVG draws the ${live} tasks on the map: ${parsed.tasks}`);
  check(parsed.zones === 3, `the SVG draws the three zones: ${parsed.zones}`);
  check(parsed.caption, 'the SVG carries the caption reached');

  const png = await download(page, '.demo-export-png');
  check(png.name === 'ecs-playground-architecture.png', `the PNG's file name: ${png.name}`);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  check(signature.every((b, i) => png.bytes[i] === b), `a PNG signature: ${[...png.bytes.subarray(0, 8)]}`);
  const width = png.bytes.readUInt32BE(16);
  const height = png.bytes.readUInt32BE(20);
  const svgHeight = Number(/height="(\d+)"/.exec(svg)[1]);
  check(width === 1600 && height === svgHeight, `the PNG is the diagram's size: ${width}x${height} (SVG 1600x${svgHeight})`);
  check(png.bytes.length > 10_000, `the PNG holds a drawing: ${png.bytes.length} bytes`);

  // The exported diagram as a slide shows it.
  const slide = await page.context().newPage();
  await slide.setViewportSize({ width: 1600, height: svgHeight });
  await slide.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
  await screenshot(slide, 'demo-diagram-svg');
  await slide.close();

  await page.keyboard.press('Escape');
  await page.waitForSelector('.app:not([data-demo])');
  check((await page.locator('.builder').count()) === 1, 'the builder is back after Escape');
});
