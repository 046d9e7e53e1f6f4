// The one table of exit codes, and the mapping from typed errors to them.

import { CancelledError, KiteError } from '../core/errors.js';

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
