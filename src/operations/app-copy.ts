// `app cp`: files and directories between this machine and a service's
// container, through the Engine API's archive endpoints, with docker cp's
// placement rules (src/core/copy-paths.ts) and tar-stream for the archives
// (what Go's archive/tar on the daemon side reads and writes: ustar, PAX and
// GNU long names). Local files are streamed, never held whole in memory.

import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import { Readable } from 'node:stream';
import { dirname, join, posix, resolve, sep } from 'node:path';
import * as tarStream from 'tar-stream';
import type { DockerPort } from '../ports/docker.js';
import { planCopy, placeCopy, rebaseEntry, type DestinationKind } from '../core/copy-paths.js';
import { ConflictError, DockerApiError, KiteError as KiteErrorBase, NotFoundError, UsageError } from '../core/errors.js';
import { findServiceContainer } from './app-exec.js';

export interface CopyResult {
  direction: 'to-container' | 'from-container';
  service: string;
  from: string;
  to: string;
  files: number;
  directories: number;
  bytes: number;
}

export async function copy(docker: DockerPort, stack: string, domain: string, src: string, dst: string): Promise<CopyResult> {
  const plan = planCopy(src, dst);
  const target = await findServiceContainer(docker, stack, domain, plan.service);
  return plan.direction === 'to-container'
    ? copyIn(docker, target.containerId, plan.service, plan.local, plan.remote)
    : copyOut(docker, target.containerId, plan.service, plan.remote, plan.local);
}

// ------------------------------------------------------------ local → container

async function copyIn(docker: DockerPort, containerId: string, service: string, local: string, remote: string): Promise<CopyResult> {
  const st = await lstatOrUndefined(local);
  if (!st) throw new NotFoundError(`local path ${local} does not exist`);
  const srcIsDir = st.isDirectory();
  const dstStat = await docker.statContainerPath(containerId, remote);
  const dstKind: DestinationKind = !dstStat ? 'missing' : dstStat.isDir ? 'directory' : 'file';
  const place = placeCopy(local, srcIsDir, remote, dstKind);
  if (dstKind === 'missing') {
    const parent = await docker.statContainerPath(containerId, place.dir);
    if (!parent?.isDir) throw new NotFoundError(`directory ${place.dir} does not exist in the ${service} container`, 'create it first, e.g. with `kite app run <domain> ' + service + ' mkdir -p ' + place.dir + '`');
  }
  const counts = { files: 0, directories: 0, bytes: 0 };
  const tar = packLocal(local, st, place.rootName, counts);
  try {
    await docker.putArchive(containerId, place.dir, tar);
  } catch (e) {
    if (e instanceof DockerApiError && e.statusCode === 400 && /overwrite|cannot/i.test(e.message)) throw new ConflictError(`cannot copy to ${remote} in the ${service} container: ${e.message}`);
    throw e;
  }
  return { direction: 'to-container', service, from: local, to: `${service}:${remote}`, ...counts };
}

type Counts = { files: number; directories: number; bytes: number };
type Sink = ReturnType<tarStream.Pack['entry']>;
type EntryHeader = Parameters<tarStream.Pack['entry']>[0];

/** The tar stream of a local file or tree, its root entry named `rootName` (`''`: contents only). */
export function packLocal(path: string, st: Stats, rootName: string, counts: Counts): Readable {
  const pack = tarStream.pack();
  packEntry(pack, path, st, rootName, counts).then(
    () => pack.finalize(),
    (e: Error) => pack.destroy(e),
  );
  return Readable.from(pack);
}

/** one entry (and, for a directory, its children) into the pack; resolves once written */
function addEntry(pack: tarStream.Pack, header: EntryHeader, body?: (sink: Sink) => Promise<void>): Promise<void> {
  return new Promise((done, fail) => {
    const sink = pack.entry(header, (err) => (err ? fail(err) : done()));
    if (!body) return;
    body(sink).then(
      () => sink.end(undefined),
      (e: Error) => {
        sink.destroy(e);
        fail(e);
      },
    );
  });
}

function write(sink: Sink, chunk: Buffer): Promise<void> {
  return sink.write(chunk) ? Promise.resolve() : new Promise((r) => sink.once('drain', r));
}

async function packEntry(pack: tarStream.Pack, path: string, st: Stats, name: string, counts: Counts): Promise<void> {
  const mtime = new Date(Math.floor(st.mtimeMs / 1000) * 1000);
  const mode = st.mode & 0o7777;
  if (st.isDirectory()) {
    if (name) {
      await addEntry(pack, { name, type: 'directory', mode, mtime });
      counts.directories++;
    }
    const children = (await fsp.readdir(path)).sort();
    for (const child of children) {
      const p = join(path, child);
      const cst = await fsp.lstat(p);
      await packEntry(pack, p, cst, name ? `${name}/${child}` : child, counts);
    }
    return;
  }
  if (st.isSymbolicLink()) {
    await addEntry(pack, { name, type: 'symlink', mode, mtime, linkname: await fsp.readlink(path) });
    counts.files++;
    return;
  }
  if (!st.isFile()) return; // sockets, fifos, devices: docker cp skips them too
  await addEntry(pack, { name, type: 'file', mode, mtime, size: st.size }, async (sink) => {
    let written = 0;
    if (st.size > 0) {
      for await (const chunk of createReadStream(path)) {
        const buf = chunk as Buffer;
        // a file that grows while we read it must not break the archive
        const piece = buf.subarray(0, Math.max(0, st.size - written));
        written += piece.length;
        if (piece.length > 0) await write(sink, piece);
        if (written >= st.size) break;
      }
    }
    if (written < st.size) await write(sink, Buffer.alloc(st.size - written)); // it shrank: pad to the size we announced
  });
  counts.files++;
  counts.bytes += st.size;
}

