import { readFileSync } from 'node:fs';
import type { Context } from '../../cli/context.js';
import { withAppAtVersion } from '../../operations/app-at-version.js';
import { insertSecret } from '../../operations/secret-manage.js';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { withAppLock, type LockFlags } from './app-lock.js';

interface Flags extends LockFlags {
  file?: boolean;
  trim?: boolean;
  /** also store the value in the operator's `pass` store */
  pass?: boolean;
}

/**
 * `app secret insert <domain> <secret> <version> [<data>]`: the value is the
 * data argument, the file it names (--file), or stdin when it is not a
 * terminal. The value is never printed.
 */
export async function run(ctx: Context, domain: string, name: string, version: string, data: string | undefined, flags: Flags): Promise<void> {
  // the recipe as the recorded version has it (kite never moves the shared clone)
  return withAppAtVersion(ctx.ports, domain, async (app) => {
    let value = await readValue(data, flags);
    if (flags.trim) value = value.trim();
    const store = flags.pass ? await ctx.ports.secretStore(app.server, app.domain) : undefined;
    const r = await withAppLock(ctx, app, 'secret insert', flags, (docker) => insertSecret(app, docker, name, version, value, store));
    if (ctx.io.json) return ctx.io.jsonData(r);
    ctx.io.info(`secret ${r.remoteName} stored on ${app.server}${r.stored ? ` and in pass (${r.stored})` : ''}`);
  });
}

async function readValue(data: string | undefined, flags: Flags): Promise<string> {
  if (flags.file) {
    if (data === undefined) throw new UsageError('--file needs the path of the file as the data argument');
    try {
      return readFileSync(data, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`file ${data} does not exist`);
      throw new UsageError(`cannot read ${data}: ${(e as Error).message}`);
    }
  }
  if (data !== undefined) return data;
  if (process.stdin.isTTY) {
    throw new UsageError('no value given', 'pass it as the last argument, with --file <path>, or on stdin (e.g. `pass show x | kite app secret insert ...`)');
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
