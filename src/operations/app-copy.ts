// `app cp`: files and directories between this machine and a service's
// container, through the Engine API's archive endpoints, with docker cp's
// placement rules (src/core/copy-paths.ts) and kite's own tar code
// (src/core/tar.ts). Local files are streamed, never held whole in memory.

import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import { Readable } from 'node:stream';
import { dirname, join, posix, resolve, sep } from 'node:path';
import type { DockerPort } from '../ports/docker.js';
import { planCopy, placeCopy, rebaseEntry, type DestinationKind } from '../core/copy-paths.js';
import { encodeHeader, endOfArchive, normaliseName, TarFormatError, TarReader, zeroPad, type TarHeader } from '../core/tar.js';
import { ConflictError, DockerApiError, NotFoundError, UsageError } from '../core/errors.js';
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
  const tar = Readable.from(packLocal(local, st, place.rootName, counts));
  try {
    await docker.putArchive(containerId, place.dir, tar);
  } catch (e) {
    if (e instanceof DockerApiError && e.statusCode === 400 && /overwrite|cannot/i.test(e.message)) throw new ConflictError(`cannot copy to ${remote} in the ${service} container: ${e.message}`);
    throw e;
  }
  return { direction: 'to-container', service, from: local, to: `${service}:${remote}`, ...counts };
}

/** The tar stream of a local file or tree, its root entry named `rootName` (`''`: contents only). */
async function* packLocal(path: string, st: Stats, rootName: string, counts: { files: number; directories: number; bytes: number }): AsyncGenerator<Buffer> {
  yield* packEntry(path, st, rootName, counts);
  yield endOfArchive();
}

async function* packEntry(path: string, st: Stats, name: string, counts: { files: number; directories: number; bytes: number }): AsyncGenerator<Buffer> {
  const mtime = Math.floor(st.mtimeMs / 1000);
  const mode = st.mode & 0o7777;
  if (st.isDirectory()) {
    if (name) {
      yield encodeHeader({ name, type: 'directory', mode, size: 0, mtime });
      counts.directories++;
    }
    const children = (await fsp.readdir(path)).sort();
    for (const child of children) {
      const p = join(path, child);
      const cst = await fsp.lstat(p);
      yield* packEntry(p, cst, name ? `${name}/${child}` : child, counts);
    }
    return;
  }
  if (st.isSymbolicLink()) {
    yield encodeHeader({ name, type: 'symlink', mode, size: 0, mtime, linkname: await fsp.readlink(path) });
    counts.files++;
    return;
  }
  if (!st.isFile()) return; // sockets, fifos, devices: docker cp skips them too
  yield encodeHeader({ name, type: 'file', mode, size: st.size, mtime });
  let written = 0;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    // a file that grows while we read it must not break the archive
    const piece = buf.subarray(0, Math.max(0, st.size - written));
    written += piece.length;
    if (piece.length > 0) yield piece;
    if (written >= st.size) break;
  }
  if (written < st.size) yield Buffer.alloc(st.size - written); // it shrank: pad to the size we announced
  yield zeroPad(st.size);
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

async function unpackLocal(tar: Readable, fromRoot: string, dir: string, toRoot: string, counts: { files: number; directories: number; bytes: number }): Promise<void> {
  const reader = new TarReader();
  const realDir = await fsp.realpath(dir);
  let file: { handle: fsp.FileHandle; path: string; header: TarHeader } | undefined;
  const dirTimes: { path: string; mtime: number }[] = [];
  const finish = async () => {
    if (!file) return;
    const f = file;
    file = undefined;
    await f.handle.close();
    await fsp.chmod(f.path, f.header.mode);
    await fsp.utimes(f.path, f.header.mtime, f.header.mtime);
  };
  try {
    for await (const chunk of tar) {
      for (const ev of reader.push(chunk as Buffer)) {
        if (ev.kind === 'data') {
          if (file) await file.handle.write(ev.data);
          continue;
        }
        if (ev.kind === 'entry-end') {
          await finish();
          continue;
        }
        const h = ev.header;
        const rel = fromRoot === '.' ? rebaseEntry(h.name, '', toRoot) : rebaseEntry(h.name, fromRoot, toRoot);
        if (rel === undefined) continue; // the root directory itself, when copying its contents
        const path = join(dir, ...rel.split('/'));
        await ensureInside(realDir, dirname(path));
        if (h.type === 'directory') {
          const existing = await lstatOrUndefined(path);
          if (existing && !existing.isDirectory()) throw new ConflictError(`cannot replace ${path} with a directory`);
          if (!existing) await fsp.mkdir(path, { mode: h.mode | 0o700 });
          dirTimes.push({ path, mtime: h.mtime });
          counts.directories++;
        } else if (h.type === 'file') {
          const existing = await lstatOrUndefined(path);
          if (existing?.isDirectory()) throw new ConflictError(`cannot replace the directory ${path} with a file`);
          if (existing?.isSymbolicLink()) await fsp.unlink(path); // never write through a link
          file = { handle: await fsp.open(path, 'w', h.mode | 0o200), path, header: h };
          counts.files++;
          counts.bytes += h.size;
        } else if (h.type === 'symlink' && h.linkname !== undefined) {
          const existing = await lstatOrUndefined(path);
          if (existing?.isDirectory()) throw new ConflictError(`cannot replace the directory ${path} with a symlink`);
          if (existing) await fsp.unlink(path);
          await fsp.symlink(h.linkname, path);
          counts.files++;
        } else if (h.type === 'hardlink' && h.linkname !== undefined) {
          const targetRel = fromRoot === '.' ? rebaseEntry(h.linkname, '', toRoot) : rebaseEntry(h.linkname, fromRoot, toRoot);
          if (targetRel === undefined) continue;
          const existing = await lstatOrUndefined(path);
          if (existing) await fsp.unlink(path);
          await fsp.link(join(dir, ...targetRel.split('/')), path);
          counts.files++;
        }
      }
    }
    reader.end();
    await finish();
  } catch (e) {
    if (file) await file.handle.close().catch(() => undefined);
    tar.destroy();
    if (e instanceof TarFormatError) throw new DockerApiError(`the archive from the container is broken: ${e.message}`);
    throw e;
  }
  // directory times last: writing files into them changed their mtimes
  for (const d of dirTimes.reverse()) await fsp.utimes(d.path, d.mtime, d.mtime).catch(() => undefined);
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
