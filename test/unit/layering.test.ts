// The layers of src/ (README, "Architecture"), enforced by reading the import
// lines of every file: data flows down, never up.
//
//   core/        imports only core/, the node builtins below (pure helpers,
//                no I/O) and the npm packages below (parsers, no I/O)
//   ports/       interfaces: import only core/ and ports/
//   operations/  import core/, ports/ and operations/: never adapters/
//                (they get them through a Ports object), never cli/ or commands/;
//                of node, only pure helpers (app cp's local side aside)
//   commands/    import no adapters/: the real ones reach them through the
//                command context (ctx.ports, built lazily in src/cli/ports.ts)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** what core/ may import from outside itself: no file system, network, process or clock */
const CORE_BUILTINS = new Set(['node:path', 'node:net' /* isIP */]);
const CORE_PACKAGES = new Set(['yaml', 'semver', 'ajv', '@scure/bip39']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** every module specifier: static imports and re-exports, side-effect imports, dynamic import('…') */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of text.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found;
}

/** the layer (first directory under src/) a relative specifier lands in; undefined for packages */
function layerOf(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return relative(SRC, resolve(dirname(file), spec)).split('/')[0];
}

function packageName(spec: string): string {
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
}

function violations(layer: string, allowed: (spec: string, target: string | undefined) => boolean): string[] {
  const out: string[] = [];
  for (const file of files(join(SRC, layer))) {
    for (const spec of imports(file)) {
      if (!allowed(spec, layerOf(file, spec))) out.push(`${relative(SRC, file)}: ${spec}`);
    }
  }
  return out;
}

test('the import scan sees static, re-exported, multi-line and dynamic imports', () => {
  assert.ok(imports(join(SRC, 'ports/docker.ts')).includes('../core/engine-types.js'));
  assert.ok(imports(join(SRC, 'cli/ports.ts')).includes('../adapters/recipe-git.js'), 'a dynamic import');
  assert.ok(imports(join(SRC, 'cli/ports.ts')).includes('../adapters/abra-dir.js'), 'a static import');
  assert.ok(files(join(SRC, 'core')).length > 30);
});

test('core imports only core, pure node builtins and parser packages', () => {
  assert.deepEqual(
    violations('core', (spec, target) => (target === undefined ? CORE_BUILTINS.has(spec) || CORE_PACKAGES.has(packageName(spec)) : target === 'core')),
    [],
  );
});

test('ports import only core and ports', () => {
  assert.deepEqual(
    violations('ports', (spec, target) => (target === undefined ? spec.startsWith('node:') : target === 'core' || target === 'ports')),
    [],
  );
});

/** what operations may import from outside src/: no file system, process or network of their own */
const OPERATION_BUILTINS = new Set(['node:path', 'node:stream', 'node:crypto' /* random secrets */]);
const OPERATION_PACKAGES = new Set(['tar-stream']);
/** app cp copies between the operator's own files and a container: its local side is the file system */
const LOCAL_FILES = new Set(['operations/app-copy.ts']);

test('operations import no adapters, cli or commands, nor I/O builtins: they get the real ones through a Ports object', () => {
  const out: string[] = [];
  for (const file of files(join(SRC, 'operations'))) {
    for (const spec of imports(file)) {
      const target = layerOf(file, spec);
      const ok =
        target !== undefined
          ? ['core', 'ports', 'operations'].includes(target)
          : OPERATION_BUILTINS.has(spec) || OPERATION_PACKAGES.has(packageName(spec)) || (spec === 'node:fs' && LOCAL_FILES.has(relative(SRC, file)));
      if (!ok) out.push(`${relative(SRC, file)}: ${spec}`);
    }
  }
  assert.deepEqual(out, []);
});

test('commands import no adapters: they reach them through the context (ctx.ports)', () => {
  assert.deepEqual(
    violations('commands', (_spec, target) => target !== 'adapters'),
    [],
  );
});
