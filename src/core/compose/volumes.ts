// Service `volumes:` entries → ServiceVolumeConfig, following docker/cli's
// loader (ParseVolume for the short syntax, resolveVolumePaths for binds).
//
// Short syntax `[source:]target[:options]`:
// - one part is an anonymous volume (`/data`);
// - the source is a bind mount when it starts with `.`, `/` or `~` (or looks
//   like a Windows path `C:\...`, `\\pipe`), else a named volume;
// - a single letter followed by `:` is read as a Windows drive, so `b:/b` is
//   ONE part (an anonymous volume with target `b:/b`) — docker's behaviour;
// - options are comma-separated: `ro`, `rw`, `nocopy`, bind propagation
//   (`rshared`...); unknown options are ignored; a fourth part is an error.
// Relative bind sources are resolved against `workingDir` when given (docker
// resolves them against the compose file's directory); `~` uses HOME.

import { posix } from 'node:path';
import type { ServiceVolumeConfig } from './types.js';
import { isObj, type Obj, type Reader } from './read.js';

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);
const TYPES = new Set(['volume', 'bind', 'tmpfs', 'npipe']);
const LONG_KEYS = new Set(['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs']);

export interface VolumePathOptions {
  /** directory the compose files live in; relative bind sources are joined to it */
  workingDir?: string;
  /** value of HOME for `~` expansion */
  home?: string;
}

export function readServiceVolumes(
  v: unknown,
  key: string,
  r: Reader,
  paths: VolumePathOptions,
  unknown: (path: string) => void,
): ServiceVolumeConfig[] {
  return (r.list(v, key) ?? []).map((entry, i) => {
    const at = `${key}[${i}]`;
    let volume: ServiceVolumeConfig;
    if (typeof entry === 'string') volume = parseVolumeSpec(entry, at, r);
    else if (isObj(entry)) volume = readLongVolume(entry, at, r, unknown);
    else r.fail(at, 'must be a string or a mapping');
    if (volume.type === 'bind') volume.source = resolveBindSource(volume.source, at, r, paths);
    return volume;
  });
}

function readLongVolume(o: Obj, key: string, r: Reader, unknown: (path: string) => void): ServiceVolumeConfig {
  r.checkKeys(o, LONG_KEYS, key, unknown);
  const type = r.string(o.type, `${key}.type`);
  if (type === undefined) r.fail(`${key}.type`, 'is required (volume, bind or tmpfs)');
  if (!TYPES.has(type)) r.fail(`${key}.type`, `unknown volume type ${JSON.stringify(type)}`);
  const target = r.string(o.target, `${key}.target`);
  if (!target) r.fail(`${key}.target`, 'is required');
  const volume: ServiceVolumeConfig = { type: type as ServiceVolumeConfig['type'], target };
  const source = r.string(o.source, `${key}.source`);
  if (source) volume.source = source;
  const readOnly = r.bool(o.read_only, `${key}.read_only`);
  if (readOnly !== undefined) volume.read_only = readOnly;
  const consistency = r.string(o.consistency, `${key}.consistency`);
  if (consistency) volume.consistency = consistency;
  if (o.bind !== undefined && o.bind !== null) {
    const bind = r.obj(o.bind, `${key}.bind`);
    r.checkKeys(bind, new Set(['propagation']), `${key}.bind`, unknown);
    volume.bind = { propagation: r.string(bind.propagation, `${key}.bind.propagation`) };
  }
  if (o.volume !== undefined && o.volume !== null) {
    const vol = r.obj(o.volume, `${key}.volume`);
    r.checkKeys(vol, new Set(['nocopy']), `${key}.volume`, unknown);
    volume.volume = { nocopy: r.bool(vol.nocopy, `${key}.volume.nocopy`) };
  }
  if (o.tmpfs !== undefined && o.tmpfs !== null) {
    const tmpfs = r.obj(o.tmpfs, `${key}.tmpfs`);
    r.checkKeys(tmpfs, new Set(['size', 'mode']), `${key}.tmpfs`, unknown);
    volume.tmpfs = {
      size: r.bytes(tmpfs.size, `${key}.tmpfs.size`),
      mode: r.uint(tmpfs.mode, `${key}.tmpfs.mode`),
    };
  }
  return volume;
}

/** docker/cli's short volume syntax. */
export function parseVolumeSpec(spec: string, key: string, r: Reader): ServiceVolumeConfig {
  const bad = (why: string): never => r.fail(key, `invalid volume ${JSON.stringify(spec)}: ${why}`);
  if (spec.length === 0) bad('empty volume spec');
  if ([...spec].length <= 2) return { type: 'volume', target: spec };

  let source: string | undefined;
  let target: string | undefined;
  let readOnly: boolean | undefined;
  let nocopy = false;
  let propagation: string | undefined;

  // Split at `:` except where it follows a single letter (Windows drive).
  const sections: string[] = [];
  let buffer = '';
  for (const ch of spec) {
    if (ch === ':' && !([...buffer].length === 1 && /\p{L}/u.test(buffer))) {
      sections.push(buffer);
      buffer = '';
    } else buffer += ch;
  }
  sections.push(buffer);

  sections.forEach((section, i) => {
    const last = i === sections.length - 1;
    if (section === '') bad('empty section between colons');
    if (source === undefined && last) target = section; // anonymous volume
    else if (source === undefined) source = section;
    else if (target === undefined) target = section;
    else if (!last) bad('too many colons');
    else {
      for (const option of section.split(',')) {
        if (option === 'ro') readOnly = true;
        else if (option === 'rw') readOnly = false;
        else if (option === 'nocopy') nocopy = true;
        else if (PROPAGATIONS.has(option)) propagation = option;
        // other options are ignored, as docker does
      }
    }
  });

  const volume: ServiceVolumeConfig = {
    type: source !== undefined && isFilePath(source) ? 'bind' : 'volume',
    target: target ?? '',
  };
  if (source !== undefined) volume.source = source;
  if (readOnly) volume.read_only = true;
  if (nocopy) volume.volume = { nocopy: true };
  if (propagation) volume.bind = { propagation };
  return volume;
}

function isFilePath(source: string): boolean {
  if ('./~'.includes(source[0])) return true;
  const chars = [...source];
  if (chars.length === 1) return false;
  if (source.startsWith('\\\\')) return true; // Windows named pipe
  return chars[1] === ':' && /\p{L}/u.test(chars[0]); // Windows drive
}

function resolveBindSource(source: string | undefined, key: string, r: Reader, paths: VolumePathOptions): string {
  if (!source) r.fail(key, 'invalid mount config for type "bind": field Source must not be empty');
  let resolved = source;
  if (resolved.startsWith('~') && paths.home !== undefined) resolved = paths.home + resolved.slice(1);
  const windowsAbsolute = /^[a-zA-Z]:[\\/]/.test(resolved) || resolved.startsWith('\\\\');
  if (paths.workingDir && !posix.isAbsolute(resolved) && !windowsAbsolute && !resolved.startsWith('~')) {
    resolved = posix.join(paths.workingDir, resolved);
  }
  return resolved;
}
