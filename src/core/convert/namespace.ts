// Stack naming and labelling, as docker/cli's convert.Namespace does it:
// every object a stack creates is `<stack>_<name>` and carries the namespace
// label; stack membership is always a label filter, never name parsing.

import type { Labels } from './swarm-types.js';

/** On every service, container, network, secret, config and volume of a stack. */
export const NAMESPACE_LABEL = 'com.docker.stack.namespace';
/** On every service: the image as written in the compose file (before digest pinning). */
export const IMAGE_LABEL = 'com.docker.stack.image';

export function scope(stack: string, name: string): string {
  return `${stack}_${name}`;
}

/** A copy of `labels` with the namespace label added (it wins over a user label of the same key). */
export function withStackLabel(stack: string, labels: Labels | undefined): Labels {
  return { ...labels, [NAMESPACE_LABEL]: stack };
}

/**
 * The Docker name of a top-level network, volume, secret or config.
 * An explicit `name:` is used verbatim. docker/cli's loader gives external
 * objects without `name:` their bare key, so those are not scoped either.
 */
export function objectName(
  stack: string,
  key: string,
  obj: { name?: string; external?: boolean } | undefined,
): string {
  if (obj?.name) return obj.name;
  if (obj?.external) return key;
  return scope(stack, key);
}

/** Byte-wise string order, as Go's sort.Strings (keeps specs stable between runs). */
export function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
