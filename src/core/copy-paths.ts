// Path rules of `app cp` (docker cp's): which side is the container, where an
// archive is unpacked, and how its root entry is renamed. Pure: callers pass
// what they know about the destination.

import { posix } from 'node:path';
import { UsageError } from './errors.js';

export type CopyEndpoint = { kind: 'local'; path: string } | { kind: 'service'; service: string; path: string };

/**
 * `app:/etc/x` is a path in the `app` service's container; anything else is
 * local. A local path with a colon can be written `./a:b` or as an absolute path.
 */
export function parseCopyArg(arg: string): CopyEndpoint {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*):(.*)$/.exec(arg);
  if (!m || arg.startsWith('.') || arg.startsWith('/')) return { kind: 'local', path: arg };
  if (m[2] === '') throw new UsageError(`"${arg}" names no path in the ${m[1]} service`, `write it as ${m[1]}:/path/in/the/container`);
  return { kind: 'service', service: m[1], path: m[2] };
}

export interface CopyPlan {
  direction: 'to-container' | 'from-container';
  service: string;
  /** path in the container */
  remote: string;
  local: string;
}

export function planCopy(src: string, dst: string): CopyPlan {
  const a = parseCopyArg(src);
  const b = parseCopyArg(dst);
  if (a.kind === 'service' && b.kind === 'service') throw new UsageError('both paths are in containers; one side must be a local path');
  if (a.kind === 'local' && b.kind === 'local') throw new UsageError('both paths are local; write one side as <service>:/path, e.g. app:/var/www');
  if (a.kind === 'service') return { direction: 'from-container', service: a.service, remote: absoluteRemote(a.path), local: b.path };
  const r = b as Extract<CopyEndpoint, { kind: 'service' }>;
  return { direction: 'to-container', service: r.service, remote: absoluteRemote(r.path), local: a.path };
}

/** Container paths are taken from `/` (docker cp resolves relative ones against the working directory; we do not know it). */
function absoluteRemote(p: string): string {
  return p.startsWith('/') ? p : `/${p}`;
}

export type DestinationKind = 'directory' | 'file' | 'missing';

export interface Placement {
  /** directory the archive is unpacked into */
  dir: string;
  /** name the source's root entry gets there (`''`: unpack the contents into `dir`) */
  rootName: string;
}

/**
 * Where a source lands, after docker cp: into an existing directory under its
 * own name (or its contents, for `src/.`); onto an existing file when both are
 * files; as a new entry named after the destination when that does not exist.
 */
export function placeCopy(
  srcPath: string,
  srcIsDir: boolean,
  dstPath: string,
  dst: DestinationKind,
  pathApi: typeof posix = posix,
): Placement {
  const contentsOnly = srcIsDir && /(^|\/)\.\/?$/.test(srcPath);
  const srcName = pathApi.basename(srcPath.replace(/\/+$/, ''));
  if (dst === 'directory') return { dir: dstPath, rootName: contentsOnly ? '' : srcName };
  if (dst === 'file') {
    if (srcIsDir) throw new UsageError(`cannot copy a directory onto the file ${dstPath}`);
    if (dstPath.endsWith('/')) throw new UsageError(`${dstPath} is a file, not a directory`);
    return { dir: pathApi.dirname(dstPath), rootName: pathApi.basename(dstPath) };
  }
  if (dstPath.endsWith('/')) throw new UsageError(`the destination directory ${dstPath} does not exist`, 'create it first, or drop the trailing slash to copy under that name');
  return { dir: pathApi.dirname(dstPath), rootName: pathApi.basename(dstPath) };
}

/**
 * The path an archive entry gets after renaming the archive's root entry
 * `fromRoot` to `toRoot` (`''` drops it). Refuses names that would leave the
 * destination (`..`, absolute paths) or that are not under the root.
 */
export function rebaseEntry(name: string, fromRoot: string, toRoot: string): string | undefined {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (name.startsWith('/') || parts.includes('..')) throw new UsageError(`refusing archive entry "${name}": it points outside the destination`);
  const root = fromRoot.split('/').filter((p) => p !== '' && p !== '.');
  if (root.length === 0) return [...(toRoot ? [toRoot] : []), ...parts].join('/') || undefined;
  for (let i = 0; i < root.length; i++) {
    if (parts[i] !== root[i]) throw new UsageError(`refusing archive entry "${name}": it is not under ${fromRoot}`);
  }
  const rest = parts.slice(root.length);
  const out = [...(toRoot ? [toRoot] : []), ...rest].join('/');
  return out === '' ? undefined : out;
}
