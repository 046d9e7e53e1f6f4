// The next recipe version for `recipe sync` / `recipe release` (spec §6.1,
// §6.3): `<recipe semver>+<upstream>`, where the semver part is the last
// release's bumped by major/minor/patch and the upstream part is the `app`
// service's image tag.
//
// When the maintainer does not say which bump, it is inferred from how the
// images changed since the last release, following the maintainers' handbook
// (a breaking upstream change is major, a compatible upgrade minor, a
// recipe-only fix patch): the largest image change decides, the `app`
// image's included — a major upgrade of the database is as breaking as one of
// the app. A service that appeared counts as minor, one that went away (or
// changed to another image) as major. No image change at all is a patch.

import semver from 'semver';
import { parseImageRef } from './lint/image-ref.js';
import { largerKind, parseTag, upgradeKind, type UpgradeKind } from './tag-compare.js';

export interface BumpInference {
  kind: UpgradeKind;
  /** one line per image change that was considered */
  reasons: string[];
}

/** `${APP_TAG:-1.0}` → `1.0`: an image with its interpolation defaults filled in (what .env.sample-less deploys get). */
export function withDefaults(image: string): string {
  return image.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}$]*)\}/g, '$1');
}

/** The upstream part of a version: the `app` image's tag (interpolation defaults filled in), if it has a literal one. */
export function upstreamFromImage(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const tag = parseImageRef(withDefaults(image)).tag;
  return tag && /^[\w][\w.-]*$/.test(tag) ? tag : undefined;
}

/** The bump the image changes call for; `before` = images at the last release, `after` = now (service → image). */
export function inferBump(before: Record<string, string>, after: Record<string, string>): BumpInference {
  let kind: UpgradeKind | undefined;
  const reasons: string[] = [];
  const note = (k: UpgradeKind, why: string) => {
    kind = largerKind(kind, k);
    reasons.push(`${why} (${k})`);
  };
  for (const [service, image] of Object.entries(after)) {
    const old = before[service];
    if (old === undefined) {
      note('minor', `service ${service} is new`);
      continue;
    }
    if (old === image) continue;
    const a = parseImageRef(withDefaults(old));
    const b = parseImageRef(withDefaults(image));
    if (a.name !== b.name) {
      note('major', `${service}: image ${a.name} became ${b.name}`);
      continue;
    }
    if (a.tag === b.tag) continue;
    const ta = a.tag ? parseTag(a.tag) : undefined;
    const tb = b.tag ? parseTag(b.tag) : undefined;
    if (!ta || !tb) {
      note('major', `${service}: ${a.tag ?? '(no tag)'} → ${b.tag ?? '(no tag)'} cannot be compared`);
      continue;
    }
    const k = upgradeKind(ta, tb);
    if (k) note(k, `${service}: ${b.name} ${a.tag} → ${b.tag}`);
  }
  for (const service of Object.keys(before)) if (!(service in after)) note('major', `service ${service} was removed`);
  if (!kind) return { kind: 'patch', reasons: ['no image changed since the last release: a recipe-only change (patch)'] };
  return { kind, reasons };
}

/**
 * The version after `last` (a release tag, or undefined when there is none
 * yet: the first release is 0.1.0, or 1.0.0 for a major bump) with the
 * given upstream part.
 */
export function nextRecipeVersion(last: string | undefined, kind: UpgradeKind, upstream: string | undefined): string {
  let main: string;
  if (!last) {
    main = kind === 'major' ? '1.0.0' : '0.1.0';
  } else {
    const base = last.split('+')[0];
    const bumped = semver.valid(base) ? semver.inc(base, kind) : null;
    if (!bumped) throw new Error(`cannot bump ${last}`);
    main = bumped;
  }
  return upstream ? `${main}+${upstream}` : main;
}
