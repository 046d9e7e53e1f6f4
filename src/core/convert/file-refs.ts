// Service `secrets:` and `configs:` → ContainerSpec.Secrets / .Configs,
// mirroring docker/cli convertFileObject + service.ParseSecrets/ParseConfigs.
// The IDs are left '' here: resolving names to IDs needs the daemon, so the
// deploy step fills them in.

import type { FileObjectConfig, ServiceConfig, ServiceFileRef } from '../compose/types.js';
import { compareStrings, objectName } from './namespace.js';
import { serviceError } from './service-error.js';
import type { ConfigReference, FileTarget, SecretReference } from './swarm-types.js';

/** docker/cli's default for both secrets and configs: world-readable, not executable. */
export const DEFAULT_FILE_MODE = 0o444;

type Kind = 'secret' | 'config';

export function convertSecretRefs(
  stack: string,
  svc: ServiceConfig,
  secrets: Record<string, FileObjectConfig>,
): SecretReference[] {
  return convertRefs('secret', stack, svc, svc.secrets, secrets).map(({ name, file }) => ({
    File: file,
    SecretID: '',
    SecretName: name,
  }));
}

export function convertConfigRefs(
  stack: string,
  svc: ServiceConfig,
  configs: Record<string, FileObjectConfig>,
): ConfigReference[] {
  return convertRefs('config', stack, svc, svc.configs, configs).map(({ name, file }) => ({
    File: file,
    ConfigID: '',
    ConfigName: name,
  }));
}

function convertRefs(
  kind: Kind,
  stack: string,
  svc: ServiceConfig,
  refs: ServiceFileRef[],
  declared: Record<string, FileObjectConfig>,
): { name: string; file: FileTarget }[] {
  const key = `${kind}s`;
  const byTarget = new Map<string, { name: string; file: FileTarget }>();
  for (const ref of refs) {
    const obj = declared[ref.source];
    if (!obj) {
      throw serviceError(
        svc.name,
        key,
        `${kind} "${ref.source}" is not declared in the top-level ${key}: section`,
      );
    }
    // Target defaults to the short name for both kinds, exactly as docker/cli
    // sends it. The daemon puts a relative secret under /run/secrets/ and a
    // relative config at /<name>, so `configs: [app_conf]` lands at /app_conf.
    const file: FileTarget = {
      Name: ref.target || ref.source,
      UID: ref.uid || '0',
      GID: ref.gid || '0',
      Mode: ref.mode ?? DEFAULT_FILE_MODE,
    };
    if (byTarget.has(file.Name)) {
      throw serviceError(svc.name, key, `duplicate ${kind} target "${file.Name}" (from "${ref.source}")`);
    }
    byTarget.set(file.Name, { name: objectName(stack, ref.source, obj), file });
  }
  // docker/cli sorts by object name (stable) so an unchanged file never
  // produces a spec diff, and hence no needless service restart.
  return [...byTarget.values()].sort((a, b) => compareStrings(a.name, b.name));
}
