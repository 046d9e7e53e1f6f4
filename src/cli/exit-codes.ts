// The one table of exit codes, and the mapping from typed errors to them and
// to the stable codes of the JSON error object (`--json`, see README).

import { CancelledError, DeployFailedError, KiteError } from '../core/errors.js';

export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  deployFailed: 3,
  ssh: 4,
  notFound: 5,
  conflict: 6,
  recipe: 7,
  docker: 8,
  localWrite: 9,
  cancelled: 130,
  terminated: 143,
} as const;

const BY_KIND: Record<string, number> = {
  usage: EXIT.usage,
  'deploy-failed': EXIT.deployFailed,
  ssh: EXIT.ssh,
  'not-found': EXIT.notFound,
  conflict: EXIT.conflict,
  recipe: EXIT.recipe,
  docker: EXIT.docker,
  'local-write': EXIT.localWrite,
  cancelled: EXIT.cancelled,
};

export function exitCodeFor(err: unknown): number {
  if (err instanceof CancelledError && err.signal === 'SIGTERM') return EXIT.terminated;
  if (err instanceof KiteError) return BY_KIND[err.kind] ?? EXIT.error;
  return EXIT.error;
}

/** The stable `code` of each exit code in the JSON error object; scripts may match on it. */
export const ERROR_CODE: Record<number, string> = {
  [EXIT.error]: 'error',
  [EXIT.usage]: 'usage',
  [EXIT.deployFailed]: 'deploy_failed',
  [EXIT.ssh]: 'ssh',
  [EXIT.notFound]: 'not_found',
  [EXIT.conflict]: 'conflict',
  [EXIT.recipe]: 'recipe',
  [EXIT.docker]: 'docker',
  [EXIT.localWrite]: 'local_write',
  [EXIT.cancelled]: 'cancelled',
  [EXIT.terminated]: 'terminated',
};

export interface JsonError {
  error: {
    code: string;
    message: string;
    /** what to do next, when kite knows */
    hint?: string;
    /** the exit code the command ends with */
    exit: number;
    /** a failed deploy: which services failed, why, and whether the previous version runs again */
    details?: { stack: string; rolledBack: string; failures: DeployFailedError['failures'] };
  };
}

/** What a failing command prints on stderr with --json, instead of the human ERROR line. */
export function jsonErrorFor(err: unknown): JsonError {
  const exit = exitCodeFor(err);
  const hint = err instanceof KiteError ? err.hint : undefined;
  const error: JsonError['error'] = { code: ERROR_CODE[exit] ?? 'error', message: messageOf(err), ...(hint ? { hint } : {}), exit };
  if (err instanceof DeployFailedError) error.details = { stack: err.appStack, rolledBack: err.rolledBack, failures: err.failures };
  return { error };
}

/** A usage error that commander found (unknown option, bad value, missing argument). */
export function jsonUsageError(message: string, hint?: string): JsonError {
  return { error: { code: ERROR_CODE[EXIT.usage], message, ...(hint ? { hint } : {}), exit: EXIT.usage } };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
