// The recipe catalogue, `$ABRA_DIR/catalogue/recipes.json` (spec §10): an
// object keyed by recipe name → RecipeMeta, the shape of abra's Go types.
//
// Writing follows what abra writes [M]: Go's json.MarshalIndent(catalogue,
// "", "    ") — 4-space indentation, struct fields in declaration order, map
// keys (recipe names, version tags, service names) sorted, `<`, `>`, `&`
// escaped as \u003c \u003e \u0026, and no newline at the end of the file.
//
// Kite's own choices, readable by abra (Go ignores unknown fields and reads
// any string as a digest):
// - `digest` is the full registry digest (`sha256:<64 hex>`) of the tag the
//   release names, not the 8-character SmallSHA abra shows [M]: it can be
//   checked against a registry or `docker inspect`; displays shorten it.
// - `maintainers` (from the README) is an extra field after abra's fields.
// - Fields kite does not know are kept as they were read.

import { RecipeError } from './errors.js';

export interface CatalogueImage {
  image: string;
  rating: string;
  source: string;
  url: string;
}

export interface CatalogueFeatures {
  backups: string;
  email: string;
  healthcheck: string;
  image: CatalogueImage;
  /** the README Status score: 0 (unknown/template) … 5 */
  status: number;
  tests: string;
  sso: string;
}

export interface ServiceMeta {
  digest: string;
  image: string;
  tag: string;
}

/** one release: `{ "<tag>": { "<service>": ServiceMeta } }` */
export type VersionEntry = Record<string, Record<string, ServiceMeta>>;

export interface Maintainer {
  handle?: string;
  name?: string;
  email?: string;
}

export interface RecipeMeta {
  category: string;
  default_branch: string;
  description: string;
  features: CatalogueFeatures;
  icon: string;
  name: string;
  repository: string;
  ssh_url: string;
  /** oldest → newest; the last one is the latest release */
  versions: VersionEntry[];
  website: string;
  maintainers?: Maintainer[];
  /** kite's recipe test levels of tested releases (beside `versions`, so abra still reads every key inside a version as a service) */
  levels?: Record<string, ReleaseLevel>;
  /** fields kite does not know, kept as read */
  extra?: Record<string, unknown>;
}

/** the level a release reached in `kite recipe test`, and when it was tested */
export interface ReleaseLevel {
  level: number;
  date: string;
}

export type Catalogue = Record<string, RecipeMeta>;

export const CATALOGUE_FILE = 'recipes.json';

// ---- reading ---------------------------------------------------------------

const META_KEYS = ['category', 'default_branch', 'description', 'features', 'icon', 'name', 'repository', 'ssh_url', 'versions', 'website'] as const;
const KITE_KEYS = ['maintainers', 'levels'] as const;

/** Parses recipes.json. Tolerant like Go's decoder (missing fields are empty, unknown ones kept); wrong shapes name the file and key. */
export function parseCatalogue(text: string, file: string): Catalogue {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new RecipeError(`not valid JSON: ${msg}`, file, { line }, 'restore it from git (`git -C $ABRA_DIR/catalogue checkout recipes.json`) or remove $ABRA_DIR/catalogue to clone it again');
  }
  if (!isObject(doc)) throw new RecipeError('must be a JSON object keyed by recipe name', file);
  const out: Catalogue = {};
  for (const [name, raw] of Object.entries(doc)) out[name] = parseMeta(raw, name, file);
  return out;
}

