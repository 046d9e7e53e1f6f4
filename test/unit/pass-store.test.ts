// The `pass` adapter against a stand-in `pass` script on PATH: the value
// reaches it on stdin only, the entry is hosts/<server>/<domain>/<secret>,
// and a missing binary or store is refused before anything runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPassStore, passEntry } from '../../src/adapters/pass-store.js';

function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return f().finally(() => {
    for (const [k, v] of Object.entries(old)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  });
}

function fakePass(): { bin: string; store: string; log: string } {
  const root = mkdtempSync(join(tmpdir(), 'kite-pass-'));
  const bin = join(root, 'bin');
  const store = join(root, 'store');
  const log = join(root, 'log');
  mkdirSync(bin);
  mkdirSync(store);
  writeFileSync(join(bin, 'pass'), `#!/bin/sh\necho "argv: $*" >> ${log}\necho "stdin: $(cat)" >> ${log}\n[ "$1" = rm ] && [ "$3" = hosts/s1/bad.example.com/x ] && { echo "Error: it broke" >&2; exit 1; }\nexit 0\n`);
  chmodSync(join(bin, 'pass'), 0o755);
  return { bin, store, log };
}

test('the entry is hosts/<server>/<domain>/<secret>', () => {
  assert.equal(passEntry('example.org', 'cloud.example.org', 'db_password'), 'hosts/example.org/cloud.example.org/db_password');
});

test('a missing pass binary is refused naming it', async () => {
  await withEnv({ PATH: '/nonexistent' }, async () => {
    assert.throws(() => openPassStore('s1', 'a.example.com'), (e: Error & { hint?: string }) => /`pass` command/.test(e.message) && /apt-get install pass/.test(e.hint ?? ''));
  });
});

test('an uninitialised store (no .gpg-id) is refused', async () => {
  const f = fakePass();
  await withEnv({ PATH: f.bin, PASSWORD_STORE_DIR: f.store }, async () => {
    assert.throws(() => openPassStore('s1', 'a.example.com'), /not initialised.*\.gpg-id/);
  });
});

test('insert sends the value on stdin, never on argv; rm removes only an existing entry; failures name the entry', async () => {
  const f = fakePass();
  writeFileSync(join(f.store, '.gpg-id'), 'someone\n');
  await withEnv({ PATH: `${f.bin}:/usr/bin:/bin`, PASSWORD_STORE_DIR: f.store }, async () => {
    const store = openPassStore('s1', 'a.example.com');
    await store.insert('db_password', 'correct-horse-battery');
    const log = readFileSync(f.log, 'utf8');
    assert.match(log, /^argv: insert -m -f hosts\/s1\/a\.example\.com\/db_password$/m);
    assert.match(log, /^stdin: correct-horse-battery$/m);
    assert.ok(!/argv:.*correct-horse/.test(log));
    assert.equal(await store.remove('db_password'), false, 'no .gpg file: nothing to remove');
    mkdirSync(join(f.store, 'hosts/s1/a.example.com'), { recursive: true });
    writeFileSync(join(f.store, 'hosts/s1/a.example.com/db_password.gpg'), '');
    assert.equal(await store.remove('db_password'), true);
    assert.match(readFileSync(f.log, 'utf8'), /^argv: rm -f hosts\/s1\/a\.example\.com\/db_password$/m);
    const bad = openPassStore('s1', 'bad.example.com');
    mkdirSync(join(f.store, 'hosts/s1/bad.example.com'), { recursive: true });
    writeFileSync(join(f.store, 'hosts/s1/bad.example.com/x.gpg'), '');
    await assert.rejects(bad.remove('x'), /pass rm hosts\/s1\/bad\.example\.com\/x failed \(exit 1\): Error: it broke/);
  });
});
