// Load benchmark: the time from navigation start until the first scenario's tasks are drawn, on a cold load
// under a throttled network and on the offline return visit, in headless Chromium. Prints one JSON object.
//
//   node bench-load.mjs (--dist DIR | --url URL) [--gzip] [--runs N] [--check]
//
// With --dist the build is served by server.mjs, uncompressed; with --dist and --gzip by a server of this
// script that sends every file gzip -9 compressed (Content-Encoding: gzip), as a static host would.
//
// Each run opens a fresh browser context (empty HTTP cache, no service worker) and:
// - cold: emulates 10 Mbps down, 5 Mbps up and 40 ms round trip (CDP Network.emulateNetworkConditions),
//   loads the page, and records when the first task chip is in the DOM (a MutationObserver installed before
//   the page's scripts run; `performance.now()`, milliseconds since the navigation started); then clicks the
//   chip and waits for the Why? panel to show that task, so a figure is only kept if the chip was clickable;
// - offline: once the service worker is active, turns the network off (Playwright `setOffline`), loads the
//   page again and records the same.
// Beside each figure it reports the app's first render (the `ecs-playground:first-render` mark), which
// separates the load from the time the scenario takes to place its first task.
// With --check, exits 1 if a median is over its budget (1.5 s cold, 0.5 s offline).
import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser, openPage, runBenchmark, summary } from './harness.mjs';
import { startServer } from './server.mjs';

const COLD_BUDGET_MS = 1500;
const OFFLINE_BUDGET_MS = 500;
const NETWORK = { offline: false, latency: 40, downloadThroughput: (10e6 / 8), uploadThroughput: (5e6 / 8) };

function parseArgs(argv) {
  const args = { dist: null, url: null, gzip: false, runs: 5, check: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dist') args.dist = argv[++i];
    else if (argv[i] === '--url') args.url = argv[++i];
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--check') args.check = true;
    else if (argv[i] === '--gzip') args.gzip = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!args.dist === !args.url || !(args.runs > 0) || (args.gzip && !args.dist)) {
    throw new Error('usage: node bench-load.mjs (--dist DIR [--gzip] | --url URL) [--runs N] [--check]');
  }
  return args;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json' };

/** Serves the files of `dir` and its folders (`data/`) gzip -9 compressed on 127.0.0.1; resolves to `{ url, close() }`. */
async function startGzipServer(dir) {
  const files = new Map();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    files.set(`/${relative(dir, path).split(sep).join('/')}`, gzipSync(await readFile(path), { level: 9 }));
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname.replace(/\/$/, '/index.html');
    const body = files.get(path);
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Content-Encoding': 'gzip', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }) };
}

/** Loads `url`; returns the milliseconds from navigation start to the first task chip in the DOM and to the
 * app's first render (its `ecs-playground:first-render` mark). */
async function firstChipMs(page, url) {
  await page.goto(url);
  const ms = await page.waitForFunction(() => window.__firstChipMs ?? false, null, { timeout: 60_000 });
  const chipMs = await ms.jsonValue();
  const firstRenderMs = await page.evaluate(() => performance.getEntriesByName('ecs-playground:first-render')[0]?.startTime ?? null);
  // Clickable: the chip selects its task.
  const task = await page.getAttribute('.chip[data-task-id]', 'data-task-id');
  await page.click(`.chip[data-task-id="${task}"]`);
  await page.waitForSelector(`.explain .details[data-selected-task="${task}"]`);
  return { chipMs, firstRenderMs };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const server = args.dist ? await (args.gzip ? startGzipServer : startServer)(resolve(args.dist)) : null;
  const url = server ? server.url : args.url;
  const browser = await launchBrowser();
  const cold = [];
  const offline = [];
  try {
    for (let i = 0; i < args.runs; i++) {
      const { context, page, problems } = await openPage(browser);
      await page.addInitScript(() => {
        const observer = new MutationObserver(() => {
          if (document.querySelector('.chip')) {
            window.__firstChipMs = performance.now();
            observer.disconnect();
          }
        });
        observer.observe(document, { childList: true, subtree: true });
      });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', NETWORK);
      cold.push(await firstChipMs(page, url));
      await page.evaluate(() => navigator.serviceWorker.ready);
      await context.setOffline(true);
      offline.push(await firstChipMs(page, url));
      await context.close();
      if (problems.length) throw new Error(`run ${i + 1}: ${problems.join('; ')}`);
    }
  } finally {
    await browser.close();
    if (server) await server.close();
  }
  const result = {
    benchmark: 'load: first scenario drawn and clickable',
    url,
    browser: 'chromium (headless)',
    network: '10 Mbps down, 5 Mbps up, 40 ms RTT (cold); offline (return visit)',
    served: args.url ? 'as the URL serves it' : args.gzip ? 'gzip -9' : 'uncompressed',
    runs: args.runs,
    coldMs: summary(cold.map((r) => r.chipMs)),
    offlineMs: summary(offline.map((r) => r.chipMs)),
    firstRenderMs: { cold: summary(cold.map((r) => r.firstRenderMs)), offline: summary(offline.map((r) => r.firstRenderMs)) },
    budgetMs: { cold: COLD_BUDGET_MS, offline: OFFLINE_BUDGET_MS },
  };
  result.withinBudget = result.coldMs.median <= COLD_BUDGET_MS && result.offlineMs.median <= OFFLINE_BUDGET_MS;
  console.log(JSON.stringify(result, null, 2));
  return args.check && !result.withinBudget ? 1 : 0;
}

runBenchmark(main);
