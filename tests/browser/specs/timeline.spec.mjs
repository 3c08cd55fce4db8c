// The timeline: rewinding rebuilds the run as it stood (the same trace hash as a run stopped there),
// replaying forward re-applies the learner's later calls (the same hash as before the rewind), a step back
// undoes one event, a rewound run survives a reload, and a new call after a rewind takes another course.
import { check, openTab, screenshot, seekTo, state, test, waitForApp } from '../harness.mjs';

/** The first scenario at 60x: paused after 30 s of sim time, one RunTask call, then on past 4 minutes. */
async function runWithOneCall(page, url) {
  await page.goto(url);
  await waitForApp(page);
  await page.selectOption('.time-controls select', '60');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs > 30_000);
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  await openTab(page, 'Run task');
  await page.click('.builder button:has-text("Run (ecs:RunTask)")');
  await page.waitForSelector('.builder .ok-text');
  const call = await state(page);
  await page.selectOption('.time-controls select', '600');
  await page.click('.time-controls .play');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs > 240_000);
  await page.click('.time-controls .play');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  return { call, end: await state(page) };
}

test('the timeline rewinds to the same run and replays the later call back to the same trace hash', async ({ page, url }) => {
  const { call, end } = await runWithOneCall(page, url);
  check(end.latestMs === end.simTimeMs && end.pendingCalls === 0, `a live run has nothing pending: ${JSON.stringify(end)}`);

  // Back to 10 s, before the call: the state of the scenario run alone to 10 s, the call pending.
  await seekTo(page, 10_000);
  const rewound = await state(page);
  const headless = await page.evaluate(() => window.ecsPlayground.traceHash('fargate-web-service', null, 10_000));
  check(rewound.traceHash === headless, `rewound to 10 s: hash ${rewound.traceHash}, the scenario alone to 10 s: ${headless}`);
  check(rewound.pendingCalls === 1 && rewound.latestMs === end.simTimeMs, `after the rewind: ${JSON.stringify(rewound)}`);
  check(!rewound.playing, 'a rewind leaves the run paused');
  check((await page.textContent('.timeline-caption')).includes('1 later call replays'), 'the timeline does not say a call will replay');
  check((await page.locator('.timeline-mark.pending[title^="ecs:RunTask at T+00:3"]').count()) === 1, 'no hollow mark for the RunTask to replay');
  check((await page.textContent('.clock-elapsed')) === 'T+00:10', `the clock shows ${await page.textContent('.clock-elapsed')}`);
  check((await page.locator('.log-row.kind-call:has-text("ecs:RunTask")').count()) === 0, 'the event log still shows the later RunTask');
  await screenshot(page, 'timeline-rewound');

  // A rewound run survives a reload, pending call included.
  await page.reload();
  await waitForApp(page);
  const reloaded = await state(page);
  check(reloaded.simTimeMs === 10_000 && reloaded.traceHash === rewound.traceHash && reloaded.pendingCalls === 1,
    `reloaded ${JSON.stringify(reloaded)}, saved ${JSON.stringify(rewound)}`);

  // So does a share link of it: another page opens it at 10 s with the call to replay, and replays it the same.
  await openTab(page, 'Files');
  await page.click('.builder button:has-text("Create share link")');
  const link = await page.inputValue('.share-link');
  const other = await page.context().newPage();
  await other.goto(link);
  await waitForApp(other);
  const opened = await state(other);
  check(opened.simTimeMs === 10_000 && opened.pendingCalls === 1 && opened.latestMs === end.simTimeMs && opened.traceHash === rewound.traceHash,
    `the shared rewound run opened as ${JSON.stringify(opened)}`);
  await seekTo(other, end.simTimeMs);
  check((await state(other)).traceHash === end.traceHash, 'the shared run did not replay to the original trace hash');
  await other.close();

  // Forward again to where the run was: the call re-applied at its point gives the same run.
  await seekTo(page, end.simTimeMs);
  const replayed = await state(page);
  check(replayed.traceHash === end.traceHash && replayed.nEvents === end.nEvents && replayed.pendingCalls === 0,
    `replayed ${JSON.stringify(replayed)}, original ${JSON.stringify(end)}`);
  check((await page.locator('.log-row.kind-call:has-text("ecs:RunTask")').count()) === 1, 'the replayed RunTask is not in the event log');
  check((await page.locator('.timeline-mark:not(.pending)').count()) === 1, 'the replayed RunTask is not marked as made');
  check(call.nEvents < end.nEvents, 'the call was made mid-run');

  // Step back (,) undoes one event; Step (.) redoes it.
  await page.keyboard.press(',');
  await page.waitForFunction((n) => window.ecsPlayground.state().nEvents === n - 1, end.nEvents);
  check((await state(page)).traceHash !== end.traceHash, 'a step back left the trace hash unchanged');
  await page.click('.time-controls .step');
  await page.waitForFunction((n) => window.ecsPlayground.state().nEvents === n, end.nEvents);
  check((await state(page)).traceHash === end.traceHash, 'step back then step did not come back to the same run');
});

test('a call made after a rewind drops the later calls and says so', async ({ page, url }) => {
  const { end } = await runWithOneCall(page, url);
  check((await page.locator('.builder .ok-text:has-text("Started 1 task")').count()) === 1, 'the Run task form does not report its call');
  await seekTo(page, 20_000);
  // The form's outcome line reported a call that is now in the future: the rewind clears it.
  await page.waitForFunction(() => !document.querySelector('.builder .ok-text'));
  check((await state(page)).pendingCalls === 1, 'the RunTask is not pending after the rewind');
  // A call that only reads keeps the course: the RunTask still replays.
  await openTab(page, 'API');
  await page.click('.api-console button:text-is("Send")');
  await page.waitForSelector('.api-console .ok-text:has-text("answered")');
  const read = await state(page);
  check(read.pendingCalls === 1 && read.latestMs === end.latestMs, `after a Describe call: ${JSON.stringify(read)}`);
  await openTab(page, 'Run task');
  await page.click('.builder button:has-text("Run (ecs:RunTask)")');
  await page.waitForSelector('.banner:has-text("will not be replayed")');
  const branched = await state(page);
  check(branched.pendingCalls === 0 && branched.latestMs === 20_000, `after the new call: ${JSON.stringify(branched)}`);
  const caption = await page.textContent('.timeline-caption');
  check(caption.includes('drag back to rewind'), `the timeline caption after the new call: "${caption}"`);
  // The old course is gone: the timeline ends here, and the only RunTask in the log is the new one, at 20 s.
  check((await page.getAttribute('.timeline input', 'max')) === '20000', 'the timeline still reaches the old end');
  const runTasks = await page.locator('.log-row.kind-call:has-text("ecs:RunTask")').allTextContents();
  check(runTasks.length === 1 && runTasks[0].includes('T+00:20'), `RunTask calls in the log: ${JSON.stringify(runTasks)}`);
  check(end.latestMs > 20_000, 'the original run went past 20 s');
});
