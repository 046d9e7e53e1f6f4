import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { tailLines } from '../parse.js';

/** Commands that read apps: local listings and checks, and what the swarm says. */
export function registerAppReadCommands(app: CommandUnknownOpts): void {
  app
    .command('ls')
    .alias('list')
    .option('-s, --server <server>', 'only apps on this server')
    .option('-r, --recipe <recipe>', 'only apps of this recipe')
    .option('-S, --status', 'ask the servers for deploy status, version and chaos (one query per server)')
    .description('list apps (from $ABRA_DIR/servers; with --status, what each server runs)')
    .addHelpText('after', example('kite app ls', 'kite app ls --status --server example.com', 'kite app ls -S -m   # JSON, as abra app ls -m'))
    .action(action(() => import('../../commands/app/ls.js')));
  app
    .command('check')
    .alias('chk')
    .argument('<domain>', 'app domain')
    .description("check the app env file has every key of the recipe's .env.sample (exit 7 when some are missing)")
    .addHelpText('after', example('kite app check cloud.example.com'))
    .action(action(() => import('../../commands/app/check.js')));
  app
    .command('config')
    .alias('cfg')
    .argument('<domain>', 'app domain')
    .description('edit the app env file in $EDITOR (default vi), then check it is still readable')
    .addHelpText('after', example('kite app config cloud.example.com', 'EDITOR=nano kite app config cloud.example.com'))
    .action(action(() => import('../../commands/app/config.js')));
  app
    .command('labels')
    .alias('lb')
    .argument('<domain>', 'app domain')
    .description("show the labels of the deployed app service (service and container labels)")
    .addHelpText('after', example('kite app labels cloud.example.com'))
    .action(action(() => import('../../commands/app/labels.js')));
  app
    .command('services')
    .alias('sr')
    .argument('<domain>', 'app domain')
    .description("list the deployed stack's services: image, mode, replicas, ports")
    .addHelpText('after', example('kite app services cloud.example.com'))
    .action(action(() => import('../../commands/app/services.js')));
  app
    .command('logs')
    .alias('l')
    .argument('<domain>', 'app domain')
    .argument('[service]', 'one service (e.g. app); all services interleaved when absent')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-S, --since <time>', 'only lines since a duration ago (10m, 1h30m), a UNIX timestamp or a date')
    .option('-t, --tail <lines>', 'only the last lines of each task (a number, or all)', tailLines)
    .option('--raw', 'print log lines byte for byte (only when stdout/stderr is not a terminal; on one they are still made safe)')
    .description("show the app's service logs")
    .addHelpText('after', example('kite app logs cloud.example.com', 'kite app logs cloud.example.com app --tail 50 --follow', 'kite app logs cloud.example.com --since 10m'))
    .action(action(() => import('../../commands/app/logs.js')));
}
