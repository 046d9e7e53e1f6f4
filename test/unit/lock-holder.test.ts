// The lock-takeover decision (src/core/lock-holder.ts) and how acquireLock
// acts on it against a fake Docker API: a dead holder's lock is taken over
// with a warning, a live one refuses, an old kite's lock is read, a failed
// release is reported with the command that unlocks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { LOCK_MAX_AGE_MS, lockLabels, lockVerdict, parseLockLabels, type LockRecord } from '../../src/core/lock-holder.js';
import { acquireLock } from '../../src/operations/deploy-lock.js';
import { processStartTime, localHost } from '../../src/adapters/local-host.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import type { DockerPort } from '../../src/ports/docker.js';
import type { ConfigSpec } from '../../src/core/convert/swarm-types.js';
import { ConflictError, DockerApiError } from '../../src/core/errors.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const lock = (over: Partial<LockRecord> = {}): LockRecord => ({ holder: 'alice@box', since: at(60_000), action: 'deploy', host: 'box', pid: 4242, started: '1000', ...over });

test('a holder on this host whose pid is gone: stale', () => {
  const v = lockVerdict(lock(), { host: 'box', now: NOW, pid: { running: false } });
  assert.equal(v.stale, true);
  assert.match(v.reason, /process 4242 on box is gone/);
});

test('a holder on this host whose pid now runs another process (other start time): stale', () => {
  const v = lockVerdict(lock(), { host: 'box', now: NOW, pid: { running: true, started: '2000' } });
  assert.equal(v.stale, true);
  assert.match(v.reason, /another process/);
});

test('a holder on this host that still runs keeps its lock, however old', () => {
  for (const since of [at(60_000), at(LOCK_MAX_AGE_MS * 5)]) {
    const v = lockVerdict(lock({ since }), { host: 'box', now: NOW, pid: { running: true, started: '1000' } });
    assert.deepEqual(v.stale, false);
    assert.ok(!v.stale && v.alive);
  }
  // the start time unknown here (no /proc): the pid running is all we know
  assert.equal(lockVerdict(lock(), { host: 'box', now: NOW, pid: { running: true } }).stale, false);
});

test('a holder on another host, or an old kite lock without pid: honoured until the age bound, then stale', () => {
  for (const l of [lock({ host: 'elsewhere' }), lock({ host: undefined, pid: undefined, started: undefined })]) {
    const young = lockVerdict(l, { host: 'box', now: NOW });
    assert.ok(!young.stale && !young.alive, JSON.stringify(young));
    assert.match(young.reason, /may still be in use/);
    const old = lockVerdict({ ...l, since: at(LOCK_MAX_AGE_MS + 60_000) }, { host: 'box', now: NOW });
    assert.equal(old.stale, true);
    assert.match(old.reason, /older than 2 h \(taken 121 min ago\)/);
  }
  // an unreadable time is never stale by age
  assert.equal(lockVerdict(lock({ host: 'elsewhere', since: 'unknown' }), { host: 'box', now: NOW }).stale, false);
});

test('labels round-trip; labels written by older kites (no host, pid, start time) still read', () => {
  const l = lock();
  assert.deepEqual(parseLockLabels(lockLabels('s', l)), l);
  const old = parseLockLabels({ 'kite.lock': 's', 'kite.lock.holder': 'dave@x', 'kite.lock.since': '2026-01-01T00:00:00.000Z', 'kite.lock.action': 'upgrade' });
  assert.deepEqual(old, { holder: 'dave@x', since: '2026-01-01T00:00:00.000Z', action: 'upgrade', host: undefined, pid: undefined, started: undefined });
  assert.equal(parseLockLabels({ 'kite.lock.pid': 'abc' }).pid, undefined);
});

test('processStartTime reads this process (from /proc: Linux, where kite runs its tests) and nothing for a pid that does not exist', () => {
  assert.match(processStartTime(process.pid) ?? '', /^\d+$/);
  assert.equal(processStartTime(2 ** 22 + 12345), undefined);
});

