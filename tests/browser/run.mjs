// Runs the browser suite: every specs/*.spec.mjs, each test in a fresh browser context.
//
//   node run.mjs --dist DIR [FILTER]   serve DIR (the Trunk build) on a free 127.0.0.1 port
//   node run.mjs --url URL [FILTER]    test an app that is already served (e.g. scripts/serve)
//
// FILTER keeps the tests whose name contains it. A test fails if it throws, or if its page logged a
// console error, threw, violated the CSP or requested another host. Every test leaves a screenshot in
// out/. The last line is `N passed, N failed`; the exit code is 1 if any test failed.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HERE, launchBrowser, openPage, registeredTests, screenshot } from './harness.mjs';
import { startServer } from './server.mjs';

function parseArgs(argv) {
  const args = { dist: null, url: null, filter: '' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dist') args.dist = argv[++i];
    else if (argv[i] === '--url') args.url = argv[++i];
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
    else args.filter = argv[i];
  }
  if (!args.dist === !args.url) throw new Error('usage: node run.mjs (--dist DIR | --url URL) [FILTER]');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const specDir = join(HERE, 'specs');
  for (const file of (await readdir(specDir)).filter((f) => f.endsWith('.spec.mjs')).sort()) {
    await import(pathToFileURL(join(specDir, file)).href);
  }
  const tests = registeredTests().filter((t) => t.name.includes(args.filter));

  const server = args.dist ? await startServer(resolve(args.dist)) : null;
  const url = server ? server.url : args.url;
  console.log(`browser suite: ${tests.length} tests against ${url}`);

  let passed = 0;
  let failed = 0;
  const browser = await launchBrowser();
  try {
    for (const t of tests) {
      const started = performance.now();
      const { context, page, problems, expectError } = await openPage(browser);
      let error = null;
      try {
        await t.fn({ page, url, expectError });
      } catch (e) {
        error = e;
      }
      try {
        await screenshot(page, t.name);
      } catch (e) {
        problems.push(`screenshot failed: ${e.message}`);
      }
      await context.close();
      const ms = Math.round(performance.now() - started);
      if (!error && problems.length === 0) {
        passed++;
        console.log(`  ok    ${t.name} (${ms} ms)`);
      } else {
        failed++;
        console.log(`  FAIL  ${t.name} (${ms} ms)`);
        if (error) console.log(`        ${String(error.stack ?? error).split('\n').join('\n        ')}`);
        for (const p of problems) console.log(`        ${p}`);
      }
    }
  } finally {
    await browser.close();
    if (server) await server.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && tests.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e.stack ?? e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
