// The deploy algorithm (app deploy / upgrade / rollback) against a fake
// Swarm that simulates update states and task lifecycles in virtual time:
// each defect found by review or audit has a test here that fails on the
// code that had it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbraDir } from '../../src/adapters/abra-dir.js';
import { createPorts } from '../../src/cli/ports.js';
import { appDeploy, type AppDeployInput, type AppDeployResult } from '../../src/operations/app-deploy.js';
import { readHistory } from '../../src/operations/deploy-history.js';
import type { DeployEvent } from '../../src/operations/events.js';
import { ApplyFailedError, CancelledError, DeployFailedError, DockerApiError } from '../../src/core/errors.js';
import { FakeSwarm } from './helpers/fake-swarm.js';

const DOMAIN = 'web.example.com';
const STACK = 'web_example_com';
const APP = `${STACK}_app`;

/** a recipe with an `app` service (image chosen by APP_IMAGE), a config and an optional job */
function compose(extra = ''): string {
  return `version: "3.8"
services:
  app:
    image: \${APP_IMAGE:-web:good}
    configs:
      - source: page
        target: /www/page.html
    deploy:
      update_config:
        monitor: 2s
      restart_policy:
        delay: 1s
      labels:
        - "coop-cloud.\${STACK_NAME}.version=\${VERSION_LABEL:-1.0.0+1.0}"
${extra}
configs:
  page:
    name: \${STACK_NAME}_page_\${PAGE_VERSION:-v1}
    file: page.html
`;
}

function sandbox(composeText = compose(), env: Record<string, string> = {}): { dir: AbraDir; envPath: string } {
  const root = mkdtempSync(join(tmpdir(), 'kite-deploy-unit-'));
  const recipe = join(root, 'recipes', 'web');
  mkdirSync(recipe, { recursive: true });
  mkdirSync(join(root, 'servers', 'fake'), { recursive: true });
  writeFileSync(join(recipe, 'compose.yml'), composeText);
  writeFileSync(join(recipe, 'page.html'), '<h1>hello</h1>\n');
  const envPath = join(root, 'servers', 'fake', `${DOMAIN}.env`);
  const lines = ['TYPE=web', `DOMAIN=${DOMAIN}`, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  writeFileSync(envPath, lines.join('\n') + '\n', { mode: 0o600 });
  return { dir: new AbraDir(root), envPath };
}

function setEnv(envPath: string, key: string, value: string): void {
  const lines = readFileSync(envPath, 'utf8').split('\n').filter((l) => !l.startsWith(`${key}=`));
  lines.splice(lines.length - 1, 0, `${key}=${value}`);
  writeFileSync(envPath, lines.join('\n'));
}

interface Outcome {
  events: DeployEvent[];
  result?: AppDeployResult;
  error?: Error;
}

async function deploy(dir: AbraDir, swarm: FakeSwarm, input: Partial<AppDeployInput> = {}): Promise<Outcome> {
  const events: DeployEvent[] = [];
  const gen = appDeploy(createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock }), { domain: DOMAIN, mode: 'deploy', offline: true, ...input });
  try {
    for (;;) {
      const next = await gen.next();
      if (next.done) return { events, result: next.value };
      events.push(next.value);
    }
  } catch (e) {
    return { events, error: e as Error };
  }
}

function good(): FakeSwarm {
  return new FakeSwarm().behave('web:good', { startMs: 1000 }).behave('web:bad', { startMs: 500, failAfterMs: 1500, error: 'exit 1', logs: ['boom'] });
}

test('a first deploy converges, records TYPE= and one history entry', async () => {
  const { dir, envPath } = sandbox();
  const swarm = good();
  const out = await deploy(dir, swarm);
  assert.equal(out.error, undefined);
  assert.equal(out.result?.converged, true);
  assert.match(readFileSync(envPath, 'utf8'), /^TYPE=web:1\.0\.0\+1\.0$/m);
  const history = await readHistory(swarm, STACK);
  assert.deepEqual(history.map((h) => h.result), ['success']);
});

test('--timeout bounds the watch (it used to be ignored in favour of the label and 50 s)', async () => {
  const { dir } = sandbox();
  const swarm = good().behave('web:never', { pending: 'no suitable node (insufficient resources on 1 node)' });
  const { dir: _ } = { dir };
  setEnv(join(dir.root, 'servers', 'fake', `${DOMAIN}.env`), 'APP_IMAGE', 'web:never');
  const started = swarm.t;
  const out = await deploy(dir, swarm, { timeoutSeconds: 3 });
  assert.ok(out.error instanceof DeployFailedError, String(out.error));
  assert.match(out.error.message, /within 3s/);
  assert.match(out.error.message, /no suitable node/);
  assert.ok(swarm.t - started < 10_000, `waited ${swarm.t - started} ms of virtual time`);
});

