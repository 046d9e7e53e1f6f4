// An image registry as kite's maintainer commands see it (Registry HTTP API
// v2): the tags of a repository and the digest of a tag. One real adapter
// (src/adapters/registry.ts, plain fetch with the usual token challenge).

export interface RegistryRepo {
  /** registry host[:port]; docker.io for Docker Hub */
  registry: string;
  /** repository path, `library/nginx` for official Hub images */
  repository: string;
}

export interface RegistryPort {
  tags(repo: RegistryRepo): Promise<string[]>;
  /** `sha256:…` of the manifest (list) the tag points at */
  digest(repo: RegistryRepo, tag: string): Promise<string>;
}
