// What `app cp` relies on from its archives (tar-stream since kite dropped its
// own tar code): the trees it packs are what GNU tar (like Go's archive/tar on
// the daemon) extracts, byte for byte, with modes, times, symlinks and long
// names; what GNU tar writes (ustar, GNU long names, PAX, hard links) it
// unpacks, renamed as docker cp places it; a broken archive is an error, an
// entry that leaves the destination is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { normaliseName, packLocal, unpackLocal } from '../../src/operations/app-copy.js';
import { DockerApiError, UsageError } from '../../src/core/errors.js';

const longDir = 'd'.repeat(120);
const longName = 'x'.repeat(200);
const unicode = `é-ünïcode-${'u'.repeat(95)}`;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'kite-tar-'));
}

/** a tree with what cp must carry: modes, an empty file, a symlink, long and non-ASCII names, binary data */
function makeTree(root: string): void {
  mkdirSync(join(root, 'sub', longDir), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'hello\n');
  chmodSync(join(root, 'a.txt'), 0o640);
  writeFileSync(join(root, 'empty'), '');
  chmodSync(join(root, 'empty'), 0o600);
  writeFileSync(join(root, 'sub', longDir, 'f'), Buffer.alloc(1000, 7));
  writeFileSync(join(root, 'sub', longName), Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251)));
  writeFileSync(join(root, unicode), 'abc');
  chmodSync(join(root, unicode), 0o755);
  symlinkSync('a.txt', join(root, 'link'));
  symlinkSync(`../${'t'.repeat(150)}`, join(root, 'longlink'));
  for (const p of ['a.txt', 'empty', unicode, join('sub', longName)]) utimesSync(join(root, p), 1_700_000_000, 1_700_000_000);
}

/** relative path → what matters of it */
function describe(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const p = join(root, r);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out[r] = `link -> ${readlinkSync(p)}`;
    else if (st.isDirectory()) {
      out[r] = `dir ${(st.mode & 0o777).toString(8)}`;
      Object.assign(out, describe(root, r));
    } else out[r] = `file ${(st.mode & 0o777).toString(8)} ${readFileSync(p).toString('base64').slice(0, 40)} ${st.size} ${Math.floor(st.mtimeMs / 1000)}`;
  }
  return out;
}

async function packToBuffer(path: string, rootName: string, st = lstatSync(path)): Promise<{ tar: Buffer; counts: { files: number; directories: number; bytes: number } }> {
  const counts = { files: 0, directories: 0, bytes: 0 };
  const parts: Buffer[] = [];
  for await (const chunk of packLocal(path, st, rootName, counts)) parts.push(chunk as Buffer);
  return { tar: Buffer.concat(parts), counts };
}

test('GNU tar extracts exactly the tree kite packs, root renamed', async () => {
  const src = scratch();
  makeTree(src);
  const { tar, counts } = await packToBuffer(src, 'copied');
  assert.deepEqual(counts, { files: 7, directories: 3, bytes: 6 + 1000 + 70_000 + 3 });
  const out = scratch();
  writeFileSync(join(out, 'a.tar'), tar);
  mkdirSync(join(out, 'x'));
  execFileSync('tar', ['-xpf', join(out, 'a.tar'), '-C', join(out, 'x')]);
  assert.deepEqual(describe(join(out, 'x', 'copied')), describe(src));
  const listing = execFileSync('tar', ['-tf', join(out, 'a.tar')], { encoding: 'utf8' });
  assert.match(listing, new RegExp(`copied/sub/${longName}`), 'a name over 100 bytes survives (PAX)');
});

test('"" as the root name packs the contents only', async () => {
  const src = scratch();
  writeFileSync(join(src, 'one'), '1');
  const { tar } = await packToBuffer(src, '');
  const out = scratch();
  writeFileSync(join(out, 'a.tar'), tar);
  assert.deepEqual(execFileSync('tar', ['-tf', join(out, 'a.tar')], { encoding: 'utf8' }).trim().split('\n'), ['one']);
});

