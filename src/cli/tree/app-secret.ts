import type { Command } from 'commander';
import { action, example } from '../action.js';

export function registerAppSecretCommands(app: Command): void {
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
    .action(action(() => import('../../commands/app/secret-generate.js')));
}
