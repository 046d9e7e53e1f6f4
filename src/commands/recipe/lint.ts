// kite recipe lint <recipe>: abra's lint rules and kite's own, as a table
// (or JSON with -m). Unlike abra 0.13, which always exits 0, a failed
// CRITICAL rule exits 7 so scripts and CI need not parse the table.

import type { Context } from '../../cli/context.js';
import { criticalFailures, lintRecipe, type LintResult } from '../../core/lint/index.js';
import { RecipeError } from '../../core/errors.js';
import { recipeLocation } from './maintain.js';

export interface LintFlags {
  onlyErrors?: boolean;
}

export async function run(ctx: Context, recipe: string, flags: LintFlags): Promise<void> {
  const { dir, name } = recipeLocation(ctx, recipe);
  const files = await ctx.ports.recipeFiles.readAll(dir, name);
  ctx.io.debug(`linting ${dir}` + (files.git ? ` (git HEAD ${files.git.head?.slice(0, 8) ?? 'none'}${files.git.dirty ? ', uncommitted changes' : ''})` : ' (not a git repository)'));
  const results = lintRecipe(files);
  const shown = flags.onlyErrors ? results.filter(failed) : results;

  if (ctx.io.json) ctx.io.jsonData({ recipe: name, results: shown });
  else printReport(ctx, shown);

  const failedCount = results.filter(failed).length;
  const critical = criticalFailures(results);
  const skipped = results.filter((r) => r.skipped).length;
  ctx.io.info(`${name}: ${results.length - failedCount - skipped} satisfied, ${failedCount} failed (${critical.length} critical), ${skipped} skipped`);
  if (critical.length > 0) {
    throw new RecipeError(
      `recipe ${name}: ${critical.length} critical lint rule${critical.length > 1 ? 's' : ''} not satisfied: ${critical.map((r) => `${r.ref} (${r.description})`).join(', ')}`,
      undefined,
      undefined,
      'fix them as the table says; `kite recipe lint` exits non-zero on critical failures (abra 0.13 always exits 0)',
    );
  }
}

function failed(r: LintResult): boolean {
  return !r.satisfied && !r.skipped;
}

const HEADERS = ['REF', 'RULE', 'SEVERITY', 'SATISFIED', 'SKIPPED', 'HOW TO FIX'];

function printReport(ctx: Context, results: LintResult[]): void {
  const rows = results.map((r) => [r.ref, r.description, r.level, r.skipped ? '-' : r.satisfied ? '✅' : '❌', r.skipped ? '✅' : '-', r.howToResolve]);
  printTable(ctx, HEADERS, rows);
  const explained = results.filter((r) => r.details.length > 0);
  if (explained.length === 0) return;
  ctx.io.data('');
  for (const r of explained) {
    const state = r.skipped ? 'skipped' : r.satisfied ? 'note' : r.level === 'critical' ? 'CRITICAL' : 'warning';
    ctx.io.data(`${r.ref} ${r.description} (${state}):`);
    for (const d of r.details) ctx.io.data(`  - ${d}`);
  }
}

/** Columns padded by display width: ✅ and ❌ take two terminal cells. */
function printTable(ctx: Context, headers: string[], rows: string[][]): void {
  const width = (s: string) => [...s].reduce((n, ch) => n + (ch === '✅' || ch === '❌' ? 2 : 1), 0);
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - width(c)))).join('  ');
  ctx.io.data(line(headers));
  for (const r of rows) ctx.io.data(line(r));
}
