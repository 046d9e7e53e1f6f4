// Reading $ABRA_DIR defensively: a binary env file is refused (named, never
// printed), a NUL byte in a value is found with its file, line and key, and an
// env file whose name is not a domain is refused naming the file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbraDir } from '../../src/adapters/abra-dir.js';
import { binaryProblem, decodeEnvFile, parseEnvFile } from '../../src/core/env-file.js';
import { RecipeError } from '../../src/core/errors.js';
import { loadAppRef } from '../../src/operations/load-app.js';
import { createPorts } from '../../src/cli/ports.js';

const scratch = mkdtempSync(join(tmpdir(), 'kite-abradir-read-'));

function abraWith(name: string, files: Record<string, string | Buffer>): AbraDir {
  const root = join(scratch, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return new AbraDir(root);
}

test('a binary env file is refused, named, and its bytes are not in the message', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x1b, 0x5b, 0x32, 0x4a]);
  const utf16 = Buffer.from('TYPE=custom-html\nDOMAIN=a.example.com\n', 'utf16le');
  const dir = abraWith('binary', { 'servers/s/png.example.com.env': png, 'servers/s/utf16.example.com.env': utf16 });
  for (const [domain, why] of [['png.example.com', /invalid UTF-8/], ['utf16.example.com', /NUL bytes/]] as const) {
    const path = dir.appPath('s', domain);
    assert.throws(() => dir.readText(path), (e: unknown) => {
      assert.ok(e instanceof RecipeError);
      assert.ok(e.message.startsWith(`${path}: not an env file: binary content`), e.message);
      assert.match(e.message, why);
      assert.doesNotMatch(e.message, /[\x00-\x08\x1b]/, 'no raw control bytes in the message');
      return true;
    });
  }
});

test('binary sniffing: text passes, a multi-byte character cut at 1 KB is not an error', () => {
  assert.equal(binaryProblem(Buffer.from('TYPE=x\nGREETING=héllo ☃\n')), undefined);
  const text = `A=${'x'.repeat(1021)}é\n`; // é straddles byte 1024
  assert.equal(binaryProblem(Buffer.from(text)), undefined);
  assert.equal(decodeEnvFile(Buffer.from(text), 'f'), text);
  // a BOM is kept, as the file has it
  assert.equal(decodeEnvFile(Buffer.from('\uFEFFA=1\n'), 'f'), '\uFEFFA=1\n');
  assert.match(binaryProblem(Buffer.from([0x41, 0x3d, 0xff, 0xfe])) ?? '', /invalid UTF-8/);
});

test('a NUL byte in a value is found up front, naming file, line and key', () => {
  const text = 'TYPE=x\n# comment\nSECRET=ab\0cd\n';
  // the file is not "binary": the NUL is on a KEY= line, so the parser reports it
  assert.equal(binaryProblem(Buffer.from(text)), undefined);
  assert.throws(() => parseEnvFile(text, '/abra/servers/s/a.env'), (e: unknown) => {
    assert.ok(e instanceof RecipeError);
    assert.match(e.message, /^\/abra\/servers\/s\/a\.env:3 \(SECRET\): the value contains a NUL byte/);
    return true;
  });
  // quoted, and past the first KB
  const late = `A="${'y'.repeat(2000)}"\nB="x\0"\n`;
  assert.throws(() => parseEnvFile(late, 'f.env'), /^Error: f\.env:2 \(B\): the value contains a NUL byte|f\.env:2 \(B\)/);
});

test('an env file whose name is not a domain is refused, naming the file', () => {
  const dir = abraWith('badname', { 'servers/x/Foo_Bar!.env': 'TYPE=custom-html\n', 'servers/x/good.example.com.env': 'TYPE=custom-html\n' });
  const path = dir.appPath('x', 'Foo_Bar!');
  for (const attempt of [() => dir.findApp('Foo_Bar!'), () => loadAppRef(createPorts({}, { apps: dir }), { domain: 'Foo_Bar!', server: 'x', path })]) {
    assert.throws(attempt, (e: unknown) => {
      assert.ok(e instanceof RecipeError);
      assert.ok(e.message.startsWith(`${path}: the file name gives the app domain "Foo_Bar!", which is not a valid domain name`), e.message);
      assert.match(e.hint ?? '', /rename the file/);
      return true;
    });
  }
  // listing still shows it (so it can be found and fixed); a good app is found
  assert.deepEqual(dir.listApps().map((a) => a.domain), ['Foo_Bar!', 'good.example.com']);
  assert.equal(dir.findApp('good.example.com').server, 'x');
});
