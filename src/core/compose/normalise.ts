// Turns one parsed + interpolated compose file into the normalised model
// (types.ts), expanding every short syntax the way docker/cli's loader does:
// services in service.ts, top-level objects in top-level.ts. Merging
// several files is merge.ts's job.

import type { ComposeConfig } from './types.js';
import { isObj, type Reader } from './read.js';
import { readService, type ServiceOptions } from './service.js';
import { readFileObject, readNetwork, readVolume } from './top-level.js';

const TOP_LEVEL = new Set(['version', 'services', 'networks', 'volumes', 'secrets', 'configs']);

export type NormaliseOptions = ServiceOptions;

/** Normalises one compose file (already interpolated). */
export function normaliseFile(root: unknown, r: Reader, opts: NormaliseOptions): ComposeConfig {
  if (!isObj(root)) r.fail('', 'top-level object must be a mapping');
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(root)) {
    if (k.startsWith('x-')) extensions[k] = v;
    else if (!TOP_LEVEL.has(k)) {
      r.fail(k, `additional top-level property ${JSON.stringify(k)} is not allowed`, 'allowed: version, services, networks, volumes, secrets, configs and x-* extensions');
    }
  }

  const config: ComposeConfig = {
    services: {},
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
  };
  const version = r.string(root.version, 'version');
  if (version !== undefined) config.version = version;
  if (Object.keys(extensions).length > 0) config.extensions = extensions;

  const services = r.obj(root.services, 'services');
  for (const [name, def] of Object.entries(services)) {
    if (!isObj(def)) r.fail(`services.${name}`, 'must be a mapping');
    config.services[name] = readService(name, def, r, opts);
  }
  for (const [name, def] of Object.entries(r.obj(root.networks, 'networks'))) {
    config.networks[name] = readNetwork(name, def, r);
  }
  for (const [name, def] of Object.entries(r.obj(root.volumes, 'volumes'))) {
    config.volumes[name] = readVolume(name, def, r);
  }
  for (const [name, def] of Object.entries(r.obj(root.secrets, 'secrets'))) {
    config.secrets[name] = readFileObject('secrets', name, def, r, opts);
  }
  for (const [name, def] of Object.entries(r.obj(root.configs, 'configs'))) {
    config.configs[name] = readFileObject('configs', name, def, r, opts);
  }
  return config;
}
