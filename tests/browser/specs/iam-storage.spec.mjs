// IAM and EFS: the role editor validates policies as IAM does and creates roles; a task's denied
// calls show on the map and in the Why? panel with the deciding statement; EFS file systems are
// drawn across the AZs with their mount targets and keep files written by tasks; a task that
// cannot start for want of an execution role shows AWS's reason.
import { check, loadScenario, openTab, runUntil, screenshot, test, waitForApp } from '../harness.mjs';

const simTime = (page) => page.evaluate(() => window.ecsPlayground.state().simTimeMs);

test('the IAM editor shows IAM\'s message for a malformed policy and creates a role with a valid one', async ({ page, url }) => {
  await page.goto(url);
  await waitForApp(page);
  await openTab(page, 'IAM');
  await page.waitForSelector('.role-item[data-role="ecsTaskExecutionRole"]');
  // A statement with an unknown Effect: IAM refuses it, naming the element.
  await page.fill('.builder [name="inlinePolicy"]', '{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}]}');
  await page.waitForFunction(() => /MalformedPolicyDocument: .*Permit/.test(document.querySelector('.policy-error')?.textContent ?? ''));
  const error = await page.textContent('.policy-error');
  check(error.includes('Effect'), `the message does not name the element: ${error}`);
  await screenshot(page, 'iam-malformed-policy');
  // A valid one: create the role, save the inline policy, attach a managed policy.
  await page.fill('.builder [name="roleName"]', 'orders-task-role');
  await page.fill('.builder [name="inlinePolicy"]', '{"Version":"2012-10-17","Statement":[{"Sid":"ReadOrders","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/orders"}]}');
  await page.waitForFunction(() => document.querySelectorAll('.builder .policy-check.ok-text').length === 2);
  await page.click('.builder button:has-text("Create role (iam:CreateRole)")');
  await page.waitForSelector('.role-item[data-role="orders-task-role"]');
  await page.click('.builder button:has-text("Save inline policy")');
  await page.waitForSelector('.role-item[data-role="orders-task-role"] .policy-list li:has-text("inline: app-policy")');
  await page.selectOption('.builder [name="managedPolicy"]', 'arn:aws:iam::aws:policy/CloudWatchLogsFullAccess');
  await page.click('.builder button:has-text("Attach to the role")');
  await page.waitForSelector('.role-item[data-role="orders-task-role"] .policy-list li:has-text("managed: CloudWatchLogsFullAccess")');
  const trusted = await page.textContent('.role-item[data-role="orders-task-role"]');
  check(trusted.includes('ecs-tasks.amazonaws.com'), `the role's trust principals are not shown: ${trusted}`);
  // Creating it again: AWS's refusal, inline.
  await page.click('.builder button:has-text("Create role (iam:CreateRole)")');
  await page.waitForFunction(() => /EntityAlreadyExists/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  // The role is offered on the task definition form, and sets the JSON.
  await openTab(page, 'Task definitions');
  await page.selectOption('.builder [name="taskRoleArn"]', 'arn:aws:iam::123456789012:role/orders-task-role');
  await page.dispatchEvent('.builder [name="taskRoleArn"]', 'change');
  await page.waitForFunction(() => JSON.parse(document.querySelector('.builder textarea').value).taskRoleArn === 'arn:aws:iam::123456789012:role/orders-task-role');
});

test('least-privilege-task-role: the task shows its 2 denied calls and the allowing statement', async ({ page, url }) => {
  await loadScenario(page, url, 'least-privilege-task-role');
  await runUntil(page, 6 * 60_000 + 1_000);
  const chip = page.locator('.chip[data-status="RUNNING"]:has(.chip-family:text-is("reports"))').first();
  check((await chip.locator('.chip-denied').textContent()) === '2 denied', 'the task chip has no "2 denied" badge');
  await chip.click();
  await page.waitForSelector('.explain .task-access');
  const title = await page.textContent('.explain .access-title');
  check(title.includes('2 denied'), `the panel does not count 2 denied calls: ${title}`);
  check((await page.textContent('.explain .task-role')).includes('reports-task-role'), 'the task role is not shown');
  check((await page.locator('.explain .access-row[data-allowed="false"]').count()) === 2, 'expected 2 denied rows');
  // By default the latest denied call is explained, with AWS's AccessDenied text.
  await page.waitForFunction(() => /AccessDenied: User: arn:aws:sts::.*is not authorized to perform/.test(document.querySelector('.explain .access-explanation')?.textContent ?? ''));
  // The allowed s3:GetObject names its statement.
  await page.click('.explain .access-row:has-text("s3:GetObject")');
  await page.waitForFunction(() => /statement 'ReadReports'/.test(document.querySelector('.explain .access-explanation.allowed')?.textContent ?? ''));
  await page.evaluate(() => document.querySelector('.explain .task-access').scrollIntoView());
  await screenshot(page, 'least-privilege-denied-calls');
  // A call from the IAM tab: refused, with AWS's message inline.
  await openTab(page, 'IAM');
  await page.fill('.builder [name="callAction"]', 's3:DeleteObject');
  await page.fill('.builder [name="callResource"]', 'arn:aws:s3:::example-reports/old.csv');
  await page.click('.builder button:has-text("Make the call")');
  await page.waitForFunction(() => /AccessDenied.*s3:DeleteObject/.test(document.querySelector('.builder [role="alert"]')?.textContent ?? ''));
  await page.waitForFunction(() => document.querySelector('.chip-denied')?.textContent === '3 denied');
});

test('wordpress-efs: one file system with mount targets in both AZs keeps the file a task wrote', async ({ page, url }) => {
  await loadScenario(page, url, 'wordpress-efs');
  await page.waitForSelector('.storage-strip .efs-row');
  check((await page.locator('.storage-strip .efs-row').count()) === 1, 'expected one file system in the storage strip');
  for (const az of ['us-east-1a', 'us-east-1b']) {
    const target = page.locator(`.storage-strip .efs-az[data-az="${az}"] .mount-target`);
    check((await target.count()) === 1, `expected one mount target under ${az}`);
    const text = await target.textContent();
    check(/^mount target fsmt-\S+ \(sg-efs\)$/.test(text), `mount target text: ${text}`);
    // Aligned with the AZ column above it.
    const [column, cell] = await Promise.all([page.locator(`.zone[aria-label="Availability Zone ${az}"]`).boundingBox(), target.boundingBox()]);
    check(cell.x >= column.x - 2 && cell.x + cell.width <= column.x + column.width + 2, `the ${az} mount target is not under its AZ column`);
  }
  await runUntil(page, 2 * 60_000 + 1_000);
  await page.waitForSelector('.chip .chip-efs');
  await openTab(page, 'Storage');
  await page.waitForSelector('.file-browser .file-path:text-is("/wordpress/uploads/2026/01/welcome.jpg")');
  const row = await page.textContent('.file-browser .file-row');
  check(/task [0-9a-f]{8}/.test(row) && row.includes('T+02:00'), `the file row lacks its writer or time: ${row}`);
  check((await page.textContent('.s3-note')).includes('S3 bucket'), 'the S3 note is missing');
  // Write and read a file from a task.
  await page.fill('.builder [name="filePath"]', '/uploads/notes.txt');
  await page.click('.builder button:has-text("Write (sim:WriteFile)")');
  await page.waitForSelector('.file-browser .file-path:text-is("/wordpress/uploads/notes.txt")');
  await page.click('.builder button:has-text("Read (sim:ReadFile)")');
  await page.waitForSelector('.builder .ok-text:has-text("hello from a task")');
  await screenshot(page, 'wordpress-efs-storage');
});

test('missing-execution-role: a stopped task shows its ResourceInitializationError', async ({ page, url }) => {
  await loadScenario(page, url, 'missing-execution-role');
  await page.waitForSelector('.chip[data-status="STOPPED"]', { timeout: 30_000 });
  // Paused at T+3m whatever the machine's speed: after the first failures, before revision 2 fixes them at 4m.
  await runUntil(page, 3 * 60_000);
  await page.waitForSelector('.chip[data-status="STOPPED"]');
  await page.locator('.chip[data-status="STOPPED"]').first().click();
  await page.waitForSelector('.explain .details');
  await page.waitForFunction(() => /ResourceInitializationError/.test(document.querySelector('.explain .details')?.textContent ?? ''));
  const panel = await page.textContent('.explain .details');
  check(panel.includes('stoppedReason'), 'the stoppedReason row is missing');
  check(panel.includes('Execution role') && panel.includes('none'), 'the panel does not say the task has no execution role');
  check((await simTime(page)) < 4 * 60_000, 'the check ran after revision 2 fixed it');
});

test('wordpress-efs: a task that mounts EFS is listed under its AZ\'s mount target', async ({ page, url }) => {
  await loadScenario(page, url, 'wordpress-efs');
  await runUntil(page, 2 * 60_000 + 1_000);
  const chip = page.locator('.zone .chip.mounts-efs[data-status="RUNNING"]').first();
  const id = await chip.getAttribute('data-task-id');
  const az = await chip.evaluate((el) => el.closest('.zone').getAttribute('aria-label').replace('Availability Zone ', ''));
  check((await chip.locator('.chip-efs').getAttribute('data-mount-az')) === az, `the chip's EFS tag does not name its own AZ ${az}`);
  // Under that AZ's mount target, the task by the short id its chip shows; not under the other AZ's.
  const user = page.locator(`.storage-strip .efs-az[data-az="${az}"] .mount-user[data-task-id="${id}"]`);
  check((await user.count()) === 1, `task ${id} is not listed under the ${az} mount target`);
  check((await user.textContent()).includes(id.slice(0, 8)), 'the listed task lacks the short id shown on its chip');
  check((await page.locator(`.storage-strip .efs-az:not([data-az="${az}"]) .mount-user[data-task-id="${id}"]`).count()) === 0, 'the task is listed under another AZ too');
  // Clicking it selects the task.
  await user.locator('button').click();
  await page.waitForSelector(`.explain .details[data-selected-task="${id}"]`);
  await page.waitForSelector(`.chip.selected[data-task-id="${id}"]`);
});

test('binpack-vs-spread: an instance shows its instance profile and role; one without a profile says why it cannot register', async ({ page, url }) => {
  await loadScenario(page, url, 'binpack-vs-spread');
  await runUntil(page, 60_000);
  await page.locator('.instance .instance-head').first().click();
  await page.waitForFunction(() => /ecsInstanceRole → role ecsInstanceRole/.test(document.querySelector('.explain .instance-role')?.textContent ?? ''));
  check((await page.locator('.explain .instance-register-error').count()) === 0, 'a registered instance says it cannot register');
  // Launch one without an instance profile: it never registers, stays selectable, and says why.
  await openTab(page, 'Cluster');
  const before = await page.$$eval('.instance', (els) => els.map((e) => e.dataset.instanceId));
  await page.selectOption('.builder [name="instanceProfile"]', '');
  await page.click('.builder button:has-text("Launch (ec2:RunInstances)")');
  await page.waitForFunction((n) => document.querySelectorAll('.instance').length > n, before.length);
  const fresh = await page.$$eval('.instance', (els, before) => els.map((e) => e.dataset.instanceId).filter((id) => !before.includes(id)), before);
  await page.click('.time-controls .play');
  const started = await simTime(page);
  await page.waitForFunction((t) => window.ecsPlayground.state().simTimeMs >= t + 3 * 60_000, started, { timeout: 30_000 });
  await page.click('.time-controls .play');
  await page.click(`.instance[data-instance-id="${fresh[0]}"] .instance-head`);
  await page.waitForSelector('.explain .instance-register-error');
  check((await page.textContent('.explain .instance-register-error')).includes('ecs:RegisterContainerInstance'), 'the reason does not name ecs:RegisterContainerInstance');
  check((await page.textContent('.explain .instance-role')).includes('without an instance profile'), 'the panel does not say it has no instance profile');
  check((await page.textContent(`.instance[data-instance-id="${fresh[0]}"] .instance-state`)) === 'running, cannot register', 'the map does not say it cannot register');
});
