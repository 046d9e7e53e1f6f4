// `app cmd`: run a function of the recipe's abra.sh. Like abra, the function
// runs in bash when the container has it (else sh), with the app env exported,
// TARGET=<service>, and abra.sh sourced first. abra copies abra.sh to
// /tmp/abra.sh in the container; kite passes its text in the exec's
// environment instead (KITE_ABRA_SH), so nothing is left in the container.

import { NotFoundError, RecipeError, UsageError } from './errors.js';

export const ABRA_SH_ENV = 'KITE_ABRA_SH';

/**
 * Which operands of `app cmd <domain> [service] <function> [args...]` are the
 * service, the function and its arguments. With --local there is no service.
 * Without it, the second operand is the service unless it is not a service of
 * the app but is a function of abra.sh (then the service is `app`).
 */
export function splitCmdOperands(
  operands: string[],
  opts: { local: boolean; functions: string[]; services: string[]; defaultService?: string },
): { service?: string; fn: string; args: string[] } {
  const [first, second, ...rest] = operands;
  if (first === undefined) throw new UsageError('name the abra.sh function to run', 'list them with --list');
  if (opts.local) return { fn: first, args: operands.slice(1) };
  if (second === undefined || (!opts.services.includes(first) && opts.functions.includes(first))) {
    if (second === undefined && opts.services.includes(first) && !opts.functions.includes(first)) {
      throw new UsageError(`name the abra.sh function to run in the ${first} service`, 'list them with --list');
    }
    return { service: opts.defaultService ?? 'app', fn: first, args: operands.slice(1) };
  }
  return { service: first, fn: second, args: rest };
}

export function checkFunction(fn: string, functions: string[], recipe: string): void {
  if (!functions.includes(fn)) {
    throw new NotFoundError(
      `abra.sh of ${recipe} has no function "${fn}"`,
      functions.length > 0 ? `known functions: ${functions.join(', ')}` : 'abra.sh defines no functions',
    );
  }
  if (!/^[A-Za-z_][A-Za-z0-9_:.-]*$/.test(fn)) throw new UsageError(`"${fn}" is not a function name`);
}

/**
 * argv of the exec: a POSIX sh that picks bash when present, evaluates
 * abra.sh from the environment, then calls the function with the arguments
 * (passed as positional parameters, never spliced into the script).
 */
export function remoteCmdArgv(fn: string, args: string[]): string[] {
  const body = `eval "$${ABRA_SH_ENV}"; "$@"`;
  const launcher = `if command -v bash >/dev/null 2>&1; then exec bash -c '${body}' abra.sh "$@"; fi; ${body}`;
  return ['sh', '-c', launcher, 'abra.sh', fn, ...args];
}

/** KEY=VALUE entries for the exec: the app env, TARGET, and abra.sh's text. */
export function remoteCmdEnv(env: Record<string, string>, service: string, abraSh: string): string[] {
  const out = Object.entries(env)
    .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
    .map(([k, v]) => `${k}=${v}`);
  out.push(`TARGET=${service}`, `${ABRA_SH_ENV}=${abraSh}`);
  return out;
}

/** argv for --local: source abra.sh from the recipe directory, then call the function. */
export function localCmdArgv(shell: string, abraShPath: string, fn: string, args: string[]): string[] {
  return [shell, '-c', '. "$0"; "$@"', abraShPath, fn, ...args];
}

export interface PostDeployCmd {
  service: string;
  fn: string;
  args: string[];
}

/**
 * POST_DEPLOY_CMDS from the app env: `<service> <function> [args...]`
 * entries separated by `|`, words separated by spaces (abra splits on single
 * spaces; runs of spaces are treated as one here).
 */
/** deploy and rollback run POST_DEPLOY_CMDS, upgrade runs POST_UPGRADE_CMDS */
export type PostCmdsKey = 'POST_DEPLOY_CMDS' | 'POST_UPGRADE_CMDS';

export function parsePostDeployCmds(value: string, file?: string, key: PostCmdsKey = 'POST_DEPLOY_CMDS'): PostDeployCmd[] {
  return value
    .split('|')
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
    .map((c) => {
      const [service, fn, ...args] = c.split(/\s+/);
      if (!fn) throw new RecipeError(`"${c}" needs a service and a function, e.g. "app migrate"`, file, { key });
      return { service, fn, args };
    });
}
