// In-place edits of compose files for `recipe upgrade` and `recipe sync`:
// find the exact characters of an image tag or of the version label's value
// with the YAML parser's node ranges, then splice new text into exactly that
// range. Nothing is re-serialised, so comments, anchors, quoting, key order
// and blank lines stay byte for byte; only the intended characters change.
//
// What cannot be edited safely is reported, not guessed at: an image that
// carries an anchor or is an alias (abra does not follow them either, spec
// §5.1), comes from a `<<` merge, is interpolated, pinned by digest, or
// written in a form whose text is not its value (escapes, block scalars).

import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { parseImageRef } from './lint/image-ref.js';
import { RecipeError } from './errors.js';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface ImageSite {
  file: string;
  service: string;
  /** the image as written, e.g. `nginx:1.27.5` */
  image: string;
  /** the image name without tag/digest */
  name: string;
  tag?: string;
  /** 1-based line of the image value */
  line: number;
  /** the tag's characters in the file; set when the tag can be rewritten in place */
  tagRange?: { start: number; end: number };
  /** why this image cannot be rewritten in place */
  skip?: string;
}

export interface LabelSite {
  file: string;
  service: string;
  /** 1-based line */
  line: number;
  /** the current value ('' when empty) */
  value: string;
  /** characters of the value; an empty map value has start === end and needs a leading space */
  start: number;
  end: number;
  /** `- "coop-cloud.${STACK_NAME}.version=…"` or `coop-cloud.${STACK_NAME}.version: …` */
  form: 'list' | 'map';
  needsSpace: boolean;
}

const VERSION_KEY = /^coop-cloud\.\$(?:\{STACK_NAME\}|STACK_NAME)\.version$/;
const VERSION_ITEM = /^(coop-cloud\.\$(?:\{STACK_NAME\}|STACK_NAME)\.version)=(.*)$/s;

function parseCompose(text: string, file: string): Document {
  const docs = parseAllDocuments(text, { version: '1.2', prettyErrors: false, uniqueKeys: false });
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc) throw new RecipeError('empty compose file', file);
  const err = doc.errors[0];
  if (err) throw new RecipeError(`invalid YAML: ${err.message.split('\n')[0]}`, file, { line: err.linePos?.[0].line ?? lineAt(text, err.pos[0]) });
  return doc;
}

function servicePairs(doc: Document): Pair<Scalar, Node | null>[] {
  const services = doc.get('services', true);
  if (!isMap(services)) return [];
  return (services as YAMLMap<Scalar, Node | null>).items.filter((p) => isScalar(p.key) && typeof p.key.value === 'string');
}

function pairOf(map: YAMLMap, key: string): Pair<Scalar, Node | null> | undefined {
  return (map as YAMLMap<Scalar, Node | null>).items.find((p) => isScalar(p.key) && p.key.value === key);
}

/**
 * The characters of a scalar's value in `text` — when the text between the
 * quotes (or the plain text) is exactly the value; undefined otherwise.
 */
function exactContent(text: string, node: Scalar): { start: number; end: number } | undefined {
  if (!node.range || typeof node.value !== 'string') return undefined;
  const [from, to] = node.range;
  let start = from;
  let end = to;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    start += 1;
    end -= 1;
  } else if (node.type !== 'PLAIN') {
    return undefined; // block scalars: the text is not the value
  }
  return text.slice(start, end) === node.value ? { start, end } : undefined;
}

/** Every service's `image:` in one compose file, with where its tag can be rewritten. */
export function findImageSites(text: string, file: string): ImageSite[] {
  const doc = parseCompose(text, file);
  const sites: ImageSite[] = [];
  for (const p of servicePairs(doc)) {
    const service = p.key.value as string;
    if (!isMap(p.value)) continue;
    const imagePair = pairOf(p.value, 'image');
    const line = lineAt(text, (imagePair?.value ?? p.key).range?.[0] ?? 0);
    if (!imagePair) {
      if (pairOf(p.value, '<<')) sites.push({ file, service, image: '', name: '', line, skip: 'its image comes from a YAML merge (<<: *…); write image: out on the service' });
      continue;
    }
    const node = imagePair.value;
    if (isAlias(node)) {
      sites.push({ file, service, image: `*${node.source}`, name: '', line, skip: `its image is a YAML alias (*${node.source}); write the image out on each service` });
      continue;
    }
    if (!isScalar(node) || typeof node.value !== 'string') continue;
    const image = node.value;
    const ref = parseImageRef(image);
    const site: ImageSite = { file, service, image, name: ref.name, tag: ref.tag, line };
    const content = exactContent(text, node);
    if (node.anchor) site.skip = `its image carries a YAML anchor (&${node.anchor}); write the image out on each service`;
    else if (!content) site.skip = 'its image is written in a form kite cannot rewrite in place (a block scalar or escapes)';
    else if (image.includes('$')) site.skip = 'its image is interpolated (${…}); set the tag by hand';
    else if (ref.digest) site.skip = 'its image is pinned by digest';
    else if (!ref.tag) site.skip = 'its image has no tag';
    else site.tagRange = { start: content.start + ref.name.length + 1, end: content.start + ref.name.length + 1 + ref.tag.length };
    sites.push(site);
  }
  return sites;
}

