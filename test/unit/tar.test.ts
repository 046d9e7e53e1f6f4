// The tar writer and streaming reader behind `app cp`, checked against each
// other with every chunking, and against GNU tar in both directions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHeader, endOfArchive, paxRecord, TarFormatError, TarReader, zeroPad, normaliseName, type TarHeader } from '../../src/core/tar.js';

interface Entry {
  header: TarHeader;
  data: Buffer;
}

function build(entries: { header: TarHeader; data?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(encodeHeader(e.header));
    if (e.data) parts.push(e.data, zeroPad(e.data.length));
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}

function read(archive: Buffer, chunk: number): Entry[] {
  const r = new TarReader();
  const out: Entry[] = [];
  let cur: { header: TarHeader; parts: Buffer[] } | undefined;
  for (let off = 0; off < archive.length; off += chunk) {
    for (const ev of r.push(archive.subarray(off, off + chunk))) {
      if (ev.kind === 'entry') cur = { header: ev.header, parts: [] };
      else if (ev.kind === 'data') cur?.parts.push(Buffer.from(ev.data));
      else if (cur) {
        out.push({ header: cur.header, data: Buffer.concat(cur.parts) });
        cur = undefined;
      }
    }
  }
  r.end();
  return out;
}

const longDir = 'd'.repeat(120);
const samples = [
  { header: { name: 'root', type: 'directory', mode: 0o755, size: 0, mtime: 1_700_000_000 } as TarHeader },
  { header: { name: 'root/a.txt', type: 'file', mode: 0o640, size: 6, mtime: 1_700_000_001 } as TarHeader, data: Buffer.from('hello\n') },
  { header: { name: 'root/empty', type: 'file', mode: 0o600, size: 0, mtime: 1_700_000_002 } as TarHeader, data: Buffer.alloc(0) },
  { header: { name: 'root/link', type: 'symlink', mode: 0o777, size: 0, mtime: 1_700_000_003, linkname: 'a.txt' } as TarHeader },
  // ustar prefix/name split
  { header: { name: `root/${longDir}/f`, type: 'file', mode: 0o644, size: 1000, mtime: 1_700_000_004 } as TarHeader, data: Buffer.alloc(1000, 7) },
  // no split possible: a PAX path record
  { header: { name: `root/${'x'.repeat(200)}`, type: 'file', mode: 0o644, size: 512, mtime: 1_700_000_005 } as TarHeader, data: Buffer.alloc(512, 1) },
  { header: { name: `root/é-ünïcode-${'u'.repeat(95)}`, type: 'file', mode: 0o644, size: 3, mtime: 1_700_000_006 } as TarHeader, data: Buffer.from('abc') },
  { header: { name: 'root/longlink', type: 'symlink', mode: 0o777, size: 0, mtime: 1_700_000_007, linkname: `../${'t'.repeat(150)}` } as TarHeader },
];

test('what the writer writes, the reader reads back, however the stream is chunked', () => {
  const archive = build(samples);
  for (const chunk of [1, 7, 100, 511, 512, 513, 4096, archive.length]) {
    const got = read(archive, chunk);
    assert.equal(got.length, samples.length, `chunk ${chunk}`);
    got.forEach((g, i) => {
      const want = samples[i];
      assert.equal(g.header.name, want.header.name, `chunk ${chunk}`);
      assert.equal(g.header.type, want.header.type);
      assert.equal(g.header.mode, want.header.mode);
      assert.equal(g.header.mtime, want.header.mtime);
      assert.equal(g.header.linkname, want.header.linkname);
      assert.deepEqual(g.data, want.data ?? Buffer.alloc(0));
    });
  }
});

test('GNU tar lists and extracts what kite writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kite-tar-'));
  writeFileSync(join(dir, 'a.tar'), build(samples));
  const listing = execFileSync('tar', ['-tf', join(dir, 'a.tar')], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listing, samples.map((s) => s.header.name + (s.header.type === 'directory' ? '/' : '')));
  mkdirSync(join(dir, 'out'));
  execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', join(dir, 'out')]);
  assert.equal(readFileSync(join(dir, 'out/root/a.txt'), 'utf8'), 'hello\n');
  assert.equal(statSync(join(dir, 'out/root/a.txt')).mode & 0o777, 0o640);
  assert.equal(readlinkSync(join(dir, 'out/root/link')), 'a.txt');
  assert.equal(readFileSync(join(dir, `out/root/${'x'.repeat(200)}`)).length, 512);
  assert.equal(readlinkSync(join(dir, 'out/root/longlink')), `../${'t'.repeat(150)}`);
});

test('kite reads what GNU tar writes (ustar, GNU long names and PAX)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kite-tar-'));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'sub', 'y'.repeat(110)), { recursive: true });
  writeFileSync(join(src, 'sub', 'y'.repeat(110), 'z'.repeat(120)), 'deep');
  writeFileSync(join(src, 'f'), Buffer.alloc(70_000, 3));
  symlinkSync('f', join(src, 'l'));
  for (const format of ['gnu', 'pax', 'ustar']) {
    const args = ['-cf', '-', '-C', dir, `--format=${format}`, 'src'];
    if (format === 'ustar') args.splice(4, 0, '--exclude', 'src/sub');
    const archive = execFileSync('tar', args, { maxBuffer: 1 << 24 });
    const got = read(archive, 333);
    const byName = new Map(got.map((e) => [e.header.name, e]));
    assert.equal(byName.get('src/f')?.data.length, 70_000, format);
    assert.equal(byName.get('src/l')?.header.type, 'symlink', format);
    assert.equal(byName.get('src/l')?.header.linkname, 'f', format);
    assert.equal(byName.get('src')?.header.type, 'directory', format);
    if (format !== 'ustar') assert.equal(byName.get(`src/sub/${'y'.repeat(110)}/${'z'.repeat(120)}`)?.data.toString(), 'deep', format);
  }
});

test('PAX record lengths count their own digits', () => {
  for (let n = 80; n < 1010; n++) {
    const r = paxRecord('path', 'p'.repeat(n));
    assert.equal(Buffer.byteLength(r), parseInt(r, 10), `value length ${n}`);
  }
});

test('a truncated or corrupt archive is an error, not silent data loss', () => {
  const archive = build(samples.slice(0, 2));
  const r = new TarReader();
  r.push(archive.subarray(0, 700));
  assert.throws(() => r.end(), TarFormatError);
  const bad = Buffer.from(archive);
  bad[10] ^= 0xff;
  assert.throws(() => new TarReader().push(bad), /checksum/);
});

test('names are normalised: ./ prefixes and trailing slashes go, the root is "."', () => {
  assert.equal(normaliseName('./a/b/'), 'a/b');
  assert.equal(normaliseName('./'), '.');
  assert.equal(normaliseName('a//b'), 'a/b');
  assert.equal(normaliseName('../x'), '../x');
});
