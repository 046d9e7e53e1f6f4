// kite's command tree (abra's names and aliases). Each command's code is
// loaded only when it runs, so `kite --help` and `kite --version` stay fast.

import { Command, Option } from 'commander';
import { Context, type GlobalOptions } from './context.js';
import { exitCodeFor } from './exit-codes.js';
import { KiteError } from '../core/errors.js';
import { VERSION } from './version.js';

type Action = (ctx: Context, ...args: any[]) => Promise<void>;

function action(load: () => Promise<{ run: Action }>) {
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

function report(ctx: Context, e: unknown): void {
  if (e instanceof KiteError) {
    ctx.io.error(e.message);
    if (e.hint) ctx.io.info(`  ${e.hint}`);
  } else {
    ctx.io.error((e as Error)?.message ?? String(e));
  }
  if (ctx.io.debugEnabled && e instanceof Error && e.stack) ctx.io.debug(e.stack);
}

function example(...lines: string[]): string {
  return `\n${lines.length > 1 ? 'Examples' : 'Example'}:\n${lines.map((l) => `  ${l.trim()}`).join('\n')}\n`;
}

export function buildProgram(): Command {
  const program = new Command('kite')
    .description('Co-op Cloud apps and recipes on Docker Swarm, compatible with abra')
    .version(VERSION, '-v, --version')
    .option('-d, --debug', 'show debug output')
    .option('-n, --no-input', 'never prompt; fail with a clear error instead')
    .option('-o, --offline', 'do not use the network for recipes or catalogue')
    .option('-m, --machine', 'machine-readable JSON output')
    .option('--json', 'same as --machine')
    .showHelpAfterError();

  const server = program.command('server').alias('s').description('manage servers');
  server
    .command('add')
    .alias('a')
    .argument('[server]', 'SSH host or ~/.ssh/config alias')
    .option('-l, --local', 'use the local Docker daemon (server name "default")')
    .description('add a server after checking it is a reachable swarm manager')
    .addHelpText('after', example('kite server add example.com', 'kite server add --local'))
    .action(action(() => import('../commands/server/add.js')));

  const app = program.command('app').alias('a').description('manage apps');
  app
    .command('new')
    .alias('n')
    .argument('<recipe>', 'recipe name (a directory in $ABRA_DIR/recipes)')
    .requiredOption('-s, --server <server>', 'server to put the app on')
    .requiredOption('-D, --domain <domain>', 'the app domain')
    .option('-S, --secrets', 'generate the secrets now')
    .description('create a new app from a recipe')
    .addHelpText('after', example('kite app new nextcloud -s example.com -D cloud.example.com --secrets'))
    .action(action(() => import('../commands/app/new.js')));
  app
    .command('deploy')
    .alias('d')
    .argument('<domain>', 'app domain')
    .option('-f, --force', 'redeploy an app that is already deployed')
    .option('-c, --no-converge-checks', 'submit the stack without waiting for it to converge')
    .option('--no-rollback', 'on failure, leave the failed version in place for debugging')
    .addOption(new Option('--timeout <seconds>', 'convergence timeout (default: recipe label, TIMEOUT, 50)').argParser(Number))
    .description('deploy an app and wait until it runs')
    .addHelpText('after', example('kite app deploy cloud.example.com'))
    .action(action(() => import('../commands/app/deploy.js')));
  app
    .command('undeploy')
    .alias('un')
    .argument('<domain>', 'app domain')
    .description('remove the running stack (volumes and secrets are kept)')
    .addHelpText('after', example('kite app undeploy cloud.example.com'))
    .action(action(() => import('../commands/app/undeploy.js')));
  app
    .command('ps')
    .argument('<domain>', 'app domain')
    .description("show the app's services and tasks")
    .addHelpText('after', example('kite app ps cloud.example.com'))
    .action(action(() => import('../commands/app/ps.js')));

  const secret = app.command('secret').alias('s').description('manage app secrets');
  secret
    .command('generate')
    .alias('g')
    .argument('<domain>', 'app domain')
    .argument('[secret]', 'secret name')
    .argument('[version]', 'secret version')
    .option('-a, --all', 'generate every secret the recipe defines')
    .description('generate secrets and store them on the server (values are shown once)')
    .addHelpText('after', example('kite app secret generate cloud.example.com --all', 'kite app secret generate cloud.example.com db_password v2'))
    .action(action(() => import('../commands/app/secret-generate.js')));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
