import { Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, example } from '../action.js';
import { seconds } from '../parse.js';

/** `server nodes` and `server node ls|label|drain|activate|join|remove`: a server is a swarm */
export function registerServerNodeCommands(server: CommandUnknownOpts): void {
  server
    .command('nodes')
    .argument('<server>', 'server name (a swarm manager)')
    .description("list the swarm's nodes: role, state, availability, labels, engine, address, tasks, CPU/memory")
    .addHelpText('after', example('kite server nodes example.com', 'kite server nodes example.com --json'))
    .action(action(() => import('../../commands/server/nodes.js')));
  const node = server.command('node').alias('n').description("manage the swarm's nodes (labels, drain, join, remove)");
  node
    .command('ls')
    .alias('list')
    .argument('<server>', 'server name (a swarm manager)')
    .description("list the swarm's nodes (same as `kite server nodes`)")
    .addHelpText('after', example('kite server node ls example.com'))
    .action(action(() => import('../../commands/server/nodes.js')));
  node
    .command('label')
    .argument('<server>', 'server name (a swarm manager)')
    .argument('<node>', 'node hostname or ID')
    .argument('<labels...>', 'key=value to set a label, key- to remove one')
    .description('set or remove node labels (used by placement constraints: node.labels.<key>==<value>)')
    .addHelpText('after', example('kite server node label example.com node2 database=true', 'kite server node label example.com node2 database-'))
    .action(action(() => import('../../commands/server/node-label.js')));
  node
    .command('drain')
    .argument('<server>', 'server name (a swarm manager)')
    .argument('<node>', 'node hostname or ID')
    .addOption(new Option('--timeout <seconds>', 'how long to wait for its tasks to run elsewhere').argParser(seconds()).default(120))
    .description('stop scheduling on a node, wait until its tasks run elsewhere and say where they went')
    .addHelpText('after', example('kite server node drain example.com node3'))
    .action(action(() => import('../../commands/server/node-drain.js')));
  node
    .command('activate')
    .argument('<server>', 'server name (a swarm manager)')
    .argument('<node>', 'node hostname or ID')
    .description('let the swarm schedule tasks on a node again (after drain)')
    .addHelpText('after', example('kite server node activate example.com node3'))
    .action(action(() => import('../../commands/server/node-activate.js')));
  node
    .command('join')
    .argument('<server>', 'server name (a swarm manager)')
    .argument('<ssh-host>', 'the machine to add: SSH host or ~/.ssh/config alias, with Docker running and in no swarm')
    .option('--manager', 'join as a manager (default: worker)')
    .option('--advertise-addr <addr>', 'the address the new node is reached at by the others (default: Docker chooses; needed on a machine with several addresses)')
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the new node to be ready').argParser(seconds()).default(60))
    .description("make another machine a node of the server's swarm (join token from the manager, swarm join over the machine's own SSH connection)")
    .addHelpText('after', example('kite server node join example.com node4.example.com', 'kite server node join example.com node4 --manager'))
    .action(action(() => import('../../commands/server/node-join.js')));
  node
    .command('remove')
    .alias('rm')
    .argument('<server>', 'server name (a swarm manager)')
    .argument('<node>', 'node hostname or ID')
    .option('--via <ssh-host>', "the node's own SSH host: it is told to leave the swarm (needed unless the node is down)")
    .addOption(new Option('--timeout <seconds>', 'how long to wait for its tasks to run elsewhere').argParser(seconds()).default(120))
    .description('remove a worker node safely: drain it, make it leave the swarm, remove it from the node list')
    .addHelpText('after', example('kite server node remove example.com node4 --via node4.example.com'))
    .action(action(() => import('../../commands/server/node-remove.js')));
}
