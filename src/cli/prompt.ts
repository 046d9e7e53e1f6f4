// The prompt rule: kite asks only when someone can answer — stdin and stderr
// are terminals and -n/--no-input was not given (ctx.io.interactive).
// Otherwise a missing answer is a usage error naming the flag that gives it,
// so scripts and CI fail fast instead of hanging on a prompt.

import type { Context } from './context.js';
import { CancelledError, UsageError } from '../core/errors.js';
import type { Choice, Prompter, TextPromptOptions } from '../ports/prompter.js';

/**
 * The Prompter behind ctx.prompter: @clack/prompts is imported on first use
 * only (startup stays fast), and never when there is nobody to answer.
 */
export function terminalPrompter(interactive: () => boolean): Prompter {
  const load = async (): Promise<Prompter> => {
    if (!interactive()) throw new UsageError('cannot prompt: no terminal to ask on (or -n/--no-input given)', 'pass the missing flags');
    return (await import('../adapters/clack-prompter.js')).clackPrompter;
  };
  return {
    select: async <T extends string>(message: string, options: Choice<T>[]) => (await load()).select(message, options),
    text: async (message: string, options?: TextPromptOptions) => (await load()).text(message, options),
    confirm: async (message: string) => (await load()).confirm(message),
  };
}

function whyNotAsking(ctx: Context): string {
  return ctx.globals.input === false ? '-n/--no-input given' : 'no terminal to ask on';
}

/**
 * `given` when the flag was passed; otherwise ask on the terminal, or fail
 * naming the flag. `flag` is how it is written, e.g. `--server <server>`.
 */
export async function flagOrAsk<T>(ctx: Context, given: T | undefined, flag: string, ask: (p: Prompter) => Promise<T>): Promise<T> {
  if (given !== undefined) return given;
  const name = flag.split(' ')[0];
  if (!ctx.io.interactive) throw new UsageError(`missing ${name} (${whyNotAsking(ctx)})`, `pass ${flag}`);
  return ask(ctx.prompter);
}

/**
 * Gate for destructive commands: goes ahead with --force/-f, asks on a
 * terminal (no → CancelledError, exit 130, nothing changed), and otherwise
 * fails naming --force.
 */
export async function confirm(ctx: Context, message: string, opts: { force?: boolean }): Promise<void> {
  if (opts.force) return;
  if (!ctx.io.interactive) throw new UsageError(`missing --force (${whyNotAsking(ctx)}: ${message})`, 'pass --force (-f) to go ahead without asking');
  if (!(await ctx.prompter.confirm(message))) throw new CancelledError('cancelled: nothing was changed');
}
