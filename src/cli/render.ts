// Deploy events as progress lines (stderr) or JSON lines (stdout).

import type { DeployEvent, ReleaseNote } from '../operations/events.js';
import type { DeployOverview } from '../operations/deploy.js';
import type { IO } from './io.js';

export function renderEvent(io: IO, ev: DeployEvent): void {
  if (io.json) return io.jsonData(ev);
  switch (ev.type) {
    case 'warning':
      return io.warn(ev.message);
    case 'info':
      return io.debug(ev.message);
    case 'backup':
      return io.info(`  ${ev.message}`);
    case 'overview':
      return renderOverview(io, ev.overview, ev.notes);
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
    case 'pinned':
      return io.info(`  ${ev.service}: pinned to node ${ev.node}, which holds its volumes`);
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
    case 'post-cmd':
      return io.info(`running post-deploy command \`${ev.command}\` in ${ev.service}`);
    case 'output':
      return ev.stream === 'stdout' ? io.data(ev.text) : io.info(ev.text);
    case 'done':
      if (ev.unchanged) return io.info(io.paint('green', `nothing changed: ${ev.stack} already runs this spec${ev.converged ? ' and is running' : ''}; no service was updated`));
      return io.info(io.paint('green', ev.converged ? `${ev.stack} deployed and converged` : `${ev.stack} submitted (convergence not checked)`));
  }
}

/** abra's DEPLOY OVERVIEW box, plus what changes and the release notes. */
export function renderOverview(io: IO, o: DeployOverview, notes: ReleaseNote[]): void {
  const rows: [string, string][] = [
    ['APP', o.domain],
    ['RECIPE', o.recipe],
    ['SERVER', o.server === 'default' ? 'local' : o.server],
    ['CONFIG', o.composeFiles.join(':')],
    ['CURRENT DEPLOYMENT', o.current],
    ['ENV VERSION', o.envVersion ?? 'N/A'],
    ['NEW DEPLOYMENT', o.next + (o.chaos ? ' (chaos)' : '')],
  ];
  const changed = o.images.filter((i) => i.from !== i.to);
  if (changed.length) rows.push(['IMAGES', changed.map((i) => `${i.service}: ${i.from ? `${i.from} → ` : ''}${i.to}`).join('\n')]);
  const newConfigs = o.configs.filter((c) => c.change === 'new');
  if (newConfigs.length) rows.push(['NEW CONFIGS', newConfigs.map((c) => c.name).join('\n')]);
  const newSecrets = o.secrets.filter((c) => c.change === 'new');
  if (newSecrets.length) rows.push(['NEW SECRETS', newSecrets.map((c) => c.name).join('\n')]);
  if (o.placement?.length) rows.push(['PLACEMENT', o.placement.map(placementText).join('\n')]);
  if (o.backup) rows.push(['BACKUP', o.backup]);
  const width = Math.max(...rows.map(([k]) => k.length));
  io.info(io.paint('bold', 'DEPLOY OVERVIEW'));
  for (const [k, v] of rows) {
    const [first, ...rest] = v.split('\n');
    io.info(`  ${k.padEnd(width)}  ${first}`);
    for (const line of rest) io.info(`  ${' '.repeat(width)}  ${line}`);
  }
  for (const n of notes) {
    io.info(io.paint('bold', `RELEASE NOTES ${n.version}`));
    for (const line of n.text.split('\n')) io.info(`  ${line}`);
  }
}

/** `db: node.labels.database==true (KITE_PLACEMENT_DB); pinned to n2 (holds its volumes)` */
function placementText(p: NonNullable<DeployOverview['placement']>[number]): string {
  const parts: string[] = [];
  if (p.constraints.length) parts.push(`${p.constraints.join(', ')}${p.fromEnv ? ` (with ${p.fromEnv})` : ''}`);
  if (p.pinnedTo === 'first') parts.push('pinned to the node Swarm places it on now (it keeps its volumes there)');
  else if (p.pinnedTo) parts.push(`pinned to ${p.pinnedTo} (holds its volumes)`);
  return `${p.service}: ${parts.join('; ')}`;
}
