// Commands that act inside or on an app's containers and data: run, cp,
// cmd, restart, volume ls|rm, remove.

import { Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { lockWaitOption } from './lock-wait.js';
import { seconds } from '../parse.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerAppExecCommands(app: CommandUnknownOpts): void {
  app
    .command('run')
    .alias('r')
    .argument('<domain>', 'app domain')
    .argument('<service>', 'service name (e.g. app)')
    .argument('<cmd>', 'command to run in the container')
    .argument('[args...]', 'its arguments (put -- before them when they start with -)')
    .option('-t, --no-tty', 'do not allocate a TTY (default: one when stdin is a terminal)')
    .option('-u, --user <user>', 'run as this user (name or uid[:gid])')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect)
    // `kite app run d app ls -la`: options after the command belong to it
    .allowUnknownOption()
    .description("run a command in a running container of an app's service")
    .addHelpText(
      'after',
      example('kite app run cloud.example.com app -- ls -la /var/www', 'kite app run cloud.example.com app sh', 'echo "select 1" | kite app run cloud.example.com db -- psql -U postgres') +
        '\nExits with the command\'s exit code. Stdin is forwarded when it is piped or a terminal.\n',
    )
    .action(action(() => import('../../commands/app/run.js')));

  app
    .command('cp')
    .argument('<domain>', 'app domain')
    .argument('<src>', 'source: a local path or <service>:/path')
    .argument('<dst>', 'destination: <service>:/path or a local path')
    .description("copy files or directories between this machine and an app's container")
    .addHelpText(
      'after',
      example('kite app cp cloud.example.com app:/var/www/config.php .', 'kite app cp cloud.example.com ./themes app:/var/www/themes') +
        '\nLike docker cp: into an existing directory under the source\'s name, otherwise under the destination\'s name;\n`src/.` copies the contents of a directory.\n',
    )
    .action(action(() => import('../../commands/app/cp.js')));

  app
    .command('cmd')
    .alias('cm')
    .alias('command')
    .argument('<domain>', 'app domain')
    .argument('[operands...]', "[service] <function> [args...] (service: default app; none with --local)")
    .option('-l, --local', "run the function on this machine, in the recipe's directory")
    .option('--list', "list the functions of the recipe's abra.sh")
    .option('-u, --remote-user <user>', 'run as this user in the container')
    .option('-T, --tty', 'allocate a TTY in the container')
    .allowUnknownOption()
    .description("run a function of the recipe's abra.sh in a service's container (or locally)")
    .addHelpText(
      'after',
      example('kite app cmd cloud.example.com app migrate', 'kite app cmd cloud.example.com app set_admin -- alice', 'kite app cmd --local cloud.example.com generate_keys', 'kite app cmd cloud.example.com --list') +
        '\nThe function runs with the app env exported, TARGET=<service> and abra.sh sourced, in bash when there is one, else sh.\n',
    )
    .addOption(lockWaitOption())
    .action(action(() => import('../../commands/app/cmd.js')));

  app
    .command('restart')
    .alias('re')
    .argument('<domain>', 'app domain')
    .argument('[service]', 'service to restart (e.g. app)')
    .option('-a, --all-services', 'restart every service of the app')
    .addOption(new Option('--timeout <seconds>', 'convergence timeout (default: the timeout label, else 50)').argParser(seconds()))
    .description('restart services (rolling, like docker service update --force) and wait until they run')
    .addHelpText('after', example('kite app restart cloud.example.com app', 'kite app restart cloud.example.com --all-services'))
    .addOption(lockWaitOption())
    .action(action(() => import('../../commands/app/restart.js')));

  const volume = app.command('volume').alias('vl').description("manage an app's volumes");
  volume
    .command('ls')
    .alias('list')
    .argument('<domain>', 'app domain')
    .description("list the app's volumes on its server")
    .addHelpText('after', example('kite app volume ls cloud.example.com'))
    .action(action(() => import('../../commands/app/volume-ls.js')));
  volume
    .command('rm')
    .alias('remove')
    .argument('<domain>', 'app domain')
    .argument('[volumes...]', 'volumes to remove (default: all of the app\'s)')
    .option('-f, --force', 'do not ask for confirmation')
    .description("delete the app's volumes and their data (the app must be undeployed)")
    .addHelpText('after', example('kite app volume rm cloud.example.com db-data --force'))
    .addOption(lockWaitOption())
    .action(action(() => import('../../commands/app/volume-rm.js')));

  app
    .command('remove')
    .alias('rm')
    .argument('<domain>', 'app domain')
    .option('-f, --force', 'do not ask for confirmation')
    .description('delete an undeployed app: its volumes, secrets and configs on the server, then its env file')
    .addHelpText('after', example('kite app undeploy cloud.example.com && kite app remove cloud.example.com --force'))
    .addOption(lockWaitOption())
    .action(action(() => import('../../commands/app/remove.js')));
}
