// Deploy events as progress lines (stderr) or JSON lines (stdout).

import type { DeployEvent } from '../operations/events.js';
import type { IO } from './io.js';

export function renderEvent(io: IO, ev: DeployEvent): void {
  if (io.json) return io.jsonData(ev);
  switch (ev.type) {
    case 'warning':
      return io.warn(ev.message);
    case 'plan':
      return io.info(`deploying ${ev.stack} to ${ev.server}${ev.version ? ` (version ${ev.version})` : ''}: ${ev.services.length} services`);
    case 'created':
      return io.info(`  created ${ev.object} ${ev.name}`);
    case 'service':
      return io.info(`  ${ev.action} service ${ev.service}`);
    case 'progress':
      return io.info(`  ${ev.service}: ${ev.running}/${ev.desired} ${ev.message}`);
    case 'verifying':
      return io.info(`  ${ev.service}: running, checking it stays up for ${ev.seconds}s`);
    case 'converged':
      return io.info(io.paint('green', `  ${ev.service}: converged`));
    case 'failed':
      io.error(`${ev.service}: ${ev.reason}`);
      for (const t of ev.tasks.slice(-5)) io.info(`    task ${t.id.slice(0, 12)} ${t.state}${t.error ? ': ' + t.error : ''}`);
      if (ev.logsTail.length > 0) {
        io.info('    last log lines:');
        for (const l of ev.logsTail.slice(-10)) io.info('    | ' + l);
      }
      return;
    case 'rollback':
      if (ev.phase === 'started') return io.warn(`rolling back ${ev.services.join(', ')} to the previous version`);
      if (ev.phase === 'done') return io.info(io.paint('yellow', 'previous version is running again'));
      return io.error(`rollback failed: ${ev.message ?? ''}`);
    case 'removed':
      return io.info(`  removed ${ev.object} ${ev.name}`);
    case 'done':
      return io.info(io.paint('green', ev.converged ? `${ev.stack} deployed and converged` : `${ev.stack} submitted (convergence not checked)`));
  }
}
