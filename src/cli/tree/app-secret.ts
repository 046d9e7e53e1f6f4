import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { lockWaitOption } from './lock-wait.js';

export function registerAppSecretCommands(app: CommandUnknownOpts): void {
  const secret = app.command('secret').alias('s').description('manage app secrets');
  secret
    .command('generate')
    .alias('g')
    .argument('<domain>', 'app domain')
    .argument('[secret]', 'secret name')
    .argument('[version]', 'secret version')
    .option('-a, --all', 'generate every secret the recipe defines')
    .option('-p, --pass', 'also store the values in your `pass` store (hosts/<server>/<domain>/<secret>)')
    .description('generate secrets and store them on the server (values are shown once)')
    .addHelpText('after', example('kite app secret generate cloud.example.com --all', 'kite app secret generate cloud.example.com db_password v2'))
    .addOption(lockWaitOption())
    .action(action(() => import('../../commands/app/secret-generate.js')));
  secret
    .command('insert')
    .alias('i')
    .argument('<domain>', 'app domain')
    .argument('<secret>', 'secret name (as in the recipe)')
    .argument('<version>', 'secret version, e.g. v1')
    .argument('[data]', 'the value (with --file: a file path; omitted: read from stdin)')
    .option('-f, --file', 'the data argument is a file whose content is the value')
    .option('-t, --trim', 'strip leading and trailing whitespace (e.g. a final newline) from the value')
    .option('-p, --pass', 'also store the value in your `pass` store (hosts/<server>/<domain>/<secret>)')
    .description('store a value you provide as a secret on the server (it is never printed)')
    .addHelpText(
      'after',
      example('kite app secret insert cloud.example.com smtp_password v1 "s3cr3t"', 'kite app secret insert cloud.example.com ssl_cert v1 cert.pem -f', 'pass show smtp | kite app secret insert cloud.example.com smtp_password v2 --trim'),
    )
    .addOption(lockWaitOption())
    .action(action(() => import('../../commands/app/secret-insert.js')));
  secret
    .command('ls')
    .alias('list')
    .argument('<domain>', 'app domain')
    .description("list the app's secrets and whether they exist on the server")
    .addHelpText('after', example('kite app secret ls cloud.example.com'))
    .action(action(() => import('../../commands/app/secret-ls.js')));
  secret
    .command('rm')
    .alias('remove')
    .argument('<domain>', 'app domain')
    .argument('[secret]', 'secret name (its version from the env file)')
    .option('-a, --all', "remove every secret of the app that exists on the server")
    .option('-p, --pass', 'also remove them from your `pass` store')
    .description('remove secrets from the server (refused while a service uses them)')
    .addHelpText('after', example('kite app secret rm cloud.example.com db_password', 'kite app secret rm cloud.example.com --all'))
    .addOption(lockWaitOption())
    .action(action(() => import('../../commands/app/secret-rm.js')));
}
