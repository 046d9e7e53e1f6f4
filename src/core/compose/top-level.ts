// Top-level `networks:`, `volumes:`, `secrets:` and `configs:` definitions.
// External objects are looked up by name, which defaults to the key (and
// may come from the deprecated `external: {name: x}`).

import { posix } from 'node:path';
import type { FileObjectConfig, NetworkConfig, VolumeConfig } from './types.js';
import type { VolumePathOptions } from './volumes.js';
import { isObj, setIfDefined, type Reader } from './read.js';

const FILE_OBJECT_KEYS = new Set([
  'name', 'file', 'external', 'labels', 'driver', 'driver_opts', 'template_driver', 'content', 'environment',
]);

/** `external: true` or the deprecated `external: {name: x}`. */
function readExternal(v: unknown, key: string, r: Reader): { external: boolean; name?: string } {
  if (isObj(v)) return { external: true, name: r.string(v.name, `${key}.name`) };
  return { external: r.bool(v, key) ?? false };
}

export function readNetwork(name: string, def: unknown, r: Reader): NetworkConfig {
  const key = `networks.${name}`;
  const o = r.obj(def, key);
  const known = new Set(['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels']);
  r.checkKeys(o, known, key, (path) => r.fail(path, 'is not a supported network option'));
  const network: NetworkConfig = { labels: r.mapping(o.labels, `${key}.labels`, '=', false) };
  setIfDefined(network, 'name', r.string(o.name, `${key}.name`));
  setIfDefined(network, 'driver', r.string(o.driver, `${key}.driver`));
  if (o.driver_opts !== undefined && o.driver_opts !== null) {
    network.driver_opts = r.mapping(o.driver_opts, `${key}.driver_opts`, '=', false);
  }
  if (o.ipam !== undefined && o.ipam !== null) {
    const ipam = r.obj(o.ipam, `${key}.ipam`);
    const out: NonNullable<NetworkConfig['ipam']> = {};
    setIfDefined(out, 'driver', r.string(ipam.driver, `${key}.ipam.driver`));
    const pools = r.list(ipam.config, `${key}.ipam.config`);
    if (pools) {
      out.config = pools.map((pool, i) => ({
        subnet: r.string(r.obj(pool, `${key}.ipam.config[${i}]`).subnet, `${key}.ipam.config[${i}].subnet`),
      }));
    }
    network.ipam = out;
  }
  setIfDefined(network, 'internal', r.bool(o.internal, `${key}.internal`));
  setIfDefined(network, 'attachable', r.bool(o.attachable, `${key}.attachable`));
  if (o.external !== undefined && o.external !== null) {
    const ext = readExternal(o.external, `${key}.external`, r);
    network.external = ext.external;
    if (ext.external) network.name = externalName(name, network.name, ext.name, key, r);
  }
  return network;
}

export function readVolume(name: string, def: unknown, r: Reader): VolumeConfig {
  const key = `volumes.${name}`;
  const o = r.obj(def, key);
  const known = new Set(['name', 'driver', 'driver_opts', 'external', 'labels']);
  r.checkKeys(o, known, key, (path) => r.fail(path, 'is not a supported volume option'));
  const volume: VolumeConfig = { labels: r.mapping(o.labels, `${key}.labels`, '=', false) };
  setIfDefined(volume, 'name', r.string(o.name, `${key}.name`));
  setIfDefined(volume, 'driver', r.string(o.driver, `${key}.driver`));
  if (o.driver_opts !== undefined && o.driver_opts !== null) {
    volume.driver_opts = r.mapping(o.driver_opts, `${key}.driver_opts`, '=', false);
  }
  if (o.external !== undefined && o.external !== null) {
    const ext = readExternal(o.external, `${key}.external`, r);
    volume.external = ext.external;
    if (ext.external) {
      const conflict = volume.driver ? 'driver' : volume.driver_opts ? 'driver_opts' : Object.keys(volume.labels).length ? 'labels' : undefined;
      if (conflict) r.fail(key, `conflicting parameters "external" and "${conflict}" specified for volume "${name}"`);
      volume.name = externalName(name, volume.name, ext.name, key, r);
    }
  }
  return volume;
}

export function readFileObject(
  kind: 'secrets' | 'configs',
  name: string,
  def: unknown,
  r: Reader,
  paths: VolumePathOptions,
): FileObjectConfig {
  const key = `${kind}.${name}`;
  const o = r.obj(def, key);
  r.checkKeys(o, FILE_OBJECT_KEYS, key, (path) => r.fail(path, `is not a supported ${kind.slice(0, -1)} option`));
  const obj: FileObjectConfig = { labels: r.mapping(o.labels, `${key}.labels`, '=', false) };
  setIfDefined(obj, 'name', r.string(o.name, `${key}.name`));
  setIfDefined(obj, 'file', r.string(o.file, `${key}.file`));
  setIfDefined(obj, 'content', r.string(o.content, `${key}.content`));
  setIfDefined(obj, 'environment', r.string(o.environment, `${key}.environment`));
  setIfDefined(obj, 'template_driver', r.string(o.template_driver, `${key}.template_driver`));
  setIfDefined(obj, 'driver', r.string(o.driver, `${key}.driver`));
  if (o.driver_opts !== undefined && o.driver_opts !== null) {
    obj.driver_opts = r.mapping(o.driver_opts, `${key}.driver_opts`, '=', false);
  }
  if (o.external !== undefined && o.external !== null) {
    const ext = readExternal(o.external, `${key}.external`, r);
    obj.external = ext.external;
    if (ext.external) obj.name = externalName(name, obj.name, ext.name, key, r);
  }
  if (!obj.external) {
    if (obj.driver && obj.file) r.fail(key, `${key}.driver and ${key}.file conflict; only use ${key}.driver`);
    // docker resolves the file against the compose file's directory; the
    // file itself is only read at deploy time.
    if (obj.file && paths.workingDir && !obj.file.startsWith('/')) {
      obj.file = posix.join(paths.workingDir, obj.file);
    }
  }
  return obj;
}

/** External objects are looked up by `name`, defaulting to the key. */
function externalName(key: string, name: string | undefined, legacy: string | undefined, at: string, r: Reader): string {
  if (legacy) {
    if (name) r.fail(at, `${at}.external.name and ${at}.name conflict; only use ${at}.name`);
    return legacy;
  }
  return name ?? key;
}