/** a fake Swarm holding configs by name, 409 on a taken name */
function swarm(existing: { labels: Record<string, string> }[] = [], over: Partial<DockerPort> = {}) {
  const configs = new Map<string, { ID: string; Spec: ConfigSpec }>();
  let n = 0;
  for (const e of existing) configs.set('kite-lock-s', { ID: `old${n++}`, Spec: { Name: 'kite-lock-s', Labels: e.labels } as ConfigSpec });
  const docker = {
    server: 'srv',
    createConfig: async (spec: ConfigSpec) => {
      if (configs.has(spec.Name)) throw new DockerApiError('config already exists', 409);
      const ID = `new${n++}`;
      configs.set(spec.Name, { ID, Spec: spec });
      return { ID };
    },
    listConfigs: async () => [...configs.values()].map((c) => ({ ...c, Version: { Index: 1 } })),
    removeConfig: async (id: string) => {
      for (const [k, c] of configs) if (c.ID === id) return void configs.delete(k);
      throw new DockerApiError('no such config', 404);
    },
    ...over,
  } as unknown as DockerPort;
  return { docker, configs };
}

test('acquireLock takes over the lock of a dead holder on this host, with a warning naming it, and records its own pid', async () => {
  const dead = lockLabels('s', { holder: 'bob@here', since: new Date().toISOString(), action: 'deploy', host: hostname(), pid: 2 ** 22 + 12345 });
  const { docker, configs } = swarm([{ labels: dead }]);
  const warnings: string[] = [];
  const l = await acquireLock({ host: localHost, clock: systemClock }, docker, 's', 'app.example.com', 'restart', { onWarning: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /took over the lock of app\.example\.com: bob@here has been running `deploy` since .* \(pid 4206649\), but its process 4206649 on .* is gone/);
  const mine = parseLockLabels(configs.get('kite-lock-s')?.Spec.Labels);
  assert.equal(mine.pid, process.pid);
  assert.equal(mine.host, hostname());
  assert.equal(mine.action, 'restart');
  await l.release();
  assert.equal(configs.size, 0);
});

test('acquireLock refuses a live holder (this very process) and an old kite lock, naming the holder and unlock', async () => {
  const alive = lockLabels('s', { holder: 'me@here', since: new Date().toISOString(), action: 'deploy', host: hostname(), pid: process.pid, started: processStartTime(process.pid) });
  const oldKite = { 'kite.lock': 's', 'kite.lock.holder': 'dave@x', 'kite.lock.since': new Date().toISOString(), 'kite.lock.action': 'upgrade' };
  for (const labels of [alive, oldKite]) {
    const { docker, configs } = swarm([{ labels }]);
    await assert.rejects(acquireLock({ host: localHost, clock: systemClock }, docker, 's', 'app.example.com', 'undeploy', { onWarning: () => assert.fail('no takeover') }), (e: unknown) => e instanceof ConflictError && /is locked: (me@here|dave@x) has been running/.test(e.message) && /kite app unlock app\.example\.com/.test(e.hint ?? ''));
    assert.equal(configs.size, 1);
  }
});

test('a failed release is not swallowed: it warns with the unlock command', async () => {
  const { docker } = swarm([], { removeConfig: async () => { throw new DockerApiError('connection lost'); } });
  const warnings: string[] = [];
  const l = await acquireLock({ host: localHost, clock: systemClock }, docker, 's', 'app.example.com', 'remove', { onWarning: (m) => warnings.push(m) });
  await l.release(); // does not throw: the command's own outcome stands
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /could not release the lock of app\.example\.com \(connection lost\).*`kite app unlock app\.example\.com`/);
});

test('with a fake host: a holder whose pid now runs another process (restarted) is taken over; the same process, waited for on a virtual clock, is not', async () => {
  let now = Date.parse('2026-01-01T12:00:00Z');
  const slept: number[] = [];
  const clock = { now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)) };
  const host = { hostname: () => 'laptop', operator: () => 'me@laptop', pid: 100, startTime: () => '500', probe: (pid: number) => ({ running: true, started: pid === 4242 ? '999' : '777' }) };
  const holder = (started: string) => lockLabels('s', { holder: 'bob@laptop', since: new Date(now).toISOString(), action: 'deploy', host: 'laptop', pid: 4242, started });
  const restarted = swarm([{ labels: holder('111') }]);
  const warnings: string[] = [];
  await acquireLock({ host, clock }, restarted.docker, 's', 'app.example.com', 'restart', { onWarning: (m) => warnings.push(m) });
  assert.match(warnings[0] ?? '', /took over the lock of app\.example\.com: bob@laptop/);
  assert.deepEqual(parseLockLabels(restarted.configs.get('kite-lock-s')?.Spec.Labels).pid, 100);

  const same = swarm([{ labels: holder('999') }]);
  await assert.rejects(acquireLock({ host, clock }, same.docker, 's', 'app.example.com', 'restart', { waitSeconds: 3, onWarning: () => assert.fail('no takeover') }), ConflictError);
  assert.deepEqual(slept, [1000, 1000, 1000], 'waited on the clock, not in real time');
});
