// The Lessons tab's decision cards: the decision lab is picked, its cards are answered with the keyboard only
// (a radio group per card: the arrow keys move the pick; Space stays the page's play/pause shortcut), Check judges each pick
// (the cost cards by the simulated bill) and gives the answer with its explanation; a corrected pick passes.
import { check, screenshot, test, waitForApp } from '../harness.mjs';

/** Presses `key` on the control `selector`, focused first (as Tab would reach it). */
async function press(page, selector, key = 'Enter') {
  await page.focus(selector);
  await page.keyboard.press(key);
}

/** Picks choice `index` of the card `id` with the keyboard: on its first choice, ArrowDown then ArrowUp picks
 * it, then ArrowDown `index` times. */
async function answer(page, id, index) {
  await press(page, `.decision-card[data-card="${id}"] input[value="0"]`, 'ArrowDown');
  await page.keyboard.press('ArrowUp');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  const picked = await page.evaluate((card) => document.querySelector(`.decision-card[data-card="${card}"] input:checked`)?.value, id);
  check(picked === String(index), `card ${id}: choice ${index} is picked (${picked})`);
}

test('the decision cards of a lesson are answered with the keyboard and judged at Check', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await press(page, '.builder .tab:text-is("Lessons")');
  await page.waitForFunction(() => document.querySelectorAll('select[name="lesson"] option').length > 25);
  await page.focus('select[name="lesson"]');
  await page.keyboard.type('ECS, EKS');
  await page.waitForSelector('.lesson[data-lesson="choose-the-platform"]');
  check((await page.locator('.decision-card').count()) === 8, 'the eight cards are shown');
  check((await page.textContent('.decision-card[data-card="gpu"] legend')) === 'A model server needs a GPU.', 'a card shows its question');
  await press(page, '.lesson-actions button:text-is("Start lesson")');
  await page.waitForSelector('.lesson-actions button:text-is("Check")');
  // Every card answered right but the GPU card (Fargate instead of EC2).
  const picks = { 'steady-cost': 0, 'spiky-cost': 1, helm: 0, 'least-ops': 1, 'two-seconds': 3, gpu: 1, 'on-premises': 0, 'who-patches': 0 };
  for (const [id, index] of Object.entries(picks)) await answer(page, id, index);
  check((await page.textContent('.lesson-cards .subhead')).includes('8 of 8 answered'), 'the panel counts the answered cards');
  await press(page, '.lesson-actions button:text-is("Check")');
  await page.waitForFunction(() => document.querySelector('.lesson-report')?.textContent.includes('7 of 8 objectives passed'), null, { timeout: 30_000 });
  const gpu = await page.textContent('.verdict[data-objective="gpu"]');
  check(gpu.includes('You picked Amazon ECS on AWS Fargate; the answer is Amazon ECS on Amazon EC2.'), `the wrong pick is named with the answer: ${gpu}`);
  const spiky = await page.textContent('.verdict[data-objective="spiky-cost"]');
  check(spiky.includes("(cluster 'spiky-ec2') cost $1.") && spiky.includes("(cluster 'spiky-fargate') cost $0."), `the cost card shows the bill: ${spiky}`);
  await screenshot(page, 'lesson-decision-cards');
  // The GPU card corrected with the keyboard, then Check again.
  await press(page, '.decision-card[data-card="gpu"] input[value="1"]', 'ArrowDown');
  await press(page, '.lesson-actions button:text-is("Check")');
  await page.waitForFunction(() => document.querySelector('.lesson-report')?.textContent.includes('8 of 8 objectives passed'), null, { timeout: 30_000 });
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('ecs-playground.lessons.v1')));
  check(saved.lessons.some((l) => l.id === 'choose-the-platform' && l.passed === 8 && l.of === 8), 'the progress records the lesson done');
});
