// Networks: service attachments (TaskTemplate.Networks) and the overlay
// networks a stack creates, mirroring docker/cli convertServiceNetworks and
// convert.Networks.

import type { NetworkConfig, ServiceConfig } from '../compose/types.js';
import { compareStrings, objectName, withStackLabel } from './namespace.js';
import { serviceError } from './service-error.js';
import type { NetworkAttachmentConfig, NetworkCreate } from './swarm-types.js';

/** The implicit network of services that list none; it needs no declaration. */
export const DEFAULT_NETWORK = 'default';
/** `docker stack deploy` creates stack networks with this driver unless told otherwise. */
export const DEFAULT_NETWORK_DRIVER = 'overlay';

/** Network keys a service joins: its own list, or the stack's default network. */
export function serviceNetworkKeys(svc: ServiceConfig): string[] {
  const keys = Object.keys(svc.networks ?? {});
  return keys.length > 0 ? keys : [DEFAULT_NETWORK];
}

export function convertServiceNetworks(
  stack: string,
  svc: ServiceConfig,
  networks: Record<string, NetworkConfig>,
  warnings: string[],
): NetworkAttachmentConfig[] {
  const attachments = serviceNetworkKeys(svc).map((key): NetworkAttachmentConfig => {
    const top = networks[key];
    if (!top && key !== DEFAULT_NETWORK) {
      throw serviceError(svc.name, 'networks', `network "${key}" is not declared in the top-level networks: section`);
    }
    const opts = svc.networks?.[key] ?? null;
    for (const ignored of ['ipv4_address', 'ipv6_address'] as const) {
      if (opts?.[ignored]) {
        warnings.push(`service ${svc.name}: network ${key}: key "${ignored}" is ignored by docker stack deploy`);
      }
    }
    const target = objectName(stack, key, top);
    // docker/cli appends the service name after the user's aliases, and only
    // on user-defined networks (the built-in ones do not support aliases).
    const aliases = [...(opts?.aliases ?? [])];
    if (isUserDefined(target)) aliases.push(svc.name);
    const attachment: NetworkAttachmentConfig = { Target: target };
    if (aliases.length > 0) attachment.Aliases = aliases;
    return attachment;
  });
  // Sorted by target so that reordering the compose list changes nothing.
  return attachments.sort((a, b) => compareStrings(a.Target, b.Target));
}

/** The create request for a non-external stack network. */
export function convertNetworkCreate(stack: string, key: string, net: NetworkConfig | undefined): NetworkCreate {
  const spec: NetworkCreate = {
    Name: objectName(stack, key, net),
    Driver: net?.driver || DEFAULT_NETWORK_DRIVER,
    Labels: withStackLabel(stack, net?.labels),
  };
  if (net?.driver_opts && Object.keys(net.driver_opts).length > 0) spec.Options = { ...net.driver_opts };
  if (net?.internal) spec.Internal = true;
  if (net?.attachable) spec.Attachable = true;
  if (net?.ipam && (net.ipam.driver || (net.ipam.config?.length ?? 0) > 0)) {
    spec.IPAM = {};
    if (net.ipam.driver) spec.IPAM.Driver = net.ipam.driver;
    // docker/cli copies only the subnet of each IPAM config entry.
    const config = (net.ipam.config ?? []).map((c) => (c.subnet ? { Subnet: c.subnet } : {}));
    if (config.length > 0) spec.IPAM.Config = config;
  }
  return spec;
}

/** Mirrors container.NetworkMode.IsUserDefined on Linux. */
function isUserDefined(network: string): boolean {
  return !['default', 'bridge', 'host', 'none'].includes(network) && !network.startsWith('container:');
}
