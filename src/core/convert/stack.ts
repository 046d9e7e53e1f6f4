// A whole compose model → everything `docker stack deploy` would send for
// it: networks to create (or check), secrets and configs to create (or
// check), and one ServiceSpec per service. Pure; the deploy operation does
// the reading of files and the talking to the daemon.

import type { ComposeConfig, FileObjectConfig } from '../compose/types.js';
import { RecipeError } from '../errors.js';
import { compareStrings, objectName, scope, withStackLabel } from './namespace.js';
import { convertNetworkCreate, serviceNetworkKeys } from './networks.js';
import { convertService } from './service.js';
import type { ConfigSpec, NetworkCreate, SecretSpec, ServiceSpec } from './swarm-types.js';
import { withConstraints } from '../placement.js';

export interface StackNetwork {
  /** key in the compose `networks:` section (`default` may be undeclared) */
  key: string;
  /** the Docker network name */
  name: string;
  /** external networks must already exist with swarm scope; they are never created */
  external: boolean;
  /** the create request; for an external network only its Name */
  spec: NetworkCreate;
}

/**
 * A top-level secret or config. For non-external ones `spec` is the create
 * request minus `Data`, which the caller fills (base64) from `file`,
 * `content` or the `environment` variable named; a driver-backed secret
 * needs no data.
 */
export interface StackFileObject<Spec> {
  key: string;
  name: string;
  external: boolean;
  /** keys of the services that mount it */
  usedBy: string[];
  spec?: Spec;
  /** path as written in the compose file (relative to the recipe) */
  file?: string;
  content?: string;
  environment?: string;
}

export type StackSecret = StackFileObject<SecretSpec>;
export type StackConfig = StackFileObject<ConfigSpec>;

export interface StackService {
  key: string;
  /** `<stack>_<key>` */
  name: string;
  spec: ServiceSpec;
}

export interface StackSpec {
  networks: StackNetwork[];
  secrets: StackSecret[];
  configs: StackConfig[];
  services: StackService[];
  /** every compose setting that was not applied, one line each */
  warnings: string[];
}

export interface ConvertOptions {
  /** constraints per service key added to the recipe's own (the app's KITE_PLACEMENT_* keys, src/core/placement.ts) */
  placement?: Map<string, string[]>;
}

export function convertStack(stack: string, cfg: ComposeConfig, opts: ConvertOptions = {}): StackSpec {
  const warnings: string[] = [];
  const serviceKeys = sortedKeys(cfg.services);

  const services = serviceKeys.map((key): StackService => {
    const source = cfg.services[key];
    const svc = source.name === key ? source : { ...source, name: key };
    const converted = convertService(stack, svc, cfg);
    warnings.push(...converted.warnings);
    return { key, name: scope(stack, key), spec: withConstraints(converted.spec, opts.placement?.get(key) ?? []) };
  });

  // Like docker/cli, only networks some service joins are created or checked.
  const networkKeys = new Set(serviceKeys.flatMap((key) => serviceNetworkKeys(cfg.services[key])));
  const networks = [...networkKeys].sort(compareStrings).map((key): StackNetwork => {
    const net = cfg.networks[key];
    const name = objectName(stack, key, net);
    if (net?.external) return { key, name, external: true, spec: { Name: name } };
    return { key, name, external: false, spec: convertNetworkCreate(stack, key, net) };
  });

  const usedBy = (kind: 'secrets' | 'configs', key: string): string[] =>
    serviceKeys.filter((s) => cfg.services[s][kind].some((ref) => ref.source === key));

  // Like docker/cli, every declared secret and config is created, used or not.
  const secrets = sortedKeys(cfg.secrets).map((key): StackSecret => {
    const obj = cfg.secrets[key];
    const entry: StackSecret = fileObject(stack, 'secret', key, obj, usedBy('secrets', key));
    if (!entry.external) {
      const spec: SecretSpec = { Name: entry.name, Labels: withStackLabel(stack, obj.labels) };
      if (obj.driver) {
        spec.Driver = { Name: obj.driver };
        if (obj.driver_opts && Object.keys(obj.driver_opts).length > 0) spec.Driver.Options = { ...obj.driver_opts };
      }
      if (obj.template_driver) spec.Templating = { Name: obj.template_driver };
      entry.spec = spec;
    }
    return entry;
  });

  const configs = sortedKeys(cfg.configs).map((key): StackConfig => {
    const obj = cfg.configs[key];
    const entry: StackConfig = fileObject(stack, 'config', key, obj, usedBy('configs', key));
    if (!entry.external) {
      if (obj.driver) {
        warnings.push(`config ${key}: key "driver" is not supported for configs and was not applied`);
      }
      const spec: ConfigSpec = { Name: entry.name, Labels: withStackLabel(stack, obj.labels) };
      // `template_driver: golang` makes swarm render the file per task
      // ({{ env "DOMAIN" }}, {{ secret "x" }}): kite does not render it.
      if (obj.template_driver) spec.Templating = { Name: obj.template_driver };
      entry.spec = spec;
    }
    return entry;
  });

  return { networks, secrets, configs, services, warnings };
}

function fileObject<Spec>(
  stack: string,
  kind: 'secret' | 'config',
  key: string,
  obj: FileObjectConfig,
  usedBy: string[],
): StackFileObject<Spec> {
  const entry: StackFileObject<Spec> = { key, name: objectName(stack, key, obj), external: !!obj.external, usedBy };
  if (obj.external) return entry;

  const fail = (message: string): RecipeError =>
    new RecipeError(message, undefined, { key: `${kind}s.${key}` });
  const sources = (['file', 'content', 'environment'] as const).filter((s) => obj[s] !== undefined);
  if (kind === 'secret' && obj.driver) {
    // A driver (e.g. a vault plugin) supplies the value; docker/cli rejects a file too.
    if (sources.length > 0) throw fail(`driver and ${sources[0]} conflict; only use driver`);
    return entry;
  }
  if (sources.length === 0) throw fail('needs one of file, content or environment, or external: true');
  if (sources.length > 1) throw fail(`${sources.join(' and ')} conflict; use only one`);
  if (obj.file !== undefined) entry.file = obj.file;
  if (obj.content !== undefined) entry.content = obj.content;
  if (obj.environment !== undefined) entry.environment = obj.environment;
  return entry;
}

function sortedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort(compareStrings);
}