test('a replicated-job service converges once its task completed', async () => {
  const job = `  migrate:
    image: web:good
    deploy:
      mode: replicated-job
      restart_policy:
        condition: on-failure
`;
  const { dir } = sandbox(compose(job));
  const swarm = good();
  const out = await deploy(dir, swarm, { timeoutSeconds: 20 });
  assert.equal(out.error, undefined, out.error?.message);
  assert.ok(out.events.some((e) => e.type === 'converged' && e.service === `${STACK}_migrate`));
});

test('a global-job service converges once every node ran it', async () => {
  const job = `  warm:
    image: web:good
    deploy:
      mode: global-job
`;
  const { dir } = sandbox(compose(job));
  const out = await deploy(dir, good(), { timeoutSeconds: 20 });
  assert.equal(out.error, undefined, out.error?.message);
});

test('a service still inside its check window at the deadline gets to finish it', async () => {
  const { dir } = sandbox();
  // runs after 2.5 s; the window is 2 s; the timeout 3 s ends inside the window
  const swarm = good().behave('web:slow', { startMs: 2500 });
  setEnv(join(dir.root, 'servers', 'fake', `${DOMAIN}.env`), 'APP_IMAGE', 'web:slow');
  const out = await deploy(dir, swarm, { timeoutSeconds: 3 });
  assert.equal(out.error, undefined, out.error?.message);
  assert.equal(out.result?.converged, true);
});

