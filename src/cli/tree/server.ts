import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { registerServerNodeCommands } from './server-node.js';

export function registerServerCommands(program: CommandUnknownOpts): void {
  const server = program.command('server').alias('s').description('manage servers');
  server
    .command('add')
    .alias('a')
    .argument('[server]', 'SSH host or ~/.ssh/config alias')
    .option('-l, --local', 'use the local Docker daemon (server name "default")')
    .description('add a server after checking it is a reachable swarm manager')
    .addHelpText('after', example('kite server add example.com', 'kite server add --local'))
    .action(action(() => import('../../commands/server/add.js')));
  server
    .command('ls')
    .alias('list')
    .description('list servers, with the host, user and port ssh resolves each to')
    .addHelpText('after', example('kite server ls', 'kite server ls -m'))
    .action(action(() => import('../../commands/server/ls.js')));
  server
    .command('rm')
    .alias('remove')
    .argument('<server>', 'server name')
    .description('forget a server (servers/<server>/); refused while it has apps; nothing on the server changes')
    .addHelpText('after', example('kite server rm example.com'))
    .action(action(() => import('../../commands/server/rm.js')));
  server
    .command('prune')
    .alias('p')
    .argument('<server>', 'server name')
    .option('-a, --all', 'remove all unused images, not only dangling ones')
    .option('-v, --volumes', 'also remove unused volumes (Docker < 23 removes unused NAMED volumes too: data of undeployed apps)')
    .option('-f, --force', 'do it without asking')
    .option('--filter <filter>', 'only what matches (label=k=v, label!=k, until=24h); repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .description('remove stopped containers, unused networks, dangling images and build cache on a server')
    .addHelpText('after', example('kite server prune example.com --force', 'kite server prune example.com --all --volumes --force'))
    .action(action(() => import('../../commands/server/prune.js')));
  registerServerNodeCommands(server);
}
