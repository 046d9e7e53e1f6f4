import { Option, type Command } from 'commander';
import { action, example } from '../action.js';

export function registerAppCommands(app: Command): void {
  app
    .command('new')
    .alias('n')
    .argument('<recipe>', 'recipe name (a directory in $ABRA_DIR/recipes)')
    .option('-s, --server <server>', 'server to put the app on (asked for on a terminal)')
    .option('-D, --domain <domain>', 'the app domain (asked for on a terminal)')
    .option('-S, --secrets', 'generate the secrets now')
    .description('create a new app from a recipe')
    .addHelpText('after', example('kite app new nextcloud -s example.com -D cloud.example.com --secrets', 'kite app new nextcloud    # asks for the server and the domain'))
    .action(action(() => import('../../commands/app/new.js')));
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
    .action(action(() => import('../../commands/app/deploy.js')));
  app
    .command('undeploy')
    .alias('un')
    .argument('<domain>', 'app domain')
    .description('remove the running stack (volumes and secrets are kept)')
    .addHelpText('after', example('kite app undeploy cloud.example.com'))
    .action(action(() => import('../../commands/app/undeploy.js')));
  app
    .command('ps')
    .argument('<domain>', 'app domain')
    .description("show the app's services and tasks")
    .addHelpText('after', example('kite app ps cloud.example.com'))
    .action(action(() => import('../../commands/app/ps.js')));
}