/**
 * The `coop-cloud.${STACK_NAME}.version` label of `service` (list or map
 * form under deploy.labels), or undefined when this file does not declare it.
 * RecipeError when it is there but cannot be edited in place.
 */
export function findVersionLabel(text: string, file: string, service = 'app'): LabelSite | undefined {
  const doc = parseCompose(text, file);
  const svc = servicePairs(doc).find((p) => p.key.value === service)?.value;
  if (!isMap(svc)) return undefined;
  const deploy = pairOf(svc, 'deploy')?.value;
  if (!isMap(deploy)) return undefined;
  const labels = pairOf(deploy, 'labels')?.value;
  const refuse = (node: Node | null | undefined, why: string) =>
    new RecipeError(`the version label of service ${service} ${why}; kite rewrites it in place only when its text is its value`, file, { line: lineAt(text, node?.range?.[0] ?? 0) }, 'write it as - "coop-cloud.${STACK_NAME}.version=…" (or a plain map value)');

  if (isSeq(labels)) {
    for (const item of labels.items) {
      if (!isScalar(item) || typeof item.value !== 'string') continue;
      const m = VERSION_ITEM.exec(item.value);
      if (!m) continue;
      const content = exactContent(text, item as Scalar);
      if (!content || item.anchor) throw refuse(item as Node, 'is written with escapes, as a block scalar or with an anchor');
      const start = content.start + m[1].length + 1;
      return { file, service, line: lineAt(text, start), value: m[2], start, end: content.end, form: 'list', needsSpace: false };
    }
    return undefined;
  }
  if (isMap(labels)) {
    const pair = (labels as YAMLMap<Scalar, Node | null>).items.find((p) => isScalar(p.key) && typeof p.key.value === 'string' && VERSION_KEY.test(p.key.value));
    if (!pair) return undefined;
    const value = pair.value;
    if (value === null || (isScalar(value) && value.value === null)) {
      // `key:` with nothing after it, or an explicit null (`~`): the value goes right after the colon
      const keyEnd = pair.key.range?.[1] ?? 0;
      const colon = text.indexOf(':', keyEnd);
      const explicit = isScalar(value) && value.range && value.range[1] > value.range[0] ? value.range : undefined;
      const start = explicit ? explicit[0] : colon + 1;
      const end = explicit ? explicit[1] : colon + 1;
      return { file, service, line: lineAt(text, start), value: '', start, end, form: 'map', needsSpace: !explicit };
    }
    if (!isScalar(value) || value.anchor) throw refuse(value, 'is not a plain text value');
    const content = exactContent(text, value);
    if (!content) throw refuse(value, 'is written with escapes or as a block scalar');
    return { file, service, line: lineAt(text, content.start), value: String(value.value), start: content.start, end: content.end, form: 'map', needsSpace: false };
  }
  return undefined;
}

/** The text with the label's value set to `version` (nothing else changes). */
export function setVersionLabel(text: string, site: LabelSite, version: string): string {
  if (!/^[0-9A-Za-z._+-]*$/.test(version)) throw new RecipeError(`"${version}" is not a recipe version`, site.file);
  return applyEdits(text, [{ start: site.start, end: site.end, text: (site.needsSpace && version ? ' ' : '') + version }]);
}

/** The text with each image site's tag replaced (sites must carry tagRange). */
export function setImageTags(text: string, changes: { site: ImageSite; tag: string }[]): string {
  return applyEdits(
    text,
    changes.map(({ site, tag }) => {
      if (!site.tagRange) throw new Error(`image of ${site.service} in ${site.file} cannot be rewritten in place`);
      if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new RecipeError(`"${tag}" is not a valid image tag`, site.file, { line: site.line });
      return { ...site.tagRange, text: tag };
    }),
  );
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].end > sorted[i - 1].start) throw new Error('overlapping text edits');
  }
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