test('a timeout names what each service was doing: a running one is not "no running tasks"', async () => {
  const twoServices = compose(`  worker:
    image: web:never
`).replace('monitor: 2s', 'monitor: 30s');
  const { dir } = sandbox(twoServices);
  const swarm = good().behave('web:never', { pending: 'no suitable node (insufficient resources on 1 node)' });
  const out = await deploy(dir, swarm, { timeoutSeconds: 5 });
  assert.ok(out.error instanceof DeployFailedError, String(out.error));
  const reasons = Object.fromEntries(out.error.failures.map((f) => [f.service, f.reason]));
  assert.match(reasons[APP], /within 5s \(1\/1 running, but only for \d+s of the 30s check that they stay up\)/);
  assert.match(reasons[`${STACK}_worker`], /within 5s \(0\/1 pending: no suitable node/);
});

test('a failing upgrade is rolled back and recorded as such; TYPE= is left alone', async () => {
  const { dir, envPath } = sandbox();
  const swarm = good();
  await deploy(dir, swarm);
  const before = readFileSync(envPath, 'utf8');
  setEnv(envPath, 'APP_IMAGE', 'web:bad');
  const withBad = readFileSync(envPath, 'utf8');
  const out = await deploy(dir, swarm, { force: true, timeoutSeconds: 30 });
  assert.ok(out.error instanceof DeployFailedError, String(out.error));
  assert.equal(out.error.rolledBack, 'yes');
  assert.match(out.error.message, /update paused|exit 1/);
  assert.equal(readFileSync(envPath, 'utf8'), withBad);
  assert.match(before, /TYPE=web:1\.0\.0\+1\.0/);
  assert.equal(swarm.serviceByName(APP)?.Spec.TaskTemplate.ContainerSpec.Image, 'web:good');
  assert.deepEqual((await readHistory(swarm, STACK)).map((h) => h.result), ['success', 'rolled back']);
});

test('Swarm rolling the update back by itself (failure_action: rollback) is a failure', async () => {
  const rollbackCompose = compose().replace('        monitor: 2s', '        monitor: 2s\n        failure_action: rollback');
  const { dir, envPath } = sandbox(rollbackCompose);
  const swarm = good();
  await deploy(dir, swarm);
  setEnv(envPath, 'APP_IMAGE', 'web:bad');
  const out = await deploy(dir, swarm, { force: true, timeoutSeconds: 30 });
  assert.ok(out.error instanceof DeployFailedError, String(out.error));
  assert.match(out.error.message, /rollback/);
});

test('-c/--no-converge-checks is recorded as submitted, never as a success', async () => {
  const { dir } = sandbox();
  const swarm = good();
  const out = await deploy(dir, swarm, { noConvergeChecks: true });
  assert.equal(out.result?.converged, false);
  assert.deepEqual((await readHistory(swarm, STACK)).map((h) => h.result), ['submitted']);
});

test('a history that cannot be written is a warning after a good deploy, and TYPE= is still written', async () => {
  const { dir, envPath } = sandbox();
  const swarm = good();
  // createConfig: 1 = the lock, 2 = the page config, 3 = the history entry
  swarm.failOn('createConfig', 3, new DockerApiError('rpc error: code = ResourceExhausted', 500));
  const out = await deploy(dir, swarm);
  assert.equal(out.error, undefined, out.error?.message);
  assert.ok(out.events.some((e) => e.type === 'warning' && /deploy history/.test(e.message)));
  assert.match(readFileSync(envPath, 'utf8'), /^TYPE=web:1\.0\.0\+1\.0$/m);
});

test('an API error half-way through applying undoes what was applied: services back, new objects removed', async () => {
  const twoServices = compose(`  worker:
    image: web:good
    configs:
      - source: page
        target: /www/page.html
    deploy:
      restart_policy:
        delay: 1s
`);
  const { dir, envPath } = sandbox(twoServices);
  const swarm = good();
  await deploy(dir, swarm);
  const configsBefore = swarm.configs.map((c) => c.Spec.Name).filter((n) => !n.startsWith('kh-')).sort();
  // a new config version and a new image; the second service update fails
  setEnv(envPath, 'PAGE_VERSION', 'v2');
  writeFileSync(join(dir.root, 'recipes/web/page.html'), '<h1>v2</h1>\n');
  setEnv(envPath, 'APP_IMAGE', 'web:bad');
  swarm.failOn('updateService', 2, new DockerApiError('rpc error: code = Unavailable desc = the leader changed', 503));
  const out = await deploy(dir, swarm, { force: true });
  assert.ok(out.error instanceof ApplyFailedError, String(out.error));
  assert.deepEqual(out.error.left, []);
  assert.match(out.error.message, /leader changed/);
  assert.equal(swarm.serviceByName(APP)?.Spec.TaskTemplate.ContainerSpec.Image, 'web:good');
  assert.deepEqual(swarm.configs.map((c) => c.Spec.Name).filter((n) => !n.startsWith('kh-')).sort(), configsBefore);
  assert.equal(swarm.configs.find((c) => c.Spec.Name === `kite-lock-${STACK}`), undefined, 'lock released');
  assert.deepEqual((await readHistory(swarm, STACK)).map((h) => h.result), ['success', 'rolled back']);
});

test('a first deploy that fails half-way removes the services and objects it created', async () => {
  const twoServices = compose(`  worker:
    image: web:good
`);
  const { dir } = sandbox(twoServices);
  const swarm = good();
  swarm.failOn('createService', 2);
  const out = await deploy(dir, swarm);
  assert.ok(out.error instanceof ApplyFailedError, String(out.error));
  assert.equal(swarm.services.size, 0);
  assert.deepEqual(swarm.configs.map((c) => c.Spec.Name).filter((n) => !n.startsWith('kh-')), []);
  assert.deepEqual(swarm.networks.map((n) => n.Name), ['proxy']);
});

test('a connection lost half-way says exactly what was left on the server', async () => {
  const twoServices = compose(`  worker:
    image: web:good
`);
  const { dir } = sandbox(twoServices);
  const swarm = good();
  let calls = 0;
  const create = swarm.createService.bind(swarm);
  swarm.createService = async (spec) => {
    if (++calls === 2) swarm.disconnect();
    return create(spec);
  };
  const out = await deploy(dir, swarm);
  assert.ok(out.error instanceof ApplyFailedError, String(out.error));
  assert.deepEqual(out.error.left, [`service ${APP}`, `config ${STACK}_page_v1`, `network ${STACK}_default`]);
  assert.match(out.error.hint ?? '', /kite app deploy --force/);
});

test('Ctrl-C during the rollback stops watching it and says the previous specs were submitted', async () => {
  const { dir, envPath } = sandbox();
  const swarm = good();
  await deploy(dir, swarm);
  setEnv(envPath, 'APP_IMAGE', 'web:bad');
  const abort = new AbortController();
  let sawRollback = false;
  swarm.onTick = () => {
    if (sawRollback && !abort.signal.aborted) abort.abort();
  };
  const events: DeployEvent[] = [];
  const gen = appDeploy(createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock }), { domain: DOMAIN, mode: 'deploy', offline: true, force: true, timeoutSeconds: 60, signal: abort.signal });
  let error: unknown;
  const started = swarm.t;
  try {
    for (;;) {
      const next = await gen.next();
      if (next.done) break;
      events.push(next.value);
      if (next.value.type === 'rollback' && next.value.phase === 'started') sawRollback = true;
    }
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CancelledError, String(error));
  assert.match(error.message, /rollback/);
  assert.ok(swarm.t - started < 30_000, 'stopped long before the rollback timeout');
  assert.equal(swarm.configs.find((c) => c.Spec.Name === `kite-lock-${STACK}`), undefined, 'lock released');
  assert.equal((await readHistory(swarm, STACK)).at(-1)?.result, 'interrupted');
});