// ------------------------------------------------------------ container → local

async function copyOut(docker: DockerPort, containerId: string, service: string, remote: string, local: string): Promise<CopyResult> {
  let archive: Awaited<ReturnType<DockerPort['getArchive']>>;
  try {
    archive = await docker.getArchive(containerId, remote);
  } catch (e) {
    if (e instanceof DockerApiError && e.statusCode === 404) throw new NotFoundError(`${remote} does not exist in the ${service} container`);
    throw e;
  }
  const srcIsDir = archive.stat?.isDir ?? false;
  const dst = resolve(local);
  const dstSt = await statOrUndefined(dst);
  const dstKind: DestinationKind = !dstSt ? 'missing' : dstSt.isDirectory() ? 'directory' : 'file';
  let place;
  try {
    place = placeCopy(remote, srcIsDir, local.endsWith('/') ? `${dst}/` : dst, dstKind);
  } catch (e) {
    archive.tar.destroy();
    throw e;
  }
  const dir = place.dir.replace(/\/+$/, '') || '/';
  if (dstKind === 'missing' && !(await statOrUndefined(dir))?.isDirectory()) {
    archive.tar.destroy();
    throw new NotFoundError(`local directory ${dir} does not exist`, 'create it first');
  }
  const counts = { files: 0, directories: 0, bytes: 0 };
  await unpackLocal(archive.tar, rootOf(remote, archive.stat?.name), dir, place.rootName, counts);
  return { direction: 'from-container', service, from: `${service}:${remote}`, to: local, ...counts };
}

/** The root entry's name in the daemon's archive: the stat name, else the path's base name. */
function rootOf(remote: string, statName?: string): string {
  return normaliseName(statName || posix.basename(remote.replace(/\/+$/, '')) || '.');
}

/** Unpack the daemon's archive into `dir`, its root entry `fromRoot` renamed `toRoot` (docker cp's placement). */
export async function unpackLocal(tar: Readable, fromRoot: string, dir: string, toRoot: string, counts: Counts): Promise<void> {
  const extract = tarStream.extract();
  const realDir = await fsp.realpath(dir);
  const dirTimes: { path: string; mtime: number }[] = [];
  const rebase = (name: string) => (fromRoot === '.' ? rebaseEntry(name, '', toRoot) : rebaseEntry(name, fromRoot, toRoot));
  tar.on('error', (e) => extract.destroy(e));
  tar.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const rel = rebase(normaliseName(h.name));
      if (rel === undefined) {
        entry.resume(); // the root directory itself, when copying its contents
        continue;
      }
      const path = join(dir, ...rel.split('/'));
      const mode = h.mode & 0o7777;
      const mtime = Math.floor(h.mtime.getTime() / 1000);
      await ensureInside(realDir, dirname(path));
      if (h.type === 'directory') {
        const existing = await lstatOrUndefined(path);
        if (existing && !existing.isDirectory()) throw new ConflictError(`cannot replace ${path} with a directory`);
        if (!existing) await fsp.mkdir(path, { mode: mode | 0o700 });
        dirTimes.push({ path, mtime });
        counts.directories++;
      } else if (h.type === 'file' || h.type === 'contiguous-file') {
        const existing = await lstatOrUndefined(path);
        if (existing?.isDirectory()) throw new ConflictError(`cannot replace the directory ${path} with a file`);
        if (existing?.isSymbolicLink()) await fsp.unlink(path); // never write through a link
        const handle = await fsp.open(path, 'w', mode | 0o200);
        try {
          for await (const chunk of entry) await handle.write(chunk as Buffer);
        } finally {
          await handle.close();
        }
        await fsp.chmod(path, mode);
        await fsp.utimes(path, mtime, mtime);
        counts.files++;
        counts.bytes += h.size;
      } else if (h.type === 'symlink' && h.linkname) {
        const existing = await lstatOrUndefined(path);
        if (existing?.isDirectory()) throw new ConflictError(`cannot replace the directory ${path} with a symlink`);
        if (existing) await fsp.unlink(path);
        await fsp.symlink(h.linkname, path);
        counts.files++;
      } else if (h.type === 'link' && h.linkname) {
        const targetRel = rebase(h.linkname);
        if (targetRel !== undefined) {
          const existing = await lstatOrUndefined(path);
          if (existing) await fsp.unlink(path);
          await fsp.link(join(dir, ...targetRel.split('/')), path);
          counts.files++;
        }
      }
      entry.resume(); // whatever is left of an entry kite does not write (devices, fifos)
    }
  } catch (e) {
    tar.destroy();
    if (e instanceof KiteErrorBase) throw e;
    if ((e as NodeJS.ErrnoException).syscall) throw e; // a local file system error
    throw new DockerApiError(`the archive from the container is broken: ${(e as Error).message}`);
  }
  // directory times last: writing files into them changed their mtimes
  for (const d of dirTimes.reverse()) await fsp.utimes(d.path, d.mtime, d.mtime).catch(() => undefined);
}

/** `./a/b/` → `a/b`; the archive root itself becomes `.` */
export function normaliseName(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return parts.length === 0 ? '.' : parts.join('/');
}

/** Refuse to write through a symlink that leads out of the destination. */
async function ensureInside(root: string, dir: string): Promise<void> {
  const real = await fsp.realpath(dir).catch(() => undefined);
  if (real === undefined) throw new UsageError(`cannot write into ${dir}: it does not exist`);
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new UsageError(`refusing to write into ${dir}: it leads outside ${root} through a symlink`);
  }
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(p);
  } catch {
    return undefined;
  }
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fsp.stat(p);
  } catch {
    return undefined;
  }
}
