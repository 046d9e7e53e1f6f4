import { open, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Context } from '../../cli/context.js';
import { backupDownload } from '../../operations/backup-download.js';
import { withBackupLock } from './backup-common.js';
import type { LockFlags } from './app-lock.js';

/** `app backup download <domain> [-s snapshot] [-o file]`: a .tar.gz streamed to a 0600 file */
export async function run(ctx: Context, domain: string, flags: { snapshot?: string; output?: string } & LockFlags): Promise<void> {
  const ref = ctx.dir.findApp(domain);
  let file: string | undefined;
  try {
    const snap = await withBackupLock(ctx, ref, 'backup download', flags, (docker, opts) =>
      backupDownload(
        ctx.ports,
        docker,
        ref,
        flags.snapshot,
        async (s, tar) => {
          file = flags.output ?? `${domain}-${s.shortId}.tar.gz`;
          const fh = await open(file, 'w', 0o600);
          await fh.chmod(0o600); // an existing file keeps its mode otherwise
          await pipeline(tar, createGzip(), fh.createWriteStream());
        },
        opts,
      ),
    );
    if (ctx.io.json) return ctx.io.jsonData({ id: snap.id, file });
    ctx.io.warn(`${file} holds the app's secrets in plain text: keep it safe`);
    ctx.io.data(file ?? '');
  } catch (e) {
    // a failed or cancelled download leaves no file behind (a partial archive looks whole)
    if (file) await rm(file, { force: true });
    throw e;
  }
}
