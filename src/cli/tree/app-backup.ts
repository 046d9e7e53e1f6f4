// Backups: app backup create|ls|download|forget, app restore.

import { InvalidArgumentError, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { lockWaitOption } from './lock-wait.js';
import { seconds } from '../parse.js';

function count(value: string): number {
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 100_000) throw new InvalidArgumentError('expected a whole number of snapshots, at least 1.');
  return Number(v);
}

export function registerAppBackupCommands(app: CommandUnknownOpts): void {
  const backup = app.command('backup').alias('b').description("back up an app's volumes, secrets and env file (restic, on its server)");
  backup
    .command('create')
    .alias('c')
    .argument('<domain>', 'app domain')
    .option('-s, --service <service>', "only this service's backup labels")
    .addOption(lockWaitOption())
    .description('run the pre-hooks, take a snapshot, run the post-hooks, verify it; prints the snapshot id')
    .addHelpText('after', example('kite app backup create cloud.example.com', 'kite app backup create cloud.example.com -s db') + '\nWhat is backed up comes from the backupbot.* labels of the deployed services (see the README).\n')
    .action(action(() => import('../../commands/app/backup-create.js')));
  backup
    .command('ls')
    .alias('list')
    .argument('<domain>', 'app domain')
    .description("list the app's snapshots (oldest first)")
    .addHelpText('after', example('kite app backup ls cloud.example.com', 'kite app backup ls cloud.example.com --json'))
    .action(action(() => import('../../commands/app/backup-ls.js')));
  backup
    .command('download')
    .argument('<domain>', 'app domain')
    .option('-s, --snapshot <id>', 'snapshot id or prefix (default: the latest)')
    // -o is kite's global --offline
    .option('-O, --output <file>', 'where to write the .tar.gz (default: <domain>-<id>.tar.gz here)')
    .addOption(lockWaitOption())
    .description('download a snapshot as a .tar.gz (volumes under their names, secrets, env file), mode 0600')
    .addHelpText('after', example('kite app backup download cloud.example.com -O cloud.tar.gz'))
    .action(action(() => import('../../commands/app/backup-download.js')));
  backup
    .command('forget')
    .argument('<domain>', 'app domain')
    .addOption(new Option('--keep-last <n>', 'keep this many of the newest snapshots').argParser(count).makeOptionMandatory())
    .addOption(lockWaitOption())
    .description("forget the app's older snapshots and prune the repository (other apps' snapshots are untouched)")
    .addHelpText('after', example('kite app backup forget cloud.example.com --keep-last 7'))
    .action(action(() => import('../../commands/app/backup-forget.js')));
  app
    .command('restore')
    .argument('<domain>', 'app domain')
    .option('-s, --snapshot <id>', 'snapshot id or prefix (default: the latest)')
    .option('--volumes <names>', 'only these volumes, comma-separated (default: all in the snapshot)')
    .option('--no-hooks', 'do not run the restore pre/post-hooks')
    .option('--server <server>', 'no env file here: rebuild the app on this server from a snapshot in its repository (env file, secrets, volumes), then deploy it')
    .option('--from <domain>', "with --server: restore this app's snapshot as <domain> (a clone; the original is untouched)")
    .addOption(new Option('--timeout <seconds>', 'convergence timeout (default: recipe label, TIMEOUT, 50)').argParser(seconds()))
    .addOption(lockWaitOption())
    .description('restore volumes in place: stop the services that mount them, restore, start them, wait until they run')
    .addHelpText('after', example('kite app restore cloud.example.com', 'kite app restore cloud.example.com -s 1a2b3c4d --volumes db-data', 'kite app restore cloud.example.com --server example.com', 'kite app restore test.example.com --from cloud.example.com --server example.com'))
    .action(action(() => import('../../commands/app/restore.js')));
  app
    .command('move')
    .argument('<domain>', 'app domain')
    .argument('<server>', 'the server to move it to')
    .option('--prune-source', 'once it runs on <server>, remove its volumes and secrets from the old server (default: kept; asked on a terminal)')
    .addOption(new Option('--timeout <seconds>', 'convergence timeout (default: recipe label, TIMEOUT, 50)').argParser(seconds()))
    .addOption(lockWaitOption())
    .description('move an app to another server: backup, undeploy, restore there (env file, secrets, volumes), deploy, verify; a failure leaves it where it was')
    .addHelpText('after', example('kite app move cloud.example.com new.example.com', 'kite app move cloud.example.com new.example.com --prune-source') + '\nBoth servers must reach one backup repository (backups.repository in kite.yml).\n')
    .action(action(() => import('../../commands/app/move.js')));
}
