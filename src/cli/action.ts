// Glue between commander and commands: one Context per command run, typed
// errors reported once (a line, or a JSON object with --json) and mapped to
// exit codes, help examples.

import { Context, type GlobalOptions } from './context.js';
import { exitCodeFor, jsonErrorFor } from './exit-codes.js';
import { KiteError } from '../core/errors.js';

/** the options object of a command that has no options of its own */
export type NoOptions = Record<string, never>;

/** what commander hands an action last: the command, for its global options */
interface Invoked {
  optsWithGlobals(): object;
}

/**
 * A command's action, loaded when it runs. `run` declares its arguments and
 * its typed options object; commander's typings (@commander-js/extra-typings)
 * infer what the tree's flag definitions produce, and the type checker
 * refuses a tree whose arguments or options do not fit the `run` they reach.
 */
export function action<A extends unknown[]>(load: () => Promise<{ run: (ctx: Context, ...args: A) => Promise<void> }>): (...args: [...A, Invoked]) => Promise<void> {
  return async (...args: [...A, Invoked]) => {
    const cmd = args[args.length - 1] as Invoked;
    const ctx = new Context(cmd.optsWithGlobals() as GlobalOptions);
    try {
      const { run } = await load();
      await run(ctx, ...(args.slice(0, -1) as A));
    } catch (e) {
      report(ctx, e);
      process.exitCode = exitCodeFor(e);
    } finally {
      await ctx.close();
    }
  };
}

/** the error once: a human ERROR line (and hint), or with --json one JSON object on stderr */
function report(ctx: Context, e: unknown): void {
  if (ctx.io.json) {
    ctx.io.jsonError(jsonErrorFor(e));
  } else if (e instanceof KiteError) {
    ctx.io.error(e.message);
    if (e.hint) ctx.io.info(`  ${e.hint}`);
  } else {
    ctx.io.error((e as Error)?.message ?? String(e));
  }
  if (ctx.io.debugEnabled && e instanceof Error && e.stack) ctx.io.debug(e.stack);
}

export function example(...lines: string[]): string {
  return `\n${lines.length > 1 ? 'Examples' : 'Example'}:\n${lines.map((l) => `  ${l.trim()}`).join('\n')}\n`;
}