function parseMeta(raw: unknown, recipe: string, file: string): RecipeMeta {
  if (!isObject(raw)) throw new RecipeError('must be an object', file, { key: recipe });
  const str = (v: unknown, key: string): string => {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new RecipeError(`must be a string, not ${JSON.stringify(v)}`, file, { key: `${recipe}.${key}` });
    return v;
  };
  const f = raw.features === undefined || raw.features === null ? {} : raw.features;
  if (!isObject(f)) throw new RecipeError('must be an object', file, { key: `${recipe}.features` });
  const img = f.image === undefined || f.image === null ? {} : f.image;
  if (!isObject(img)) throw new RecipeError('must be an object', file, { key: `${recipe}.features.image` });
  const meta: RecipeMeta = {
    category: str(raw.category, 'category'),
    default_branch: str(raw.default_branch, 'default_branch'),
    description: str(raw.description, 'description'),
    features: {
      backups: str(f.backups, 'features.backups'),
      email: str(f.email, 'features.email'),
      healthcheck: str(f.healthcheck, 'features.healthcheck'),
      image: { image: str(img.image, 'features.image.image'), rating: str(img.rating, 'features.image.rating'), source: str(img.source, 'features.image.source'), url: str(img.url, 'features.image.url') },
      status: statusNumber(f.status, `${recipe}.features.status`, file),
      tests: str(f.tests, 'features.tests'),
      sso: str(f.sso, 'features.sso'),
    },
    icon: str(raw.icon, 'icon'),
    name: str(raw.name, 'name') || recipe,
    repository: str(raw.repository, 'repository'),
    ssh_url: str(raw.ssh_url, 'ssh_url'),
    versions: parseVersions(raw.versions, recipe, file),
    website: str(raw.website, 'website'),
  };
  if (raw.maintainers !== undefined && raw.maintainers !== null) meta.maintainers = parseMaintainers(raw.maintainers, recipe, file);
  if (raw.levels !== undefined && raw.levels !== null) meta.levels = parseLevels(raw.levels, recipe, file);
  const extra = Object.fromEntries(Object.entries(raw).filter(([k]) => !(META_KEYS as readonly string[]).includes(k) && !(KITE_KEYS as readonly string[]).includes(k)));
  if (Object.keys(extra).length > 0) meta.extra = extra;
  return meta;
}

function statusNumber(v: unknown, key: string, file: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  // lenient where Go would fail: a score written as a string
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  throw new RecipeError(`must be an integer, not ${JSON.stringify(v)}`, file, { key });
}

function parseVersions(v: unknown, recipe: string, file: string): VersionEntry[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new RecipeError('must be an array of {"<version>": {"<service>": {image, tag, digest}}}', file, { key: `${recipe}.versions` });
  return v.map((entry, i) => {
    const key = `${recipe}.versions[${i}]`;
    if (!isObject(entry)) throw new RecipeError('must be an object {"<version>": {...}}', file, { key });
    const out: VersionEntry = {};
    for (const [tag, services] of Object.entries(entry)) {
      if (services === null) {
        out[tag] = {};
        continue;
      }
      if (!isObject(services)) throw new RecipeError('must be an object of services', file, { key: `${key}.${tag}` });
      out[tag] = {};
      for (const [service, m] of Object.entries(services)) {
        if (!isObject(m)) throw new RecipeError('must be an object {image, tag, digest}', file, { key: `${key}.${tag}.${service}` });
        const s = (x: unknown, k: string): string => {
          if (x === undefined || x === null) return '';
          if (typeof x !== 'string') throw new RecipeError('must be a string', file, { key: `${key}.${tag}.${service}.${k}` });
          return x;
        };
        out[tag][service] = { digest: s(m.digest, 'digest'), image: s(m.image, 'image'), tag: s(m.tag, 'tag') };
      }
    }
    return out;
  });
}

function parseMaintainers(v: unknown, recipe: string, file: string): Maintainer[] {
  if (!Array.isArray(v)) throw new RecipeError('must be an array of {handle, name, email}', file, { key: `${recipe}.maintainers` });
  return v.map((m, i) => {
    if (!isObject(m)) throw new RecipeError('must be an object {handle, name, email}', file, { key: `${recipe}.maintainers[${i}]` });
    const out: Maintainer = {};
    for (const k of ['handle', 'name', 'email'] as const) if (typeof m[k] === 'string' && m[k]) out[k] = m[k] as string;
    return out;
  });
}

