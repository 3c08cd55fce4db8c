// Placement-in-wasm benchmark: 50,000 tasks on 5,000 instances placed by the release build in
// headless Chromium (`window.ecsPlayground.benchPlacement`, setup untimed, placement timed with
// performance.now()), and the wasm linear memory after the run. Prints one JSON object.
//
//   node bench-placement.mjs (--dist DIR | --url URL) [--runs N] [--instances N] [--tasks N] [--check]
//
// Each run is a fresh page. With --check, exits 1 if the median time is over 0.5 s or the largest
// linear memory is over 100 MB (design.md "Performance budgets"), or the runs disagree on the checksum.
import { resolve } from 'node:path';
import { launchBrowser, openPage, summary, waitForApp, runBenchmark } from './harness.mjs';
import { startServer } from './server.mjs';

const BUDGET_MS = 500;
const BUDGET_MEMORY_BYTES = 100 * 1000 * 1000;

function parseArgs(argv) {
  const args = { dist: null, url: null, runs: 5, instances: 5000, tasks: 50000, check: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dist') args.dist = argv[++i];
    else if (argv[i] === '--url') args.url = argv[++i];
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--instances') args.instances = Number(argv[++i]);
    else if (argv[i] === '--tasks') args.tasks = Number(argv[++i]);
    else if (argv[i] === '--check') args.check = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!args.dist === !args.url || !(args.runs > 0)) {
    throw new Error('usage: node bench-placement.mjs (--dist DIR | --url URL) [--runs N] [--instances N] [--tasks N] [--check]');
  }
  return args;
}

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
      await waitForApp(page);
      runs.push(await page.evaluate(([n, t]) => window.ecsPlayground.benchPlacement(n, t), [args.instances, args.tasks]));
      await context.close();
      if (problems.length) throw new Error(`run ${i + 1}: ${problems.join('; ')}`);
    }
  } finally {
    await browser.close();
    if (server) await server.close();
  }
  const checksums = [...new Set(runs.map((r) => r.checksum))];
  const ms = summary(runs.map((r) => r.ms));
  const memoryMB = summary(runs.map((r) => r.wasmMemoryBytes / 1e6));
  const result = {
    benchmark: 'placement-wasm',
    url,
    browser: 'chromium (headless)',
    instances: args.instances,
    tasks: runs[0].tasks,
    placed: runs[0].placed,
    failed: runs[0].failed,
    checksum: checksums.join(','),
    runs: runs.length,
    placementMs: ms,
    wasmMemoryMB: memoryMB,
    budgetMs: BUDGET_MS,
    budgetMemoryMB: BUDGET_MEMORY_BYTES / 1e6,
    withinBudget: ms.median <= BUDGET_MS && memoryMB.max * 1e6 <= BUDGET_MEMORY_BYTES && checksums.length === 1,
  };
  console.log(JSON.stringify(result, null, 2));
  return args.check && !result.withinBudget ? 1 : 0;
}

runBenchmark(main);
