import { Option, type Command, type CommandUnknownOpts, type OptionValues } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { lockWaitOption } from './lock-wait.js';
import { seconds } from '../parse.js';

/** flags shared by deploy, upgrade and rollback */
export function addDeployFlags<Args extends unknown[], Opts extends OptionValues>(cmd: Command<Args, Opts>) {
  return cmd
    .option('-c, --no-converge-checks', 'submit the stack without waiting for it to converge')
    .option('--no-rollback', 'on failure, leave the failed version in place for debugging')
    .option('--no-pin', 'on a swarm of several nodes, do not pin stateful services to the node holding their volumes')
    .option('--no-backup', 'no snapshot before a version change (by default one is taken when the recipe has backup labels, and restored if the new version fails)')
    .addOption(new Option('--timeout <seconds>', 'convergence timeout (default: recipe label, TIMEOUT, 50)').argParser(seconds()))
    .addOption(new Option('--lock-wait <seconds>', 'wait this long for another deploy of the app to finish (0: do not wait)').argParser(seconds({ zero: true })));
}

export function registerAppCommands(app: CommandUnknownOpts): void {
  app
    .command('new')
    .alias('n')
    .argument('<recipe>', 'recipe name (cloned into $ABRA_DIR/recipes when missing) or git URL')
    .argument('[version]', 'release to start from (default: the latest)')
    .option('-s, --server <server>', 'server to put the app on (asked for on a terminal)')
    .option('-D, --domain <domain>', 'the app domain (asked for on a terminal)')
    .option('-S, --secrets', 'generate the secrets now')
    .option('-p, --pass', 'with --secrets: also store them in your `pass` store (hosts/<server>/<domain>/<secret>)')
    .description('create a new app from a recipe')
    .addHelpText('after', example('kite app new nextcloud -s example.com -D cloud.example.com --secrets', 'kite app new nextcloud    # asks for the server and the domain'))
    .action(action(() => import('../../commands/app/new.js')));
  addDeployFlags(app
    .command('deploy')
    .alias('d')
    .argument('<domain>', 'app domain')
    .argument('[version]', 'release version or git commit (default: see `kite app deploy --help`)')
    .option('-f, --force', 'redeploy an app that is already deployed')
    .option('-C, --chaos', 'deploy the recipe working tree as it is, uncommitted changes included')
    .option('-i, --ignore-env-version', 'ignore the version recorded in the env file (TYPE=recipe:version)')
    .description('deploy an app and wait until it runs; on failure the previous version is put back')
    .addHelpText('after', example('kite app deploy cloud.example.com', 'kite app deploy cloud.example.com 1.2.0+2.1.0', 'kite app deploy cloud.example.com --chaos')
      + '\nVersion: the one given, else TYPE=recipe:version in the env file, else (with --force) the deployed one,\nelse the latest release, else the latest commit. The version is written to TYPE= only after success.\n'))
    .action(action(() => import('../../commands/app/deploy.js')));
  app
    .command('undeploy')
    .alias('un')
    .argument('<domain>', 'app domain')
    .option('-p, --prune', "also remove the stack's configs (all versions; volumes and secrets are kept)")
    .addOption(lockWaitOption())
    .description('remove the running stack (volumes and secrets are kept)')
    .addHelpText('after', example('kite app undeploy cloud.example.com', 'kite app undeploy cloud.example.com --prune'))
    .action(action(() => import('../../commands/app/undeploy.js')));
  app
    .command('ps')
    .argument('<domain>', 'app domain')
    .option('-w, --watch', 'keep showing the status (every 2 s on a terminal, else on each change) until Ctrl-C')
    .description("show the app's services and tasks")
    .addHelpText('after', example('kite app ps cloud.example.com', 'kite app ps cloud.example.com --watch'))
    .action(action(() => import('../../commands/app/ps.js')));
}
