// Safe upgrades against the fake Swarm: when a new version fails, the deploy
// engine calls beforeRollback (where the volumes are restored from the
// snapshot taken first) after the failure is known, while the failed spec is
// still in place, and only then puts the previous spec back; a deploy that
// converges never calls it; --no-rollback never calls it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbraDir } from '../../src/adapters/abra-dir.js';
import { createPorts } from '../../src/cli/ports.js';
import { loadAppRef } from '../../src/operations/load-app.js';
import { applyDeploy, planDeploy } from '../../src/operations/deploy.js';
import type { DeployEvent } from '../../src/operations/events.js';
import { DeployFailedError } from '../../src/core/errors.js';
import { FakeSwarm } from './helpers/fake-swarm.js';

const DOMAIN = 'safe.example.com';
const APP = 'safe_example_com_app';

function setup(): { dir: AbraDir; envPath: string; recipe: string } {
  const root = mkdtempSync(join(tmpdir(), 'kite-safe-unit-'));
  const recipe = join(root, 'recipes', 'web');
  mkdirSync(recipe, { recursive: true });
  mkdirSync(join(root, 'servers', 'fake'), { recursive: true });
  writeFileSync(
    join(recipe, 'compose.yml'),
    `version: "3.8"
services:
  app:
    image: \${APP_IMAGE:-web:good}
    volumes:
      - data:/data
    deploy:
      update_config:
        monitor: 2s
      restart_policy:
        delay: 1s
volumes:
  data:
`,
  );
  const envPath = join(root, 'servers', 'fake', `${DOMAIN}.env`);
  writeFileSync(envPath, `TYPE=web\nDOMAIN=${DOMAIN}\n`, { mode: 0o600 });
  return { dir: new AbraDir(root), envPath, recipe };
}

async function run(dir: AbraDir, swarm: FakeSwarm, envPath: string, image: string, beforeRollback?: () => AsyncGenerator<DeployEvent, void>, rollback = true): Promise<{ events: DeployEvent[]; error?: Error }> {
  writeFileSync(envPath, `TYPE=web\nDOMAIN=${DOMAIN}\nAPP_IMAGE=${image}\n`);
  const ports = createPorts({}, { apps: dir, docker: async () => swarm, clock: swarm.clock });
  const app = loadAppRef(ports, { domain: DOMAIN, server: 'fake', path: envPath });
  const plan = await planDeploy(app, swarm, ports.recipeFiles, { force: true, timeoutSeconds: 30 });
  const events: DeployEvent[] = [];
  const gen = applyDeploy(plan, swarm, { force: true, timeoutSeconds: 30, clock: swarm.clock, beforeRollback, rollback });
  try {
    for (;;) {
      const n = await gen.next();
      if (n.done) return { events };
      events.push(n.value);
    }
  } catch (e) {
    return { events, error: e as Error };
  }
}

function swarm(): FakeSwarm {
  return new FakeSwarm().behave('web:good', { startMs: 1000 }).behave('web:bad', { startMs: 500, failAfterMs: 1500, error: 'exit 1' });
}

test('a failed version: beforeRollback runs after the failure, on the failed spec, before the previous spec goes back', async () => {
  const { dir, envPath } = setup();
  const s = swarm();
  assert.equal((await run(dir, s, envPath, 'web:good')).error, undefined);
  const seen: string[] = [];
  const restore = async function* (): AsyncGenerator<DeployEvent, void> {
    seen.push(s.serviceByName(APP)?.Spec.TaskTemplate.ContainerSpec.Image ?? 'none');
    yield { type: 'backup', message: 'restoring the volumes' };
  };
  const out = await run(dir, s, envPath, 'web:bad', restore);
  assert.ok(out.error instanceof DeployFailedError, String(out.error));
  assert.equal(out.error.rolledBack, 'yes');
  assert.deepEqual(seen, ['web:bad'], 'called once, while the failed version was in place');
  const order = out.events.map((e) => (e.type === 'backup' ? 'restore' : e.type === 'rollback' ? `rollback ${e.phase}` : e.type)).filter((t) => ['failed', 'restore', 'rollback started', 'rollback done'].includes(t));
  assert.deepEqual(order, ['failed', 'restore', 'rollback started', 'rollback done']);
  assert.equal(s.serviceByName(APP)?.Spec.TaskTemplate.ContainerSpec.Image, 'web:good');
});

test('a version that converges, or --no-rollback, never restores', async () => {
  const { dir, envPath } = setup();
  const s = swarm();
  let calls = 0;
  // eslint-disable-next-line require-yield
  const restore = async function* (): AsyncGenerator<DeployEvent, void> {
    calls++;
  };
  assert.equal((await run(dir, s, envPath, 'web:good', restore)).error, undefined);
  assert.equal((await run(dir, s, envPath, 'web:bad', restore, false)).error instanceof DeployFailedError, true);
  assert.equal(calls, 0);
});
