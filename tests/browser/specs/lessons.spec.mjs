// The Lessons tab: a lesson fetched from data/lessons/ is started, checked wrong, solved and checked right with the
// keyboard only (each action a key press on a focused control, or the page's space shortcut); its progress survives a reload; a generated quiz
// question is answered right and wrong, with the engine's explanation shown.
import { check, screenshot, test, waitForApp } from '../harness.mjs';

/** Presses `key` on the control `selector`, focused first (as Tab would reach it). */
async function press(page, selector, key = 'Enter') {
  await page.focus(selector);
  await page.keyboard.press(key);
}

async function openLessons(page) {
  await press(page, '.builder .tab:text-is("Lessons")');
  await page.waitForFunction(() => document.querySelectorAll('select[name="lesson"] option').length > 25);
}

test('a lesson is completed with the keyboard only, and its progress survives a reload', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openLessons(page);
  // The first lesson of the first track, picked by typing the start of its title in the focused select.
  await page.focus('select[name="lesson"]');
  await page.keyboard.type('Hello');
  await page.waitForSelector('.lesson[data-lesson="first-fargate-service"]');
  check((await page.textContent('.lesson-goal')).includes('2 tasks on Fargate'), 'the goal is shown');
  // The lesson came on demand from data/lessons/, and its texts are not in the wasm.
  const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  check(resources.some((n) => n.endsWith('/data/lessons/first-fargate-service.json')), 'the lesson file was fetched when picked');
  const wasm = resources.find((n) => n.endsWith('_bg.wasm'));
  const inWasm = await page.evaluate(async (u) => new TextDecoder('latin1').decode(new Uint8Array(await (await fetch(u)).arrayBuffer())).includes('Hello, Fargate: your first service'), wasm);
  check(wasm && !inWasm, 'the lesson texts are not compiled into the wasm');
  check((await page.locator('.lesson-steps > li').count()) === 3, 'the steps are listed');
  await press(page, '.lesson-actions button:text-is("Start lesson")');
  await page.waitForSelector('.lesson-actions button:text-is("Check")');
  // Let the scenario's first steps run: the fastest speed (typed in the focused speed select), play, then pause.
  await page.focus('.time-controls select');
  await page.keyboard.type('600');
  // The page's shortcut: space plays and pauses (with no control focused).
  await page.evaluate(() => document.activeElement.blur());
  if (!(await page.evaluate(() => window.ecsPlayground.state().playing))) await page.keyboard.press('Space');
  await page.waitForFunction(() => window.ecsPlayground.state().simTimeMs >= 10_000, null, { timeout: 30_000 });
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !window.ecsPlayground.state().playing);
  // A check before any work fails, and says why.
  await press(page, '.lesson-actions button:text-is("Check")');
  await page.waitForSelector('.lesson-report');
  check((await page.textContent('.lesson-report')).includes('0 of 3 objectives passed'), 'nothing passes before the work');
  check((await page.textContent('.verdict[data-objective="steady"]')).includes("There is no service 'web' in cluster 'demo'."), 'the failed objective says why');
  // The reference solution, applied through the panel, then Check again.
  await press(page, '.lesson-actions button:text-is("Show solution")');
  await press(page, '.lesson-solution button:text-is("Apply solution now")');
  await page.waitForSelector('.lesson-solution p.hint:text-is("ecs:CreateService: ok")');
  await press(page, '.lesson-actions button:text-is("Check")');
  await page.waitForFunction(() => document.querySelector('.lesson-report')?.textContent.includes('3 of 3 objectives passed'));
  check((await page.locator('.verdict.pass').count()) === 3, 'every objective passes');
  check((await page.textContent('.verdict[data-objective="zones"]')).includes('us-east-1a, us-east-1b'), 'the reason names the zones');
  await screenshot(page, 'lesson-checked');
  // Progress survives a reload: the lesson is marked done and counts for its exams.
  await page.reload();
  await waitForApp(page);
  await openLessons(page);
  check((await page.evaluate(() => document.querySelector('select[name="lesson"]').value)) === '', 'no lesson is shown as picked before the learner picks one');
  const option = await page.textContent('select[name="lesson"] option[value="first-fargate-service"]');
  check(option.startsWith('✓ '), `the lesson is marked done after the reload: ${option}`);
  check((await page.textContent('.lesson-exams')).includes('CLF-C02: 1 of'), 'the exam progress counts it');
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('ecs-playground.lessons.v1')));
  check(saved.schemaVersion === 1 && saved.lessons[0].id === 'first-fargate-service' && saved.lessons[0].passed === 3, 'the progress is stored with its schema version');
});

test('a generated quiz question is answered right and wrong, with the engine explanation', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openLessons(page);
  await page.fill('input[name="quiz-seed"]', '7');
  const ask = async () => {
    await page.click('.quiz .lesson-actions button:text-is("Where will the next task be placed?")');
    await page.waitForSelector('.quiz-question[data-seed="7"] .choice:not([disabled])');
  };
  // First attempt: the first choice; the engine's choice is then marked.
  await ask();
  const situation = async () => (await page.textContent('.quiz-question > p:nth-of-type(2)')) + (await page.textContent('.quiz-facts'));
  const first = await situation();
  await page.click('.quiz-choices .choice >> nth=0');
  await page.waitForSelector('.quiz-result');
  const choices = page.locator('.quiz-choices .choice');
  const n = await choices.count();
  let right = -1;
  for (let i = 0; i < n; i++) if ((await choices.nth(i).getAttribute('class')).includes('right')) right = i;
  check(right >= 0, 'the engine choice is marked');
  check((await page.textContent('.quiz-explanation')).includes('(chosen)'), 'the placement explanation is shown');
  // The same seed gives the same question: answer it right, then wrong.
  await ask();
  check((await situation()) === first, 'the same seed gives the same question');
  await page.click(`.quiz-choices .choice >> nth=${right}`);
  await page.waitForSelector('.quiz-result .ok-text:text-is("Right.")');
  await screenshot(page, 'quiz-right');
  await ask();
  await page.click(`.quiz-choices .choice >> nth=${(right + 1) % n}`);
  await page.waitForSelector('.quiz-result .error-text');
  check((await page.textContent('.quiz-result .error-text')).startsWith('Not this one: the engine chose'), 'a wrong answer names the engine choice');
  const score = await page.textContent('.quiz .subhead');
  check(score.endsWith('of 3 answered right'), `the score counts three answers: ${score}`);
});
