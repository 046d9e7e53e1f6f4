// Identifiers are ordered by code unit, never by the machine's locale
// (src/core/text-order.ts): the same order everywhere, and no ICU collation
// data loaded (~12 ms) by a command that sorts names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { byText } from '../../src/core/text-order.js';

const SRC = join(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('byText orders by code unit: ISO times in time order, upper case before lower, _ between them', () => {
  assert.deepEqual(['b', 'B', '_', 'a', 'A'].sort(byText), ['A', 'B', '_', 'a', 'b']);
  assert.deepEqual(['2026-11-30T10:00:00Z', '2026-01-02T00:00:00Z', '2025-12-31T23:59:59Z'].sort(byText), ['2025-12-31T23:59:59Z', '2026-01-02T00:00:00Z', '2026-11-30T10:00:00Z']);
  assert.equal(byText('x', 'x'), 0);
});

test('no CLI or server code sorts with localeCompare (the browser UI may, for display names)', () => {
  const offenders = sources(SRC)
    .filter((f) => !relative(SRC, f).startsWith('web/ui/') && !f.endsWith('text-order.ts'))
    .filter((f) => /\.localeCompare\(/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(SRC, f));
  assert.deepEqual(offenders, []);
});
