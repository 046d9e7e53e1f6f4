// One way to make a simple-git client. simple-git 4 strips every GIT_*
// variable it inherits unless told to allow it, which silently dropped the
// operator's GIT_SSH_COMMAND, GIT_SSL_CAINFO, GIT_AUTHOR_NAME... and kite's
// own "never prompt" settings. kite runs the operator's git in the
// operator's environment, so those pass; only the variables that would point
// git at another repository than the one kite names stay out (kite run from
// a git hook inherits GIT_DIR, for one).

import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { simpleGit, type SimpleGit } from 'simple-git';

export const NETWORK_TIMEOUT_MS = 60_000;

// never prompt for credentials or host keys: fail, and say so. The
// operator's own ssh command (GIT_SSH_COMMAND, GIT_SSH, core.sshCommand)
// wins: GIT_SSH_COMMAND would override their core.sshCommand.
process.env.GIT_TERMINAL_PROMPT = '0';
if (!process.env.GIT_SSH_COMMAND && !process.env.GIT_SSH && !configuredSshCommand()) process.env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';

/** core.sshCommand from the operator's global or system git config */
function configuredSshCommand(): string | undefined {
  try {
    return execFileSync('git', ['config', '--get', 'core.sshCommand'], { cwd: tmpdir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined; // not set (exit 1), or no git at all
  }
}

const REPOSITORY_VARIABLES = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
]);

/** the GIT_* variables of this process that git may see */
export function allowedGitEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env).filter((k) => k.toUpperCase().startsWith('GIT_') && !REPOSITORY_VARIABLES.has(k.toUpperCase()));
}

/** `timeoutMs`: for commands that reach a remote, how long git may stay silent */
export function gitClient(dir?: string, opts: { timeoutMs?: number } = {}): SimpleGit {
  return simpleGit({ baseDir: dir, allowEnvironment: allowedGitEnvironment(), ...(opts.timeoutMs ? { timeout: { block: opts.timeoutMs } } : {}) });
}
