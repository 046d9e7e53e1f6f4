// Typed errors. Core and operations throw these; the CLI maps them to exit
// codes and messages in one place (src/cli/exit-codes.ts). Each message says
// what went wrong and, where possible, what to do next.

export abstract class KiteError extends Error {
  abstract readonly kind: string;
  /** one line telling the operator what to do next */
  hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** A recipe or app file is malformed: names the file, and the line or key. */
export class RecipeError extends KiteError {
  readonly kind = 'recipe';
  constructor(
    message: string,
    readonly file?: string,
    readonly location?: { line?: number; key?: string },
    hint?: string,
  ) {
    super(formatLocated(message, file, location), hint);
  }
}

/** Bad command-line usage or a missing flag. */
export class UsageError extends KiteError {
  readonly kind = 'usage';
}

/** Something the operator named does not exist (app, server, recipe, secret). */
export class NotFoundError extends KiteError {
  readonly kind = 'not-found';
}

/** A state refusal: already exists, already deployed, not deployed... */
export class ConflictError extends KiteError {
  readonly kind = 'conflict';
}

/** The server could not be reached, or SSH refused us. */
export class SshError extends KiteError {
  readonly kind = 'ssh';
  constructor(
    readonly server: string,
    message: string,
    hint?: string,
  ) {
    super(`server ${server}: ${message}`, hint);
  }
}

/** A git remote (recipe, catalogue) or registry could not be reached. Same exit code as SshError. */
export class RemoteError extends KiteError {
  readonly kind = 'ssh';
}

/** The Docker Engine API answered with an error. */
export class DockerApiError extends KiteError {
  readonly kind = 'docker';
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export interface FailedTask {
  id: string;
  state: string;
  error?: string;
  message?: string;
}

/** A deploy did not converge. `rolledBack` tells whether the previous specs are running again. */
export class DeployFailedError extends KiteError {
  readonly kind = 'deploy-failed';
  constructor(
    readonly appStack: string,
    readonly failures: { service: string; reason: string; tasks: FailedTask[]; logsTail: string[] }[],
    readonly rolledBack: 'yes' | 'no-previous' | 'disabled' | 'failed',
  ) {
    super(
      `deploy of ${appStack} failed: ` +
        failures.map((f) => `${f.service}: ${f.reason}`).join('; '),
    );
  }
}

/**
 * Applying a deploy failed half-way (an API error, a lost connection). What
 * was applied has been undone, except `left`: the objects still on the server.
 */
export class ApplyFailedError extends KiteError {
  readonly kind = 'deploy-failed';
  constructor(
    readonly appStack: string,
    cause: string,
    readonly left: string[],
    hint?: string,
  ) {
    super(`deploy of ${appStack} failed while applying: ${cause}` + (left.length ? `; left on the server: ${left.join(', ')}` : ''), hint);
  }
}

/**
 * A file on the operator's machine (in $ABRA_DIR) could not be written: the
 * disk is full, the file system is read-only, or permission is denied.
 * `code` is the errno name (ENOSPC, EDQUOT, EROFS, EACCES, EPERM).
 */
export class LocalWriteError extends KiteError {
  readonly kind = 'local-write';
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

/** A POST_DEPLOY_CMDS / POST_UPGRADE_CMDS command failed after a deploy that converged. */
export class PostDeployError extends KiteError {
  readonly kind = 'post-deploy';
  constructor(key: string, command: string, readonly status: number, domain: string) {
    super(`${key}: \`${command}\` failed with status ${status} (the deploy itself succeeded)`, `run it again with \`kite app cmd ${domain} <service> ${command}\` once fixed`);
  }
}

/** The operator answered no at a confirmation prompt. */
export class CancelledError extends KiteError {
  readonly kind = 'cancelled';
  /** set when a signal other than Ctrl-C's stopped the command (SIGTERM exits 143) */
  signal?: 'SIGTERM';
}

/** A backup or restore step failed on the server (restic, a hook, the helper, verification). */
export class BackupError extends KiteError {
  readonly kind = 'backup';
}

function formatLocated(
  message: string,
  file?: string,
  location?: { line?: number; key?: string },
): string {
  if (!file) return location?.key ? `${location.key}: ${message}` : message;
  let where = file;
  if (location?.line !== undefined) where += `:${location.line}`;
  if (location?.key) where += ` (${location.key})`;
  return `${where}: ${message}`;
}
