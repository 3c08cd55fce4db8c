// First-render benchmark: the time from navigation start to the app's first render, in a fresh
// browser context per run (cold HTTP cache), in headless Chromium. Prints one JSON object.
//
//   node bench.mjs (--dist DIR | --url URL) [--runs N] [--check]
//
// The figure per run is `performance.mark("ecs-playground:first-render").startTime`: milliseconds
// since the navigation started, recorded by the app right after Yew first rendered the shell.
// With --check, exits 1 if the median is over the budget (design.md: 1 s from localhost).
import { resolve } from 'node:path';
import { launchBrowser, openPage, runBenchmark } from './harness.mjs';
import { startServer } from './server.mjs';

const BUDGET_MS = 1000;

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
    throw new Error('usage: node bench.mjs (--dist DIR | --url URL) [--runs N] [--check]');
  }
  return args;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (ms) => Math.round(ms * 10) / 10;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const server = args.dist ? await startServer(resolve(args.dist)) : null;
  const url = server ? server.url : args.url;
  const browser = await launchBrowser();
  const runs = [];
  try {
    for (let i = 0; i < args.runs; i++) {
      const { context, page, problems } = await openPage(browser);
      await page.goto(url);
      await page.waitForFunction(() => performance.getEntriesByName('ecs-playground:first-render').length > 0);
      const ms = await page.evaluate(() => ({
        firstRender: performance.getEntriesByName('ecs-playground:first-render')[0].startTime,
        domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      }));
      await context.close();
      if (problems.length) throw new Error(`run ${i + 1}: ${problems.join('; ')}`);
      runs.push(ms);
    }
  } finally {
    await browser.close();
    if (server) await server.close();
  }
  const sorted = runs.map((r) => r.firstRender).sort((a, b) => a - b);
  const result = {
    benchmark: 'first-render',
    url,
    browser: 'chromium (headless)',
    runs: runs.length,
    firstRenderMs: {
      median: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      min: round(sorted[0]),
      max: round(sorted[sorted.length - 1]),
      each: runs.map((r) => round(r.firstRender)),
    },
    domContentLoadedMs: { each: runs.map((r) => round(r.domContentLoaded)) },
    budgetMs: BUDGET_MS,
    withinBudget: percentile(sorted, 50) <= BUDGET_MS,
  };
  console.log(JSON.stringify(result, null, 2));
  return args.check && !result.withinBudget ? 1 : 0;
}

runBenchmark(main);
