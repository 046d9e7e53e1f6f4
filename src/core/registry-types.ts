// An image repository as the Registry HTTP API v2 names it: pure data, read
// by core/image-registry.ts and re-exported by the registry port.

export interface RegistryRepo {
  /** registry host[:port]; docker.io for Docker Hub */
  registry: string;
  /** repository path, `library/nginx` for official Hub images */
  repository: string;
}