test('a watch rides out a few Engine API errors in a row', async () => {
  const { dir } = sandbox();
  const swarm = good();
  swarm.failOn('listTasks', 2).failOn('listTasks', 3);
  const out = await deploy(dir, swarm);
  assert.equal(out.error, undefined, out.error?.message);
});

test('a node that goes away during the watch: its task is rescheduled when the node returns', async () => {
  const { dir } = sandbox();
  const swarm = good();
  let downAt: number | undefined;
  swarm.onTick = (t) => {
    const running = swarm.tasksOf(APP).some((x) => x.Status.State === 'running');
    if (downAt === undefined && running) {
      downAt = t;
      swarm.nodeDown('node1');
    } else if (downAt !== undefined && t - downAt > 3000) swarm.nodeUp('node1');
  };
  const out = await deploy(dir, swarm, { timeoutSeconds: 30 });
  assert.equal(out.error, undefined, out.error?.message);
  assert.ok(out.events.some((e) => e.type === 'progress' && /no suitable node/.test(e.message)), JSON.stringify(out.events.filter((e) => e.type !== 'info')));
});

test('a deploy is refused before the server changes when another env file maps to the same stack', async () => {
  const long = 'a-very-long-subdomain-name-for-the-collision.example.org';
  const twin = 'a-very-long-subdomain-name-for-the-collision.example.net';
  const { dir } = sandbox();
  for (const d of [long, twin]) writeFileSync(join(dir.root, 'servers', 'fake', `${d}.env`), `TYPE=web\nDOMAIN=${d}\n`);
  const swarm = good();
  const events: DeployEvent[] = [];
  let error: unknown;
  try {
    for await (const e of appDeploy(createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock }), { domain: twin, mode: 'deploy', offline: true })) events.push(e);
  } catch (e) {
    error = e;
  }
  assert.match(String(error), /shares its Docker stack/);
  assert.deepEqual(swarm.calls, []);
});

test('a redeploy where nothing changed updates no service, says so and is recorded as unchanged; a change is deployed', async () => {
  const { dir, envPath } = sandbox();
  const swarm = good();
  await deploy(dir, swarm);
  const updates = swarm.updates;
  const again = await deploy(dir, swarm, { force: true });
  assert.equal(again.error, undefined, again.error?.message);
  assert.equal(swarm.updates, updates, 'no update call');
  assert.equal(again.result?.unchanged, true);
  assert.ok(again.events.some((e) => e.type === 'service' && e.action === 'unchanged'));
  assert.deepEqual((await readHistory(swarm, STACK)).map((h) => h.result), ['success', 'unchanged']);

  setEnv(envPath, 'GREETING', 'changed'); // the app env is exposed to the app container
  const changed = await deploy(dir, swarm, { force: true });
  assert.equal(changed.error, undefined, changed.error?.message);
  assert.equal(swarm.updates, updates + 1);
  assert.notEqual(changed.result?.unchanged, true);
});

test('a redeploy with nothing changed still reports a service that is not running', async () => {
  const { dir } = sandbox();
  const swarm = good();
  await deploy(dir, swarm);
  swarm.behave('web:good', { startMs: 1000, failAfterMs: 1500, error: 'crashed later' });
  swarm.advance(3000);
  const again = await deploy(dir, swarm, { force: true, timeoutSeconds: 5 });
  assert.ok(again.error instanceof DeployFailedError, String(again.error));
});

test('a connection lost while watching says a lock and a submitted update may be left, and what to run', async () => {
  const { dir } = sandbox();
  const swarm = good();
  swarm.onTick = (t) => {
    if (swarm.tasksOf(APP).length > 0 && t > Date.parse('2026-11-30T10:00:00.500Z')) swarm.disconnect();
  };
  const out = await deploy(dir, swarm);
  assert.equal(out.error?.name, 'SshError', String(out.error));
  assert.match((out.error as { hint?: string }).hint ?? '', /lock may be left[\s\S]*kite app unlock web\.example\.com/);
  assert.ok(out.events.some((e) => e.type === 'warning' && /could not release the lock/.test(e.message)), 'the failed release is told');
});
