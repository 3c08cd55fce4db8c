// Load benchmark: the time from navigation start until the first scenario's tasks are drawn, on a cold load
// under a throttled network and on the offline return visit, in headless Chromium. Prints one JSON object.
//
//   node bench-load.mjs (--dist DIR | --url URL) [--runs N] [--check]
//
// Each run opens a fresh browser context (empty HTTP cache, no service worker) and:
// - cold: emulates 10 Mbps down, 5 Mbps up and 40 ms round trip (CDP Network.emulateNetworkConditions),
//   loads the page, and records when the first task chip is in the DOM (a MutationObserver installed before
//   the page's scripts run; `performance.now()`, milliseconds since the navigation started); then clicks the
//   chip and waits for the Why? panel to show that task, so a figure is only kept if the chip was clickable;
// - offline: once the service worker is active, turns the network off (Playwright `setOffline`), loads the
//   page again and records the same.
// With --check, exits 1 if a median is over its budget (1.5 s cold, 0.5 s offline).
import { resolve } from 'node:path';
import { launchBrowser, openPage, runBenchmark, summary } from './harness.mjs';
import { startServer } from './server.mjs';

const COLD_BUDGET_MS = 1500;
const OFFLINE_BUDGET_MS = 500;
const NETWORK = { offline: false, latency: 40, downloadThroughput: (10e6 / 8), uploadThroughput: (5e6 / 8) };

function parseArgs(argv) {
  const args = { dist: null, url: null, runs: 5, check: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dist') args.dist = argv[++i];
    else if (argv[i] === '--url') args.url = argv[++i];
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--check') args.check = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!args.dist === !args.url || !(args.runs > 0)) {
    throw new Error('usage: node bench-load.mjs (--dist DIR | --url URL) [--runs N] [--check]');
  }
  return args;
}

/** Loads `url` and returns the milliseconds from navigation start to the first task chip in the DOM. */
async function firstChipMs(page, url) {
  await page.goto(url);
  const ms = await page.waitForFunction(() => window.__firstChipMs ?? false, null, { timeout: 60_000 });
  const value = await ms.jsonValue();
  // Clickable: the chip selects its task.
  const task = await page.getAttribute('.chip[data-task-id]', 'data-task-id');
  await page.click(`.chip[data-task-id="${task}"]`);
  await page.waitForSelector(`.explain .details[data-selected-task="${task}"]`);
  return value;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const server = args.dist ? await startServer(resolve(args.dist)) : null;
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
    runs: args.runs,
    coldMs: summary(cold),
    offlineMs: summary(offline),
    budgetMs: { cold: COLD_BUDGET_MS, offline: OFFLINE_BUDGET_MS },
  };
  result.withinBudget = result.coldMs.median <= COLD_BUDGET_MS && result.offlineMs.median <= OFFLINE_BUDGET_MS;
  console.log(JSON.stringify(result, null, 2));
  return args.check && !result.withinBudget ? 1 : 0;
}

runBenchmark(main);
