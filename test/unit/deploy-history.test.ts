// The deploy history on the server stays bounded: old entries are folded
// into one archive config, the newest stay one config each, and nothing is
// lost when folding is interrupted half-way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendHistory, readHistory } from '../../src/operations/deploy-history.js';
import { ARCHIVE_MAX, HISTORY_KEEP, HISTORY_SLACK, planCompaction } from '../../src/core/history-window.js';
import { DockerApiError } from '../../src/core/errors.js';
import { FakeSwarm } from './helpers/fake-swarm.js';
import { localHost } from '../../src/adapters/local-host.js';

const STACK = 'h_example_com';

async function deploys(swarm: FakeSwarm, n: number, from = 0): Promise<string[]> {
  const warnings: string[] = [];
  for (let i = from; i < from + n; i++) {
    warnings.push(...(await appendHistory({ host: localHost }, swarm, STACK, { action: 'deploy', to: `v${i}`, result: 'success' })));
    await new Promise((r) => setTimeout(r, 2)); // distinct timestamps
  }
  return warnings;
}

const historyConfigs = (swarm: FakeSwarm) => swarm.configs.filter((c) => c.Spec.Name.startsWith(`kh-${STACK}-`));

test('a hundred deploys keep a bounded number of configs and every entry, in order', async () => {
  const swarm = new FakeSwarm();
  assert.deepEqual(await deploys(swarm, 100), []);
  assert.ok(historyConfigs(swarm).length <= HISTORY_KEEP + HISTORY_SLACK + 1, `${historyConfigs(swarm).length} configs`);
  const entries = await readHistory(swarm, STACK);
  assert.deepEqual(entries.map((e) => e.to), Array.from({ length: 100 }, (_, i) => `v${i}`));
});

test('an interrupted fold loses nothing and shows nothing twice; the next deploy finishes it', async () => {
  const swarm = new FakeSwarm();
  await deploys(swarm, HISTORY_KEEP + HISTORY_SLACK);
  // the next append folds: the archive is created, then the 3rd removal fails
  swarm.failOn('removeConfig', 3, new DockerApiError('connection reset', 500));
  const warnings = await deploys(swarm, 1, HISTORY_KEEP + HISTORY_SLACK);
  assert.match(warnings.join('\n'), /could not fold old deploy history/);
  const n = HISTORY_KEEP + HISTORY_SLACK + 1;
  assert.deepEqual((await readHistory(swarm, STACK)).map((e) => e.to), Array.from({ length: n }, (_, i) => `v${i}`));
  await deploys(swarm, 1, n);
  assert.equal((await readHistory(swarm, STACK)).length, n + 1);
  assert.ok(historyConfigs(swarm).length <= HISTORY_KEEP + HISTORY_SLACK + 1);
});

test('the archive keeps at most ARCHIVE_MAX entries, the newest ones', () => {
  const entry = (i: number) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), n: i });
  const archive = { id: 'a', archive: true, entries: Array.from({ length: ARCHIVE_MAX }, (_, i) => entry(i)) };
  const singles = Array.from({ length: HISTORY_KEEP + HISTORY_SLACK + 1 }, (_, i) => ({ id: `s${i}`, archive: false, entries: [entry(ARCHIVE_MAX + i)] }));
  const plan = planCompaction([archive, ...singles]);
  assert.ok(plan);
  assert.equal(plan.archive.length, ARCHIVE_MAX);
  assert.equal(plan.archive.at(-1)?.n, ARCHIVE_MAX + HISTORY_SLACK);
  assert.equal(plan.remove.length, 1 + HISTORY_SLACK + 1);
  assert.equal(planCompaction(singles.slice(0, HISTORY_KEEP + HISTORY_SLACK)), undefined);
});
