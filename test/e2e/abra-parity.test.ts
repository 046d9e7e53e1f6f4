// A stack deployed by the docker CLI itself (as abra deploys: the recipe's
// compose files plus abra's labels and env on `app`), then redeployed by
// `kite app deploy --force` with nothing changed: kite must send the same
// service fields `docker stack deploy` sends, so no task restarts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, docker, purgeStack, serviceTaskIds } from './harness.js';

const RECIPE = 'kite-read-app';
const DOMAIN = 'parity.kite.test';
const STACK = 'parity_kite_test';
const PORT = '18486';
const sb = new Sandbox();

before(async () => {
  purgeStack(STACK);
  const recipeDir = sb.addRecipe(RECIPE);
  assert.equal((await sb.kite(['server', 'add', 'kite-test'])).code, 0);
  const r = await sb.kite(['app', 'new', RECIPE, '-s', 'kite-test', '-D', DOMAIN, '-n']);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);

  // what abra adds before `docker stack deploy`: labels and the app env on `app`
  const overlay = join(sb.abraDir, 'abra-conventions.yml');
  writeFileSync(
    overlay,
    `version: "3.8"
services:
  app:
    environment:
      - APP_PORT=${PORT}
      - DOMAIN=${DOMAIN}
      - GREETING=hello
      - LETS_ENCRYPT_ENV=production
      - TIMEOUT=60
      - TYPE=${RECIPE}:1.0.0+1.0
    deploy:
      labels:
        - coop-cloud.${STACK}.recipe=${RECIPE}
        - coop-cloud.${STACK}.chaos=false
        - coop-cloud.${STACK}.autoupdate=false
`,
  );
  execFileSync('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', 'compose.yml', '-c', overlay, STACK], {
    cwd: recipeDir,
    env: { ...process.env, STACK_NAME: STACK, APP_PORT: PORT, GREETING: 'hello', TIMEOUT: '60' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 60 && serviceTaskIds(`${STACK}_app`).length + serviceTaskIds(`${STACK}_worker`).length < 2; i++) execFileSync('sleep', ['0.5']);
});

after(() => purgeStack(STACK));

test('kite app deploy --force of a stack the docker CLI deployed, nothing changed, restarts no task', async () => {
  const tasks = () => [...serviceTaskIds(`${STACK}_app`), ...serviceTaskIds(`${STACK}_worker`)];
  const before = tasks();
  assert.equal(before.length, 2, 'both services run one task');
  const r = await sb.kite(['app', 'deploy', DOMAIN, '--force', '-n']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tasks(), before, 'the same tasks still run');
  // and kite's spec is what the docker CLI's was: an empty Privileges included
  assert.equal(docker('service', 'inspect', `${STACK}_app`, '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Privileges}}').startsWith('{'), true);
});