function parseLevels(v: unknown, recipe: string, file: string): Record<string, ReleaseLevel> {
  if (!isObject(v)) throw new RecipeError('must be an object {"<version>": {level, date}}', file, { key: `${recipe}.levels` });
  const out: Record<string, ReleaseLevel> = {};
  for (const [version, l] of Object.entries(v)) {
    const key = `${recipe}.levels.${version}`;
    if (!isObject(l) || typeof l.level !== 'number' || !Number.isInteger(l.level) || l.level < 0) throw new RecipeError('must be an object {level: <whole number>, date}', file, { key });
    out[version] = { level: l.level, date: typeof l.date === 'string' ? l.date : '' };
  }
  return out;
}

// ---- writing ---------------------------------------------------------------

/** recipes.json as abra writes it (see the top of this file). */
export function serialiseCatalogue(catalogue: Catalogue): string {
  const ordered: Record<string, unknown> = {};
  for (const name of Object.keys(catalogue).sort(goOrder)) ordered[name] = orderedMeta(catalogue[name]);
  return goEscape(JSON.stringify(ordered, null, 4));
}

function orderedMeta(m: RecipeMeta): Record<string, unknown> {
  const f = m.features;
  const out: Record<string, unknown> = {
    category: m.category,
    default_branch: m.default_branch,
    description: m.description,
    features: {
      backups: f.backups,
      email: f.email,
      healthcheck: f.healthcheck,
      image: { image: f.image.image, rating: f.image.rating, source: f.image.source, url: f.image.url },
      status: f.status,
      tests: f.tests,
      sso: f.sso,
    },
    icon: m.icon,
    name: m.name,
    repository: m.repository,
    ssh_url: m.ssh_url,
    versions: m.versions.map((v) => sortedMap(v, (services) => sortedMap(services, (s) => ({ digest: s.digest, image: s.image, tag: s.tag })))),
    website: m.website,
  };
  if (m.maintainers) out.maintainers = m.maintainers.map((x) => Object.fromEntries((['handle', 'name', 'email'] as const).filter((k) => x[k]).map((k) => [k, x[k]])));
  if (m.levels && Object.keys(m.levels).length > 0) out.levels = sortedMap(m.levels, (l) => ({ level: l.level, date: l.date }));
  for (const [k, v] of Object.entries(m.extra ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

function sortedMap<T, U>(map: Record<string, T>, f: (t: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const k of Object.keys(map).sort(goOrder)) out[k] = f(map[k]);
  return out;
}

/** Go sorts map keys by bytes: compare as UTF-8, not UTF-16 */
function goOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Go's encoder escapes HTML-sensitive characters and the JS line separators (they only occur inside strings). */
function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---- reasoning about entries ----------------------------------------------

/** Entries of `regenerated` replace those of the same name; every other entry of `existing` is kept. */
export function mergeCatalogue(existing: Catalogue, regenerated: Catalogue): Catalogue {
  return { ...existing, ...regenerated };
}

export function versionTags(meta: RecipeMeta): string[] {
  return meta.versions.flatMap((v) => Object.keys(v));
}

/** abra's LatestVersion: the last element of `versions` */
export function latestVersion(meta: RecipeMeta): string | undefined {
  const tags = versionTags(meta);
  return tags[tags.length - 1];
}

/** `sha256:0123456789ab…` → `01234567`; a short digest stays as it is */
export function shortDigest(digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return hex.slice(0, 8);
}

export function emptyMeta(name: string): RecipeMeta {
  return {
    category: '',
    default_branch: '',
    description: '',
    features: { backups: '', email: '', healthcheck: '', image: { image: '', rating: '', source: '', url: '' }, status: 0, tests: '', sso: '' },
    icon: '',
    name,
    repository: '',
    ssh_url: '',
    versions: [],
    website: '',
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
