// kite recipe upgrade <recipe>: newer image tags from the registries, one
// choice per service (on a terminal; with -n the newest allowed), written
// into the compose files in place. -m reports without writing (abra's
// machine mode); -m -n writes and reports.

import type { Context } from '../../cli/context.js';
import { upgradeRecipe, type ServiceUpgrade } from '../../operations/recipe-upgrade.js';
import { UsageError } from '../../core/errors.js';
import { bumpFlag, noPromptReason, recipeLocation, type BumpFlags } from './maintain.js';

export interface UpgradeFlags extends BumpFlags {
  allTags?: boolean;
  commit?: boolean;
}

const KEEP = 'keep:';

export async function run(ctx: Context, recipe: string, flags: UpgradeFlags): Promise<void> {
  const bound = bumpFlag(flags);
  if (ctx.globals.offline) throw new UsageError('recipe upgrade asks the image registries and cannot work offline', 'drop -o/--offline');
  const { dir, name } = recipeLocation(ctx, recipe);
  const noInput = ctx.globals.input === false;
  const write = !ctx.io.json || noInput;
  const result = await upgradeRecipe(ctx.ports, dir, name, {
    bound,
    allTags: Boolean(flags.allTags),
    write,
    commit: Boolean(flags.commit),
    choose: async (s) => {
      if (noInput) return s.upgrades[0]?.tag;
      if (!ctx.io.interactive) throw new UsageError(`cannot choose the new tag of ${s.service} (${noPromptReason(ctx)})`, 'pass -n to take the newest allowed tag of each service (bounded by -x/-y/-z)');
      const picked = await ctx.prompter.select(`${s.service}: ${s.name}:${s.tag} (${s.file}) — upgrade to`, choices(s));
      return picked.startsWith(KEEP) ? undefined : picked;
    },
  });

  for (const s of result.services) if (s.skipped) ctx.io.warn(`${s.service} (${s.file}:${s.line}): skipped: ${s.skipped}`);
  if (ctx.io.json) {
    ctx.io.jsonData({
      recipe: name,
      written: result.written,
      changedFiles: result.changedFiles,
      commit: result.commit ?? null,
      services: result.services.map((s) => ({
        service: s.service,
        file: s.file,
        image: s.name || s.image,
        tag: s.tag ?? null,
        upgrades: s.upgrades,
        ...(s.allTags ? { allTags: s.allTags } : {}),
        chosen: s.chosen ?? null,
        kind: s.kind ?? null,
        skipped: s.skipped ?? null,
      })),
    });
  } else {
    const rows = result.services.filter((s) => !s.skipped).map((s) => [s.service, s.name, s.tag ?? '', s.chosen ? `${s.chosen} (${s.kind})` : '-', s.upgrades.map((u) => u.tag).join(' ') || '-']);
    if (rows.length) ctx.io.table(['SERVICE', 'IMAGE', 'TAG', 'NEW', 'AVAILABLE'], rows);
  }

  if (!write) ctx.io.info('report only (-m without -n): nothing was written');
  else if (result.changedFiles.length === 0) ctx.io.info(`${name}: no image to upgrade${bound ? ` within --${bound}` : ''}`);
  else {
    ctx.io.info(`${name}: wrote ${result.changedFiles.join(', ')}`);
    if (result.commit) ctx.io.info(`committed ${result.commit.slice(0, 8)} "chore: upgrade image tags"`);
    else ctx.io.info(`next: test it (kite app deploy <domain> --chaos), then \`kite recipe sync ${recipe}\``);
  }
}

function choices(s: ServiceUpgrade): { value: string; label?: string; hint?: string }[] {
  const out: { value: string; label?: string; hint?: string }[] = s.upgrades.map((u) => ({ value: u.tag, hint: u.kind }));
  for (const t of s.allTags ?? []) if (t !== s.tag && !s.upgrades.some((u) => u.tag === t)) out.push({ value: t, hint: 'not an upgrade of this tag' });
  out.push({ value: `${KEEP}${s.tag}`, label: `keep ${s.tag}` });
  return out;
}
