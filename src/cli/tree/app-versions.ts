import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { addDeployFlags } from './app.js';

export function registerAppVersionCommands(app: CommandUnknownOpts): void {
  addDeployFlags(
    app
      .command('upgrade')
      .alias('up')
      .argument('<domain>', 'app domain')
      .argument('[version]', 'the release to upgrade to (default: choose; with -n the newest)')
      .option('-f, --force', 'allow a version that is not newer')
      .description('upgrade a deployed app to a newer release, showing the release notes')
      .addHelpText('after', example('kite app upgrade cloud.example.com', 'kite app upgrade cloud.example.com 2.0.0+3.1.0 -n')),
  ).action(action(() => import('../../commands/app/upgrade.js')));
  addDeployFlags(
    app
      .command('rollback')
      .alias('rl')
      .argument('<domain>', 'app domain')
      .argument('[version]', 'the release to go back to (default: choose; with -n the previous one)')
      .option('-f, --force', 'allow a version that is not older')
      .description('roll a deployed app back to an older release')
      .addHelpText('after', example('kite app rollback cloud.example.com', 'kite app rollback cloud.example.com 1.0.0+2.0.0 -n')),
  ).action(action(() => import('../../commands/app/rollback.js')));
  app
    .command('history')
    .argument('<domain>', 'app domain')
    .description('who deployed which version when, as recorded on the server')
    .addHelpText('after', example('kite app history cloud.example.com'))
    .action(action(() => import('../../commands/app/history.js')));
  app
    .command('unlock')
    .argument('<domain>', 'app domain')
    .option('-f, --force', 'break it without asking even when its holder may still run')
    .description('break a stale lock (asks first when its holder may still run)')
    .addHelpText('after', example('kite app unlock cloud.example.com'))
    .action(action(() => import('../../commands/app/unlock.js')));
}
