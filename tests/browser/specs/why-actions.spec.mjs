// The Why? panel's actions on the selection, and the builder's Deregister: each makes its AWS call, and the map
// and lists show what it changed.
import { check, loadScenario, openTab, runUntil, test, waitForLog } from '../harness.mjs';

test('the Why? panel stops a task, drains, activates and terminates an instance; a task definition is deregistered', async ({ page, url }) => {
  await loadScenario(page, url, 'binpack-vs-spread');
  await runUntil(page, 90_000);

  // A task on an instance: StopTask.
  const task = await page.getAttribute('.instance .chip[data-status="RUNNING"]', 'data-task-id');
  await page.click(`.chip[data-task-id="${task}"]`);
  await page.click('.explain button:has-text("Stop task (ecs:StopTask)")');
  await waitForLog(page, 'call', new RegExp(`ecs:StopTask.*${task}`));
  const refused = await page.locator('.explain .error-text').allTextContents();
  check(refused.length === 0, `StopTask was refused: ${refused}`);

  // An instance: drain it, activate it again, terminate it.
  const instance = await page.getAttribute('.instance[data-lifecycle="ACTIVE"]', 'data-instance-id');
  const box = `.instance[data-instance-id="${instance}"]`;
  await page.click(`${box} .instance-head`);
  await page.click('.explain button:has-text("Drain (DRAINING)")');
  await page.waitForSelector(`${box}[data-lifecycle="DRAINING"]`);
  await page.click('.explain button:has-text("Activate (ACTIVE)")');
  await page.waitForSelector(`${box}[data-lifecycle="ACTIVE"]`);
  await page.click('.explain button:has-text("Terminate (ec2:TerminateInstances)")');
  await waitForLog(page, 'call', new RegExp(`ec2:TerminateInstances.*${instance}`));
  await page.waitForSelector(`${box}:not([data-lifecycle="ACTIVE"])`);

  // The builder's list of task definitions: Deregister makes the revision INACTIVE.
  await openTab(page, 'Task definitions');
  const item = '.td-item:has(button:has-text("Deregister"))';
  const name = await page.textContent(`${item} .td-name`);
  await page.click(`${item} button:has-text("Deregister")`);
  await page.waitForFunction(
    (name) => [...document.querySelectorAll('.td-item')].some((i) => i.querySelector('.td-name')?.textContent === name && i.querySelector('.td-status')?.textContent === 'INACTIVE'),
    name,
  );
  await waitForLog(page, 'call', /ecs:DeregisterTaskDefinition/);
});
