// An image registry as kite's maintainer commands see it (Registry HTTP API
// v2): the tags of a repository and the digest of a tag. One real adapter
// (src/adapters/registry.ts, plain fetch with the usual token challenge).

import type { RegistryRepo } from '../core/registry-types.js';
export type { RegistryRepo } from '../core/registry-types.js';

export interface RegistryPort {
  tags(repo: RegistryRepo): Promise<string[]>;
  /** `sha256:…` of the manifest (list) the tag points at */
  digest(repo: RegistryRepo, tag: string): Promise<string>;
}
