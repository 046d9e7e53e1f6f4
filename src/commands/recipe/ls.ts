// kite recipe ls: the recipes of the catalogue with their README scores
// (table, or JSON with -m), filtered by pattern, category or status.

import type { Context } from '../../cli/context.js';
import { latestVersion, type Maintainer, type RecipeMeta } from '../../core/catalogue.js';
import { loadCatalogue } from '../../operations/catalogue-read.js';
import { releaseLevel } from '../../core/recipe-test/settings.js';
import { readTestResults } from '../../operations/recipe-test-results.js';
import { byText } from '../../core/text-order.js';

export interface LsFlags {
  pattern?: string;
  category?: string;
  status?: number;
  /** only recipes whose latest release reached at least this test level */
  level?: number;
}

export async function run(ctx: Context, flags: LsFlags): Promise<void> {
  const status = flags.status;
  const loaded = await loadCatalogue(ctx.ports, Boolean(ctx.globals.offline));
  for (const w of loaded.warnings) ctx.io.warn(w);
  if (ctx.globals.offline) ctx.io.info(`offline: the catalogue as the local copy has it (${loaded.path})`);
  else if (loaded.local) ctx.io.info(`catalogue: the local copy ${loaded.path}, not brought up to date`);
  else ctx.io.debug(`catalogue: ${loaded.path}, up to date with ${loaded.source}`);

  const pattern = flags.pattern?.toLowerCase();
  const recipes = Object.entries(loaded.catalogue)
    .map(([key, meta]) => ({ ...meta, name: meta.name || key }))
    .filter((m) => !pattern || m.name.toLowerCase().includes(pattern) || m.description.toLowerCase().includes(pattern))
    .filter((m) => !flags.category || m.category.toLowerCase() === flags.category.toLowerCase())
    .filter((m) => status === undefined || m.features.status === status)
    .map((m) => ({ ...m, level: latestLevel(ctx, m) }))
    .filter((m) => flags.level === undefined || (m.level !== undefined && m.level >= flags.level))
    .sort((a, b) => byText(a.name, b.name));

  if (ctx.io.json) {
    ctx.io.jsonData(recipes.map(row));
    return;
  }
  const withMaintainers = recipes.some((m) => m.maintainers?.length);
  const headers = ['NAME', 'CATEGORY', 'STATUS', 'HEALTHCHECK', 'BACKUPS', 'EMAIL', 'TESTS', 'SSO', 'LEVEL', ...(withMaintainers ? ['MAINTAINERS'] : [])];
  ctx.io.table(
    headers,
    recipes.map((m) => {
      const r = row(m);
      return [r.name, r.category, String(r.status), r.healthcheck, r.backups, r.email, r.tests, r.sso, r.level === null ? '-' : String(r.level), ...(withMaintainers ? [(m.maintainers ?? []).map(who).join(', ')] : [])];
    }),
  );
  ctx.io.info(`${recipes.length} recipe${recipes.length === 1 ? '' : 's'}${recipes.length < Object.keys(loaded.catalogue).length ? ` (of ${Object.keys(loaded.catalogue).length})` : ''}`);
}

function row(m: RecipeMeta & { level?: number }) {
  const f = m.features;
  return { name: m.name, category: m.category, status: f.status, healthcheck: f.healthcheck, backups: f.backups, email: f.email, tests: f.tests, sso: f.sso, level: m.level ?? null, maintainers: m.maintainers ?? [] };
}

/** the recipe test level of the latest release: a saved result or the catalogue's, the newer; undefined when untested */
function latestLevel(ctx: Context, m: RecipeMeta): number | undefined {
  const latest = latestVersion(m);
  return latest === undefined ? undefined : releaseLevel(latest, readTestResults(ctx.ports, m.name).results, m.levels)?.level;
}

function who(m: Maintainer): string {
  return m.handle ? `@${m.handle}` : (m.name ?? m.email ?? '');
}

