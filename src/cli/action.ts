// Glue between commander and commands: one Context per command run, typed
// errors reported once (a line, or a JSON object with --json) and mapped to
// exit codes, help examples.

import type { Command } from 'commander';
import { Context, type GlobalOptions } from './context.js';
import { exitCodeFor, jsonErrorFor } from './exit-codes.js';
import { KiteError } from '../core/errors.js';

type Action = (ctx: Context, ...args: any[]) => Promise<void>;

export function action(load: () => Promise<{ run: Action }>) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const ctx = new Context(cmd.optsWithGlobals() as GlobalOptions);
    try {
      const { run } = await load();
      await run(ctx, ...args.slice(0, -1));
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

