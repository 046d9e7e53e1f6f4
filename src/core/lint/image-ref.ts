// Splitting an image reference (`registry:5000/org/name:tag@sha256:…`) into
// the parts lint looks at. A `:` before the last `/` belongs to a registry port.

export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1), digest };
  return { name: ref, digest };
}

/** Tags that move: what they point at changes without the recipe changing. */
export const UNSTABLE_TAGS = new Set(['latest', 'main', 'master', 'dev', 'develop', 'development', 'edge', 'nightly', 'unstable', 'testing', 'next', 'canary']);

/**
 * Semver-like as abra's tag comparison (coopcloud.tech/tagcmp) understands
 * it: optional `v`, one to four dot-separated numbers, optional `-suffix`
 * (`1.27.5`, `v2.4.8`, `16-alpine`, `1.14.1-rootless`).
 */
export function isSemverLike(tag: string): boolean {
  return /^v?\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z][0-9A-Za-z._-]*)?$/.test(tag);
}
