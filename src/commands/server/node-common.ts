// What the `server node` commands share: the server must be one kite knows,
// and drain progress is rendered the same by drain and remove.

import type { Context } from '../../cli/context.js';
import { NotFoundError } from '../../core/errors.js';
import type { DrainEvent } from '../../operations/server-nodes.js';

export function requireServer(ctx: Context, server: string): void {
  if (!ctx.dir.hasServer(server)) throw new NotFoundError(`no server "${server}" in ${ctx.dir.serversDir}`, 'list servers with `kite server ls`');
}

/** progress on stderr; the moves as data lines (`service.slot<TAB>node`) on stdout */
export function renderDrain(ctx: Context, e: DrainEvent): void {
  if (ctx.io.json) return;
  if (e.type === 'availability') ctx.io.info(e.changed ? `${e.node}: drained, waiting for its tasks to run elsewhere` : `${e.node} was already drained`);
  else if (e.type === 'waiting') ctx.io.info(`${e.node}: ${e.tasksLeft} task(s) still there`);
  else if (e.moves.length === 0) ctx.io.info(`${e.node} ran no tasks`);
  else {
    ctx.io.info(`tasks that ran on ${e.node}:`);
    ctx.io.table(
      ['SERVICE', 'NOW ON', 'STATE'],
      e.moves.map((m) => [m.slot ? `${m.service}.${m.slot}` : m.service, m.to ?? '-', m.state]),
    );
  }
}
