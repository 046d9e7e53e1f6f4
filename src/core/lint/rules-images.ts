// Image rules: R003 (tagged), R004 (stable tags), R005 (semver-like tags)
// from abra, and K005: no YAML anchors on `image:` (abra's recipe
// upgrade/sync rewrite image tags in the text and do not follow anchors).

import { LineCounter, parseDocument, visit, isAlias, isScalar } from 'yaml';
import { analyse, NOT_LOADED, services } from './analysis.js';
import { isSemverLike, parseImageRef, UNSTABLE_TAGS } from './image-ref.js';
import { findings, skip, type LintRule, type RecipeFiles, type RuleOutcome } from './types.js';

export const imageRules: LintRule[] = [
  {
    ref: 'R003',
    level: 'warn',
    description: 'all images use a tag',
    howToResolve: 'use a tag for all images',
    check(recipe) {
      const a = analyse(recipe);
      if (!a.complete) return skip(NOT_LOADED);
      const found: string[] = [];
      for (const s of services(a)) {
        if (!s.image) continue; // R011
        const ref = parseImageRef(s.image);
        if (!ref.tag && !ref.digest) found.push(`${s.name}: ${s.image} has no tag`);
      }
      return findings(found);
    },
  },
  {
    ref: 'R004',
    level: 'warn',
    description: 'no unstable tags',
    howToResolve: 'tag all images with stable tags',
    check: (recipe) => imagesWhoseTag(recipe, (tag) => UNSTABLE_TAGS.has(tag.toLowerCase())),
  },
  {
    ref: 'R005',
    level: 'warn',
    description: 'tags use semver-like format',
    howToResolve: 'use semver-like tags',
    check: (recipe) => imagesWhoseTag(recipe, (tag) => !isSemverLike(tag)),
  },
  {
    ref: 'K005',
    level: 'warn',
    description: 'no YAML anchors on image:',
    howToResolve: 'write the image out on each service: recipe upgrade/sync rewrite image tags in the text and do not follow anchors',
    check(recipe) {
      const found: string[] = [];
      for (const [file, text] of Object.entries(recipe.composeFiles)) found.push(...imageAnchors(file, text));
      return findings(found);
    },
  },
];

/** `service: image` for each tagged image whose tag matches */
function imagesWhoseTag(recipe: RecipeFiles, matches: (tag: string) => boolean): RuleOutcome {
  const a = analyse(recipe);
  if (!a.complete) return skip(NOT_LOADED);
  const found: string[] = [];
  for (const s of services(a)) {
    const tag = s.image ? parseImageRef(s.image).tag : undefined;
    if (tag && matches(tag)) found.push(`${s.name}: ${s.image}`);
  }
  return findings(found);
}

/** `image: &name …` and `image: *name` in the raw text, as `file:line: …` findings. */
export function imageAnchors(file: string, text: string): string[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: false });
  const found: string[] = [];
  visit(doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'image') return;
      const value = pair.value;
      const at = (offset: number | undefined) => (offset === undefined ? file : `${file}:${lines.linePos(offset).line}`);
      if (isAlias(value)) found.push(`${at(value.range?.[0])}: image: *${value.source}`);
      else if (isScalar(value) && value.anchor) found.push(`${at(value.range?.[0])}: image: &${value.anchor}`);
    },
  });
  return found;
}
