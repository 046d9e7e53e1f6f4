// Deploy engine end to end, over SSH against the rig's real swarm: a
// 3-service recipe with a generated secret, a golang-templated config, an
// internal overlay network, a named volume and a host-mode port.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { Sandbox, SERVER, docker, httpGet, purgeStack, serviceTaskIds, stackObjects, waitForHttp } from './harness.js';
import { shapeProblems, type Shape } from './schemas.js';

const DOMAIN = 'deploy.kite.test';
const STACK = 'deploy_kite_test';
const PORT = 18080;
const sb = new Sandbox();
let secretValue = '';

before(() => {
  purgeStack(STACK);
  sb.addRecipe('kite-test-app');
});
after(() => purgeStack(STACK));

test('server add checks SSH and swarm, and records the server', async () => {
  const r = await sb.kite(['server', 'add', SERVER]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /server kite-test added/);
  assert.ok(statSync(`${sb.abraDir}/servers/${SERVER}`).isDirectory());
});

test('app new --secrets writes the env file (0600) and generates the secret', async () => {
  const r = await sb.kite(['app', 'new', 'kite-test-app', '--server', SERVER, '--domain', DOMAIN, '--secrets', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const created = JSON.parse(r.stdout);
  assert.equal(created.secrets.length, 1);
  assert.equal(created.secrets[0].remoteName, `${STACK}_db_password_v1`);
  secretValue = created.secrets[0].value;
  assert.equal(secretValue.length, 24, 'length=24 modifier honoured');
  assert.equal(statSync(sb.envPath(DOMAIN)).mode & 0o777, 0o600);
  assert.match(sb.readEnv(DOMAIN), /^DOMAIN=deploy\.kite\.test$/m);
  assert.equal(docker('secret', 'inspect', '--format', '{{.Spec.Name}}', `${STACK}_db_password_v1`), `${STACK}_db_password_v1`);
});

test('deploy converges and the app answers with the secret and the rendered config', async () => {
  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /converged/);
  const page = await waitForHttp(PORT, '/page.html');
  assert.equal(page.body.trim(), `domain=${DOMAIN} greeting=hello secret=${secretValue}`);
  assert.equal((await httpGet(PORT, '/secret.txt')).body, secretValue);

  const labels = JSON.parse(docker('service', 'inspect', `${STACK}_app`, '--format', '{{json .Spec.Labels}}'));
  assert.equal(labels['com.docker.stack.namespace'], STACK);
  assert.equal(labels[`coop-cloud.${STACK}.recipe`], 'kite-test-app');
  assert.equal(labels[`coop-cloud.${STACK}.version`], '1.0.0+1.0');
  assert.equal(labels[`coop-cloud.${STACK}.chaos`], 'false');
  const objects = stackObjects(STACK);
  assert.deepEqual(objects.services, [`${STACK}_app`, `${STACK}_db`, `${STACK}_worker`]);
  assert.deepEqual(objects.networks, [`${STACK}_internal`]);
  assert.ok(docker('volume', 'ls', '--format', '{{.Name}}').split('\n').includes(`${STACK}_db-data`));
});

test('deploy refuses an app that is already deployed without --force', async () => {
  const r = await sb.kite(['app', 'deploy', DOMAIN]);
  assert.equal(r.code, 6);
  assert.match(r.stderr, /already deployed/);
});

test('changing one env value redeploys only the affected service', async () => {
  const dbBefore = serviceTaskIds(`${STACK}_db`);
  const workerBefore = serviceTaskIds(`${STACK}_worker`);
  const appBefore = serviceTaskIds(`${STACK}_app`);
  sb.setEnv(DOMAIN, 'GREETING', 'hi');
  const r = await sb.kite(['app', 'deploy', DOMAIN, '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(serviceTaskIds(`${STACK}_db`), dbBefore);
  assert.deepEqual(serviceTaskIds(`${STACK}_worker`), workerBefore);
  assert.notDeepEqual(serviceTaskIds(`${STACK}_app`), appBefore);
  const page = await waitForHttp(PORT, '/page.html');
  assert.match(page.body, /greeting=hi /);
});

test('an image failing its healthcheck fails the deploy and the previous version runs again', async () => {
  sb.setEnv(DOMAIN, 'APP_TAG', 'unhealthy');
  const r = await sb.kite(['app', 'deploy', DOMAIN, '--force', '--timeout', '40']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`${STACK}_app`));
  assert.match(r.stderr, /previous version is running again/);
  const image = docker('service', 'inspect', `${STACK}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}');
  assert.equal(image.replace(/@sha256:.*/, ''), 'kite-test/web:1.0');
  const running = docker('service', 'ps', `${STACK}_app`, '--filter', 'desired-state=running', '--format', '{{.Image}} {{.CurrentState}}');
  assert.match(running, /^kite-test\/web:1\.0 Running/);
  const page = await waitForHttp(PORT, '/page.html');
  assert.match(page.body, /greeting=hi /);
  sb.setEnv(DOMAIN, 'APP_TAG', '1.0');
});

test('app ps lists the services as JSON', async () => {
  const r = await sb.kite(['app', 'ps', DOMAIN, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { service: string; running: number; desired: number }[];
  const row: Shape = { service: 'string', image: 'string', mode: 'string', running: 'number', desired: 'number', state: 'string', ports: ['string'] };
  for (const x of rows) assert.deepEqual(shapeProblems(x, 'version' in x ? { ...(row as Record<string, Shape>), version: 'string' } : row), [], JSON.stringify(x));
  assert.deepEqual(rows.map((x) => x.service), [`${STACK}_app`, `${STACK}_db`, `${STACK}_worker`]);
  for (const row of rows) assert.equal(row.running, row.desired, row.service);
});

test('undeploy removes services and networks, keeps volumes and secrets', async () => {
  const r = await sb.kite(['app', 'undeploy', DOMAIN]);
  assert.equal(r.code, 0, r.stderr);
  const objects = stackObjects(STACK);
  assert.deepEqual(objects.services, []);
  assert.deepEqual(objects.networks, []);
  assert.ok(docker('volume', 'ls', '--format', '{{.Name}}').split('\n').includes(`${STACK}_db-data`));
  assert.equal(docker('secret', 'ls', '--filter', `name=${STACK}_db_password_v1`, '--format', '{{.Name}}'), `${STACK}_db_password_v1`);
  const again = await sb.kite(['app', 'undeploy', DOMAIN]);
  assert.equal(again.code, 6);
  assert.match(again.stderr, /not deployed/);
});
