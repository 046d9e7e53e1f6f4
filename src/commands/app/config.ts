import type { Context } from '../../cli/context.js';
import type { NoOptions } from '../../cli/action.js';
import { appRecipe, parseEnvFile } from '../../core/env-file.js';
import { RecipeError, UsageError, KiteError } from '../../core/errors.js';
import { checkPlacement } from '../../operations/app-check.js';
import { changedKeys } from '../../core/env-validate.js';
import { commitEnvChange } from './env-commit.js';

export async function run(ctx: Context, domain: string, _options: NoOptions): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  const { command, fromEnv } = ctx.ports.editor.command();
  if (!fromEnv && !process.stdin.isTTY) {
    throw new UsageError(`no terminal for vi to edit ${ref.path} in`, 'run it in a terminal, or set EDITOR to an editor that needs none');
  }
  ctx.io.debug(`editing ${ref.path} with ${command}`);
  const before = readable(() => ctx.dir.readText(ref.path)); // the file may be broken: that is what the editor is for
  const code = await ctx.ports.editor.run(command, ref.path);
  if (code === 127) throw new UsageError(`editor "${command}" not found`, 'set EDITOR to an installed editor, e.g. EDITOR=nano');
  if (code !== 0) ctx.io.warn(`the editor exited with ${code === null ? 'a signal' : `code ${code}`}; checking the file anyway`);

  // The file stays as edited: only tell the operator, clearly, when kite can
  // no longer read it (a deploy would refuse it the same way).
  const keep = `the file was kept as edited; fix it with \`kite app config ${domain}\``;
  let env: Record<string, string>;
  try {
    env = parseEnvFile(ctx.dir.readText(ref.path), ref.path).env;
  } catch (e) {
    if (e instanceof KiteError) e.hint = `${keep} (${e.hint ?? 'expected KEY=value lines'})`;
    throw e;
  }
  if (!appRecipe(env)) throw new RecipeError('no TYPE= (or RECIPE=) line naming the recipe any more', ref.path, { key: 'TYPE' }, keep);
  const after = ctx.dir.readText(ref.path);
  if (after !== before) {
    const changed = before === undefined ? undefined : readable(() => changedKeys(before, after, ref.path));
    await commitEnvChange(ctx, ref, !changed ? 'edit (the file was not readable before)' : changed.length ? `edit ${changed.join(', ')}` : 'edit comments');
  }
  // KITE_PLACEMENT_* keys are checked against the recipe's services now, not at the next deploy
  const placement = placementOf(ctx, domain, keep);
  if (ctx.io.json) return ctx.io.jsonData({ app: domain, path: ref.path, keys: Object.keys(env).length, placement });
  for (const p of placement) ctx.io.info(`placement: ${p.service} runs where ${p.constraints.join(', ')} (${p.key})`);
  ctx.io.info(`${ref.path} is readable (${Object.keys(env).length} keys); deploy it with \`kite app deploy ${domain} --force\` if it is running`);
}

function placementOf(ctx: Context, domain: string, keep: string): ReturnType<typeof checkPlacement> {
  try {
    return checkPlacement(ctx.ports, domain);
  } catch (e) {
    if (e instanceof KiteError) e.hint = `${keep} (${e.hint ?? 'see the README on placement'})`;
    throw e;
  }
}

function readable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
