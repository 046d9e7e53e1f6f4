// Pure helpers of the read commands: log options, env check, ssh -G
// parsing, prune filters, byte formatting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSince, parseTail, splitTimestamp, byTime } from '../../src/core/log-options.js';
import { checkEnvKeys } from '../../src/core/env-check.js';
import { parseSshG, targetFromName } from '../../src/core/ssh-config.js';
import { parsePruneFilters, filtersFor } from '../../src/core/prune-filters.js';
import { formatBytes } from '../../src/core/bytes.js';
import { UsageError } from '../../src/core/errors.js';

test('parseSince: durations back from now, timestamps as is, dates', () => {
  const now = Date.UTC(2024, 10, 29, 12, 0, 0);
  assert.equal(parseSince('10m', now), String(now / 1000 - 600));
  assert.equal(parseSince('1h30m', now), String(now / 1000 - 5400));
  assert.equal(parseSince('1.5s', now), `${now / 1000 - 2}.500`);
  assert.equal(parseSince('1732880000'), '1732880000');
  assert.equal(parseSince('1732880000.25'), '1732880000.25');
  assert.equal(parseSince('2024-11-29T10:00:00Z'), String(Date.UTC(2024, 10, 29, 10) / 1000));
  assert.equal(parseSince('2024-11-29'), String(Date.UTC(2024, 10, 29) / 1000));
  for (const bad of ['yesterday', '10x', '', '2024-13-45']) assert.throws(() => parseSince(bad, now), UsageError, bad);
});

test('parseTail: a count or all', () => {
  assert.equal(parseTail('50'), 50);
  assert.equal(parseTail('0'), 0);
  assert.equal(parseTail('all'), 'all');
  assert.throws(() => parseTail('-1'), UsageError);
  assert.throws(() => parseTail('ten'), UsageError);
});

test('splitTimestamp and byTime order lines across services', () => {
  assert.deepEqual(splitTimestamp('2024-11-29T10:00:00.5Z hello world'), { time: '2024-11-29T10:00:00.5Z', text: 'hello world' });
  assert.deepEqual(splitTimestamp('no time here'), { time: '', text: 'no time here' });
  const lines = [
    { time: '2024-11-29T10:00:00.9Z', n: 3 },
    { time: '2024-11-29T10:00:00.123456789Z', n: 2 },
    { time: '2024-11-29T10:00:00Z', n: 1 },
    { time: '2024-11-29T10:00:01.000000001Z', n: 4 },
  ];
  assert.deepEqual([...lines].sort(byTime).map((l) => l.n), [1, 2, 3, 4]);
});

test('checkEnvKeys: sample assignments only; commented-out keys are optional', () => {
  const sample = 'TYPE=x\nDOMAIN=x.example.com\n#EXTRA_DOMAINS=\nSMTP_HOST=mail\nSECRET_A_VERSION=v1 # length=32\nSMTP_HOST=again\n';
  const app = 'TYPE=x:1.0.0\nDOMAIN=a.example.com\n#SMTP_HOST=mail\nEXTRA_DOMAINS=\n';
  assert.deepEqual(checkEnvKeys(sample, '.env.sample', app, 'a.env'), [
    { key: 'TYPE', present: true },
    { key: 'DOMAIN', present: true },
    { key: 'SMTP_HOST', present: false },
    { key: 'SECRET_A_VERSION', present: false },
  ]);
});

test('parseSshG picks hostname, user and port', () => {
  const out = 'user root\nhostname 127.0.0.1\nport 2222\naddressfamily any\nidentityfile ~/.ssh/id_ed25519\n';
  assert.deepEqual(parseSshG(out), { host: '127.0.0.1', user: 'root', port: '2222' });
  assert.deepEqual(targetFromName('deploy@example.com:2222'), { host: 'example.com', user: 'deploy', port: '2222' });
  assert.deepEqual(targetFromName('example.com'), { host: 'example.com' });
});

test('prune filters: docker syntax, and what each endpoint can honour', () => {
  const f = parsePruneFilters(['label=a=b', 'label!=keep', 'label=c']);
  assert.deepEqual(f, { label: ['a=b', 'c'], 'label!': ['keep'] });
  assert.deepEqual(filtersFor('containers', f), f);
  assert.deepEqual(filtersFor('volumes', f), f);
  assert.equal(filtersFor('build', f), undefined, 'the build cache has no labels: skipped, not pruned entirely');
  const u = parsePruneFilters(['until=24h']);
  assert.deepEqual(filtersFor('build', u), { until: ['24h'] });
  assert.equal(filtersFor('volumes', u), undefined);
  assert.deepEqual(filtersFor('images', {}), {});
  assert.throws(() => parsePruneFilters(['dangling=true']), UsageError);
  assert.throws(() => parsePruneFilters(['label']), UsageError);
});

test('formatBytes uses decimal units like docker', () => {
  assert.equal(formatBytes(0), '0B');
  assert.equal(formatBytes(999), '999B');
  assert.equal(formatBytes(1234), '1.23kB');
  assert.equal(formatBytes(45_600_000), '45.6MB');
  assert.equal(formatBytes(123_000_000_000), '123GB');
});