test('a file that changed size after its stat still gives a valid archive of the announced size', async () => {
  const src = scratch();
  const file = join(src, 'grows');
  writeFileSync(file, 'abcdef');
  const st = lstatSync(file);
  const out = scratch();
  for (const [size, want] of [
    [3, 'abc'],
    [8, 'abcdef\0\0'],
  ] as const) {
    const { tar } = await packToBuffer(file, 'g', Object.assign(Object.create(Object.getPrototypeOf(st)), st, { size }));
    writeFileSync(join(out, 'a.tar'), tar);
    execFileSync('tar', ['-xf', join(out, 'a.tar'), '-C', out]);
    assert.equal(readFileSync(join(out, 'g'), 'latin1'), want);
  }
});

for (const format of ['gnu', 'pax', 'ustar']) {
  test(`kite unpacks what GNU tar writes (--format=${format}), renamed as docker cp places it`, async () => {
    const src = scratch();
    const tree = join(src, 'tree');
    mkdirSync(tree);
    makeTree(tree);
    if (format === 'ustar') {
      // ustar cannot hold these names
      execFileSync('rm', ['-rf', join(tree, 'sub'), join(tree, 'longlink'), join(tree, unicode)]);
    }
    execFileSync('ln', [join(tree, 'a.txt'), join(tree, 'hard')]);
    const archive = execFileSync('tar', [`--format=${format}`, '-cf', '-', '-C', src, 'tree'], { maxBuffer: 1 << 26 });
    const out = scratch();
    const counts = { files: 0, directories: 0, bytes: 0 };
    await unpackLocal(Readable.from([archive.subarray(0, 700), archive.subarray(700)]), 'tree', out, 'renamed', counts);
    assert.deepEqual(describe(join(out, 'renamed')), describe(tree));
    assert.equal(statSync(join(out, 'renamed', 'hard')).ino, statSync(join(out, 'renamed', 'a.txt')).ino, 'a hard link stays a hard link');
  });
}

test('a truncated or corrupt archive is an error, not silent data loss', async () => {
  const src = scratch();
  writeFileSync(join(src, 'f'), Buffer.alloc(5000, 1));
  const { tar } = await packToBuffer(join(src, 'f'), 'f');
  for (const broken of [tar.subarray(0, 2048), Buffer.concat([Buffer.from('garbage'), tar.subarray(7)])]) {
    const out = scratch();
    await assert.rejects(unpackLocal(Readable.from([broken]), 'f', out, 'f', { files: 0, directories: 0, bytes: 0 }), (e: Error) => e instanceof DockerApiError && /archive from the container is broken/.test(e.message));
  }
});

test('an entry that leaves the destination is refused', async () => {
  const src = scratch();
  mkdirSync(join(src, 'root'));
  writeFileSync(join(src, 'evil'), 'x');
  const archive = execFileSync('tar', ['-cf', '-', '-C', src, 'root', '--transform', 's,^evil,root/../../evil,', 'evil']);
  const out = scratch();
  await assert.rejects(unpackLocal(Readable.from([archive]), 'root', out, 'root', { files: 0, directories: 0, bytes: 0 }), UsageError);
  // and writing through a symlink that points out of the destination
  const target = scratch();
  const dest = scratch();
  symlinkSync(target, join(dest, 'out'));
  mkdirSync(join(src, 'out'));
  writeFileSync(join(src, 'out', 'f'), 'x');
  const viaLink = execFileSync('tar', ['-cf', '-', '-C', src, '--no-recursion', 'out/f']);
  await assert.rejects(unpackLocal(Readable.from([viaLink]), 'out', dest, 'out', { files: 0, directories: 0, bytes: 0 }), /leads outside/);
  assert.deepEqual(readdirSync(target), []);
});

test('names are normalised: ./ prefixes and trailing slashes go, the root is "."', () => {
  assert.equal(normaliseName('./a/b/'), 'a/b');
  assert.equal(normaliseName('./'), '.');
  assert.equal(normaliseName('a//b'), 'a/b');
});
