// kite recipe release <recipe> [version]: release notes, the commit
// `chore: publish <version> release` (with what upgrade and sync left
// pending), the annotated tag; --publish pushes them to origin; --dry-run
// shows the steps and changes nothing. Changes to files that are not the
// recipe's are refused, or on a terminal listed with a question.

import type { Context } from '../../cli/context.js';
import { releaseRecipe } from '../../operations/recipe-release.js';
import { UsageError } from '../../core/errors.js';
import { askBump, bumpFlag, recipeLocation, type BumpFlags } from './maintain.js';

export interface ReleaseFlags extends BumpFlags {
  dryRun?: boolean;
  publish?: boolean;
  /** commander: string with --notes, false with --no-notes */
  notes?: string | false;
  notesFile?: string;
}

export async function run(ctx: Context, recipe: string, version: string | undefined, flags: ReleaseFlags): Promise<void> {
  const bump = bumpFlag(flags);
  if (version !== undefined && bump) throw new UsageError(`a version and --${bump} given together`, 'pass either the version or one of -x/-y/-z');
  if (flags.publish && ctx.globals.offline) throw new UsageError('--publish pushes to the recipe remote and cannot work offline', 'drop -o/--offline, or release without --publish');
  const { dir, name } = recipeLocation(ctx, recipe);
  const result = await releaseRecipe(ctx.ports, dir, name, {
    version,
    bump,
    chooseBump: (inferred, last) => askBump(ctx, inferred, last),
    notes: flags.notes,
    notesFile: flags.notesFile,
    askNotes: ctx.io.interactive
      ? (v) => ctx.prompter.text(`release notes for ${v} (shown to operators on upgrade; empty for none; longer notes: write release/next)`, { placeholder: 'what changed, what operators must do' })
      : undefined,
    confirmOthers: ctx.io.interactive
      ? async (others, recipeFiles) => {
          ctx.io.info(`the release commit would hold the pending changes to ${recipeFiles.length ? recipeFiles.join(', ') : 'no recipe files'} (with the version label and notes)`);
          ctx.io.warn(`these changes are not to the recipe's files: ${others.join(', ')}`);
          return ctx.prompter.confirm('commit them with the release too?');
        }
      : undefined,
    dryRun: Boolean(flags.dryRun),
    publish: Boolean(flags.publish),
  });

  if (ctx.io.json) ctx.io.jsonData(result);
  else ctx.io.data(result.version);
  const prefix = result.dryRun ? 'dry run, would: ' : '';
  for (const step of result.steps) ctx.io.info(`${prefix}${step}`);
  if (result.dryRun) ctx.io.info('dry run: nothing was changed');
  else if (result.publishedOnly) ctx.io.info(`${name} ${result.version} published to ${result.pushed?.url ?? 'origin'}`);
  else {
    ctx.io.info(`${name} ${result.version} released (commit ${result.commit?.slice(0, 8)}, tag ${result.tag})`);
    if (result.pushed) ctx.io.info(`pushed ${result.branch} and ${result.tag} to ${result.pushed.url ?? result.pushed.remote}`);
    else ctx.io.info(`not published: kite recipe release ${recipe} ${result.version} --publish (or git push origin ${result.branch} ${result.tag})`);
  }
}
