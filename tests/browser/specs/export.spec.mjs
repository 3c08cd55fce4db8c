// Export to real AWS from the Files tab: the account as a CloudFormation template (YAML and JSON) and the run's
// calls as an AWS CLI script, each downloaded; and a task definition's Export is RegisterTaskDefinition input.
import { readFile } from 'node:fs/promises';
import { check, loadScenario, openTab, runUntil, screenshot, test } from '../harness.mjs';

/** Clicks `selector` and returns the name and text of the file it downloads. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

test('the Files tab downloads the account as CloudFormation YAML and JSON and the calls as an AWS CLI script', async ({ page, url }) => {
  await loadScenario(page, url, 'alb-path-routing');
  await runUntil(page, 10_000);
  await openTab(page, 'Files');
  await page.locator('.export-buttons').scrollIntoViewIfNeeded();
  await screenshot(page, 'export-files-tab');

  const yaml = await download(page, '[data-export="ecs-playground.template.yaml"]');
  check(yaml.name === 'ecs-playground.template.yaml', `the YAML file's name: ${yaml.name}`);
  check(yaml.text.startsWith('AWSTemplateFormatVersion: "2010-09-09"\n'), `the YAML template's first line: ${yaml.text.slice(0, 60)}`);
  check(yaml.text.includes('  DemoWebService:\n    Type: AWS::ECS::Service\n    DependsOn:\n      - ShopAlb80Listener\n'), 'the service waits for its listener');
  check(yaml.text.includes('TargetGroupArn: !Ref WebTgTargetGroup'), 'the target group is a Ref');

  const json = await download(page, '[data-export="ecs-playground.template.json"]');
  const template = JSON.parse(json.text);
  check(template.Resources.DemoApiService.DependsOn[0] === 'ShopAlb80Rule10ListenerRule', 'the JSON template has the same resources');
  check(template.Parameters.SubnetA.Type === 'AWS::EC2::Subnet::Id', 'the subnets are Parameters');

  const cli = await download(page, '[data-export="ecs-playground-calls.sh"]');
  check(cli.text.startsWith('#!/usr/bin/env bash\n'), 'the CLI export is a bash script');
  check(cli.text.includes("LISTENER_ARN_1=$(aws elbv2 create-listener --cli-input-json"), 'the listener ARN is captured');
  check(cli.text.includes('"ListenerArn": "${LISTENER_ARN_1}"'), 'the rule reads the captured listener ARN');
});

test("a task definition's Export is RegisterTaskDefinition input, without the members AWS sets", async ({ page, url }) => {
  await loadScenario(page, url, 'alb-path-routing');
  await runUntil(page, 10_000);
  await openTab(page, 'Task definitions');
  const file = await download(page, '.td-item[data-family="web"] a:has-text("Export")');
  const input = JSON.parse(file.text);
  check(input.family === 'web' && input.containerDefinitions[0].name === 'web', `the export: ${file.text.slice(0, 120)}`);
  for (const member of ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy']) {
    check(!(member in input), `${member} is read-only but exported`);
  }
});
