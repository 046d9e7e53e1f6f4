// kite's command tree (abra's names and aliases). Each command's code is
// loaded only when it runs, so `kite --help` and `kite --version` stay fast.
// The tree is registered per noun from src/cli/tree/.

import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { VERSION } from './version.js';
import { EXIT, jsonUsageError } from './exit-codes.js';
import { safeJson } from '../core/terminal-text.js';
import { registerServerCommands } from './tree/server.js';
import { registerAppCommands } from './tree/app.js';
import { registerAppSecretCommands } from './tree/app-secret.js';
import { registerAppReadCommands } from './tree/app-read.js';
import { registerAppExecCommands } from './tree/app-exec.js';
import { registerAppVersionCommands } from './tree/app-versions.js';
import { registerAppBackupCommands } from './tree/app-backup.js';
import { registerRecipeCommands } from './tree/recipe.js';
import { registerCatalogueCommands } from './tree/catalogue.js';
import { registerCompletionCommands } from './tree/completion.js';
import { registerWebCommands } from './tree/web.js';

export function buildProgram(): Command {
  const program = new Command('kite')
    .description('Co-op Cloud apps and recipes on Docker Swarm, compatible with abra')
    // `-v` is handled in main(): after a command it is that command's flag (server prune -v)
    .version(VERSION, '--version', 'output the version number (also -v, before any command)')
    .option('-d, --debug', 'show debug output')
    .option('-n, --no-input', 'never prompt; fail with a clear error instead')
    .option('-o, --offline', 'do not use the network for recipes or catalogue')
    .option('-m, --machine', 'machine-readable JSON output')
    .option('--json', 'same as --machine')
    .showHelpAfterError('(run with --help for usage and examples)')
    .exitOverride(); // inherited by every subcommand: usage errors exit 2, see main()

  registerServerCommands(program);
  const app = program.command('app').alias('a').description('manage apps');
  registerAppCommands(app);
  registerAppSecretCommands(app);
  registerAppReadCommands(app);
  registerAppExecCommands(app);
  registerAppVersionCommands(app);
  registerRecipeCommands(program.command('recipe').alias('r').description('maintain recipes'));
  registerAppBackupCommands(app);
  registerCatalogueCommands(program.command('catalogue').alias('c').description('the recipe catalogue'));
  registerCompletionCommands(program);
  registerWebCommands(program);

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `kite app ls | head`: a closed pipe ends the output, not the process with a stack trace
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  // Ctrl-C or a kill: leave through process.exit, so 'exit' handlers close
  // ssh connections and remove their sockets. Commands with their own
  // handler (deploy, logs -f, ps --watch) decide for themselves.
  for (const [signal, code] of [['SIGINT', EXIT.cancelled], ['SIGTERM', EXIT.terminated]] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  }
  // commander would read a program-level `-v` anywhere on the line, so it is
  // --version only in first position, as abra's root `-v`
  const [node, script, ...rest] = argv;
  const args = rest[0] === '-v' ? [node, script, '--version', ...rest.slice(1)] : argv;
  const program = buildProgram();
  // with --json a usage error is one JSON object on stderr too (as in
  // action.ts): commander's own error line and help are kept quiet
  const json = wantsJson(args.slice(2));
  if (json) quiet(program);
  try {
    await program.parseAsync(args);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // help and --version exit 0; every other commander error is bad usage
    process.exitCode = e.exitCode === 0 ? 0 : EXIT.usage;
    if (json && e.exitCode !== 0) process.stderr.write(safeJson(jsonUsageError(usageMessage(e), 'run with --help for usage and examples')) + '\n');
  }
}

/** --json, --machine or -m (alone or among short flags) before any `--` */
export function wantsJson(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--json' || a === '--machine' || /^-[a-zA-Z]*m[a-zA-Z]*$/.test(a));
}

function quiet(cmd: CommandUnknownOpts): void {
  cmd.configureOutput({ writeErr: () => {}, outputError: () => {} });
  for (const c of cmd.commands) quiet(c);
}

function usageMessage(e: CommanderError): string {
  if (e.code === 'commander.help') return 'a subcommand is needed';
  return e.message.replace(/^error: /, '');
}
