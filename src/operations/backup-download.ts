// `kite app backup download`: a snapshot as a tar stream, never held in
// memory: `restic dump --archive tar` in a helper's container (an exec, its
// output read frame by frame), re-packed on the way so each volume's files
// sit under the volume's name, the secrets under secrets/ and kite's env
// file and meta.json under kite/. The caller compresses and writes it.

import { PassThrough, promises as streams, type Readable } from 'node:stream';
import tar from 'tar-stream';
import type { AppRef } from '../ports/app-store.js';
import type { DockerPort } from '../ports/docker.js';
import { FrameReader } from '../core/stream-frames.js';
import { downloadPath, type Snapshot } from '../core/backup-snapshots.js';
import { stackName } from '../core/stack-name.js';
import { BackupError } from '../core/errors.js';
import { startExec } from './app-exec.js';
import { startHelper } from './backup-helper.js';
import { openRepository, repoHelperSpec, type BackupRunOptions, type RepoPorts } from './backup-repo.js';
import { listSnapshots, requireSnapshot } from './backup-list.js';

export async function backupDownload(
  ports: RepoPorts,
  docker: DockerPort,
  ref: AppRef,
  wanted: string | undefined,
  sink: (snapshot: Snapshot, tar: Readable) => Promise<void>,
  opts: BackupRunOptions = {},
): Promise<Snapshot> {
  const stack = stackName(ref.domain);
  const repo = await openRepository(ports, docker, ref.server, false, opts);
  const snapshot = requireSnapshot(await listSnapshots(repo, stack, opts), wanted, ref.domain);
  // the same mounts and environment as every helper run, kept up for an exec, on this API's node
  const nodeId = (await docker.info()).Swarm.NodeID || undefined;
  let helper: Awaited<ReturnType<typeof startHelper>> | undefined;
  try {
    helper = await startHelper(docker, repoHelperSpec(repo, { stack, nodeId, open: false, script: 'exec sleep 86400' }), { clock: ports.clock, signal: opts.signal });
    const session = await startExec(docker, helper.containerId, { cmd: ['restic', 'dump', '--archive', 'tar', snapshot.id, '/'], tty: false, stdin: false });
    session.stream.end();
    const raw = new PassThrough();
    const stderr: string[] = [];
    const frames = new FrameReader();
    const demux = (async () => {
      try {
        for await (const chunk of session.stream) {
          for (const f of frames.push(chunk as Buffer)) {
            if (f.stream === 'stdout') {
              if (!raw.write(f.data)) await new Promise((r) => raw.once('drain', r));
            } else stderr.push(f.data.toString('utf8'));
          }
        }
        raw.end();
      } catch (e) {
        raw.destroy(e as Error);
      }
    })();
    const extract = tar.extract();
    const pack = tar.pack();
    extract.on('entry', (header, stream, next) => {
      const name = downloadPath(header.name, stack);
      if (!name) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      const entry = pack.entry({ ...header, name }, (err) => next(err ?? undefined));
      stream.pipe(entry);
    });
    extract.on('finish', () => pack.finalize());
    const abort = () => raw.destroy(new BackupError('download stopped'));
    opts.signal?.addEventListener('abort', abort, { once: true });
    try {
      await Promise.all([streams.pipeline(raw, extract), sink(snapshot, pack as unknown as Readable), demux]);
    } finally {
      opts.signal?.removeEventListener('abort', abort);
    }
    const code = await session.exitCode();
    if (code !== 0) throw new BackupError(`restic dump of snapshot ${snapshot.shortId} failed: ${stderr.join('').trim().split('\n').slice(-3).join(' | ')}`);
    return snapshot;
  } finally {
    await helper?.remove();
  }
}
