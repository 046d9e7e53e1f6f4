// Pinning service images to the digest the registry has now, as
// `docker stack deploy --resolve-image always` does (abra deploys that way):
// every node then runs the same image, and a tag that moved upstream is
// picked up by the next deploy. The lookup itself is the daemon's
// (GET /distribution/{image}/json); this is the pure part around it.

import { parseImageRef } from './lint/image-ref.js';

export interface ManifestPlatform {
  architecture: string;
  os: string;
}

/** what the registry is asked for: the image with `:latest` when it has no tag */
export function imageToQuery(image: string): string {
  const ref = parseImageRef(image);
  return ref.tag || ref.digest ? image : `${image}:latest`;
}

export function hasDigest(image: string): boolean {
  return parseImageRef(image).digest !== undefined;
}

/** `name[:tag]@digest`; an image that already names a digest is left alone */
export function pinnedImage(image: string, digest: string): string {
  return hasDigest(image) ? image : `${image}@${digest}`;
}

/**
 * The manifest's platforms as placement platforms. Like docker, `arm` loses
 * its architecture: nodes report `armv7l` and would never match.
 */
export function placementPlatforms(platforms: ManifestPlatform[] | null | undefined): { Architecture: string; OS: string }[] {
  return (platforms ?? []).map((p) => ({ Architecture: p.architecture.toLowerCase() === 'arm' ? '' : p.architecture, OS: p.os }));
}

export function digestWarning(image: string): string {
  return `image ${image} could not be accessed on a registry to record its digest: each node will pull ${image} by itself, so nodes may run different versions of it`;
}
