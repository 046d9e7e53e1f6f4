// Config in git from the CLI (kite.yml `git: { commit: true }`): the env
// change a command just made is committed in servers/<server> when that is a
// git repository (src/operations/env-commit.ts); a failure is a warning, the
// change itself stands.

import type { Context } from '../../cli/context.js';
import type { AppRef } from '../../ports/app-store.js';
import { recordEnvChange } from '../../operations/env-commit.js';

export async function commitEnvChange(ctx: Context, ref: AppRef, what: string): Promise<void> {
  const r = await recordEnvChange(ctx.ports, ref, what, 'cli');
  if (!r) return;
  if ('warning' in r) ctx.io.warn(r.warning);
  else ctx.io.info(`committed ${ref.path} (${r.committed.slice(0, 12)}): ${r.message}`);
}
