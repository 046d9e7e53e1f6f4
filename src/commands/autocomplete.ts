// `kite autocomplete <shell>` prints a completion script; the hidden
// `kite __complete -- <words...>` answers it. __complete runs on every Tab,
// so it reads only $ABRA_DIR listings (no Docker, no SSH, no network) and
// never prints an error into the operator's command line.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandUnknownOpts as Command, Option } from '@commander-js/extra-typings';
import type { Context } from '../cli/context.js';
import type { NoOptions } from '../cli/action.js';
import { createPorts } from '../cli/ports.js';
import type { AppStore } from '../ports/app-store.js';
import { UsageError } from '../core/errors.js';
import { complete, completionScript, formatCandidates, SHELLS, type CommandSpec, type Listings, type Shell } from '../core/completion.js';

export async function run(ctx: Context, shell: string, _options: NoOptions): Promise<void> {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`no completion for shell "${shell}"`, `pass one of: ${SHELLS.join(', ')}`);
  }
  ctx.io.data(completionScript(shell as Shell).trimEnd());
}

/** `kite __complete -- <words...>`: print the candidates, one a line. */
export function printCompletions(program: Command, words: string[]): void {
  const out = formatCandidates(complete(describeCommand(program), words, abraListings(createPorts().apps)));
  if (out) process.stdout.write(out + '\n');
}

/** The commander tree as completion sees it: visible commands, options and arguments. */
export function describeCommand(cmd: Command): CommandSpec {
  const help = cmd.createHelp();
  return {
    name: cmd.name(),
    aliases: cmd.aliases(),
    description: cmd.description(),
    options: help.visibleOptions(cmd).map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
      description: o.description,
      value: o.required || o.optional ? valueName(o) : undefined,
      choices: o.argChoices,
    })),
    args: cmd.registeredArguments.map((a) => ({ name: a.name(), variadic: a.variadic, choices: a.argChoices })),
    commands: help.visibleCommands(cmd).map(describeCommand),
  };
}

/** `-s, --server <server>` → 'server' */
function valueName(o: Option): string {
  return /[<[]([^>\]]+?)(\.\.\.)?[>\]]/.exec(o.flags)?.[1] ?? '';
}

function abraListings(dir: AppStore): Listings {
  const safe = <T>(list: () => T[]): T[] => {
    try {
      return list();
    } catch {
      return []; // an unreadable $ABRA_DIR just completes nothing
    }
  };
  return {
    domains: () => safe(() => dir.listApps().map((a) => ({ value: a.domain, description: `on ${a.server}` }))),
    servers: () => safe(() => dir.listServers()),
    recipes: () =>
      safe(() =>
        readdirSync(dir.recipesDir)
          .filter((n) => !n.startsWith('.') && statSync(join(dir.recipesDir, n)).isDirectory())
          .sort(),
      ),
  };
}
