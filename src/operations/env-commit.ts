// Config in git (kite.yml `git: { commit: true }`, off by default): when
// $ABRA_DIR/servers/<server> is a git repository, each env change kite makes
// (from the CLI or the web UI) is committed there with a message saying what
// changed and who changed it. Only the app's env file is staged: secret
// values live in the swarm (and `pass`), never in it; the message names keys,
// never values. Changes the operator had staged already are left alone, and
// the env change is then not committed (a warning says so).

import { join, relative } from 'node:path';
import type { Ports } from '../ports/index.js';
import type { AppRef } from '../ports/app-store.js';
import { readSettings } from './recipe-ensure.js';

export type EnvCommit = { committed: string; message: string } | { warning: string } | null;

/** the commit message: `<domain>: <what> (by <operator>[, from the web UI])` */
export function envCommitMessage(domain: string, what: string, who: string, via: 'cli' | 'web'): string {
  return `${domain}: ${what} (by ${who}${via === 'web' ? ', from the web UI' : ''})`;
}

/** commits the app's env file when the setting is on and its server directory is a git repository; null when not asked to */
export async function recordEnvChange(ports: Pick<Ports, 'apps' | 'worktrees' | 'host'>, ref: AppRef, what: string, via: 'cli' | 'web'): Promise<EnvCommit> {
  if (!(await readSettings(ports.apps)).git?.commit) return null;
  const serverDir = join(ports.apps.serversDir, ref.server);
  if (!ports.apps.exists(join(serverDir, '.git'))) return null;
  const message = envCommitMessage(ref.domain, what, ports.host.operator(), via);
  try {
    const tree = await ports.worktrees.open(serverDir);
    if (await tree.hasStaged()) return { warning: `${serverDir} has staged changes of its own: ${ref.domain}'s env change was not committed` };
    await tree.requireIdentity();
    await tree.add([relative(serverDir, ref.path)]);
    if (!(await tree.hasStaged())) return null; // the file as committed already
    return { committed: await tree.commit(message), message };
  } catch (e) {
    return { warning: `could not commit ${ref.path} in ${serverDir}: ${(e as Error).message}` };
  }
}
