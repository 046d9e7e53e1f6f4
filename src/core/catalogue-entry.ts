// One recipe's catalogue entry (RecipeMeta), built from what the recipe
// repository says: the README metadata block (spec §5.7, emoji scores of old
// READMEs tolerated), a `* **Maintainers**: …` line, and, for every release
// tag, the images its compose files name with the digest the registry gave.
// Pure: the caller reads git and asks the registry.
//
// abra fills description/icon/website from the forge's API [M]; kite has no
// forge API, so description comes from the README (the `> one line` under
// the title, or its first paragraph) and icon/website are kept from the
// existing entry.

import { readmeField, readmeMetadata } from './lint/readme-metadata.js';
import { parseImageRef } from './lint/image-ref.js';
import { emptyMeta, type CatalogueFeatures, type CatalogueImage, type Maintainer, type RecipeMeta, type ServiceMeta, type VersionEntry } from './catalogue.js';

export interface ReleaseImages {
  /** the release tag, `1.2.0+1.21.0` */
  tag: string;
  services: Record<string, ServiceMeta>;
}

export interface EntryInput {
  name: string;
  /** README.md of the default branch; undefined when the recipe has none */
  readme?: string;
  repository: string;
  defaultBranch: string;
  /** oldest → newest */
  releases: ReleaseImages[];
  /** the entry this one replaces, for what the repository does not say */
  previous?: RecipeMeta;
}

export function buildRecipeMeta(input: EntryInput): { meta: RecipeMeta; warnings: string[] } {
  const warnings: string[] = [];
  const prev = input.previous;
  const meta = emptyMeta(input.name);
  const block = input.readme === undefined ? undefined : readmeMetadata(input.readme);
  if (input.readme === undefined) warnings.push(`${input.name}: no README.md: category and features left empty`);
  else if (!block) warnings.push(`${input.name}: README.md has no <!-- metadata --> block: category and features left empty`);

  if (block) {
    meta.category = block.Category ?? '';
    meta.features = readmeFeatures(block, (w) => warnings.push(`${input.name}: ${w}`));
  }
  meta.description = (input.readme && readmeDescription(input.readme)) || prev?.description || '';
  meta.default_branch = input.defaultBranch;
  meta.repository = input.repository;
  meta.ssh_url = sshUrlFor(input.repository) || prev?.ssh_url || '';
  meta.icon = prev?.icon ?? '';
  meta.website = prev?.website ?? '';
  meta.versions = input.releases.map((r): VersionEntry => ({ [r.tag]: r.services }));
  const maintainersLine = input.readme === undefined ? undefined : readmeField(input.readme, 'Maintainers');
  if (maintainersLine !== undefined) meta.maintainers = parseMaintainers(maintainersLine);
  if (prev?.extra) meta.extra = prev.extra;
  return { meta, warnings };
}

/** The metadata block's values as abra's `features` (strings as written, status a number). */
export function readmeFeatures(block: Record<string, string>, warn: (w: string) => void = () => undefined): CatalogueFeatures {
  const status = parseScore(block.Status ?? '');
  if (status === undefined) {
    if ((block.Status ?? '').trim() !== '') warn(`README Status "${block.Status}" is not a score: recorded as 0`);
  }
  return {
    backups: block.Backups ?? '',
    email: block.Email ?? '',
    healthcheck: block.Healthcheck ?? '',
    image: parseImageField(block.Image ?? ''),
    status: status ?? 0,
    tests: block.Tests ?? '',
    sso: block.SSO ?? '',
  };
}

const CIRCLED = ['❶❷❸❹❺❻❼❽❾❿', '①②③④⑤⑥⑦⑧⑨⑩', '➊➋➌➍➎➏➐➑➒➓'];

/** `3, stable` → 3, `❷💛` → 2 (old emoji scores), `?`/empty → undefined */
export function parseScore(value: string): number | undefined {
  const v = value.trim();
  const digits = /^(\d+)/.exec(v);
  if (digits) return Number(digits[1]);
  const first = [...v][0];
  for (const set of CIRCLED) {
    const i = [...set].indexOf(first ?? '');
    if (i >= 0) return i + 1;
  }
  return undefined;
}

/** `[`wordpress`](https://hub.docker.com/_/wordpress), 4, upstream` (rating or source may be missing) */
export function parseImageField(value: string): CatalogueImage {
  const out: CatalogueImage = { image: '', rating: '', source: '', url: '' };
  let rest = value.trim();
  const link = /^\[([^\]]*)\]\(([^)\s]*)\)\s*,?\s*/.exec(rest);
  if (link) {
    out.image = stripTicks(link[1]);
    out.url = link[2];
    rest = rest.slice(link[0].length);
  } else {
    const [first, ...others] = rest.split(',');
    out.image = stripTicks(first);
    rest = others.join(',');
  }
  const parts = rest.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length >= 2) {
    out.rating = parts[0];
    out.source = parts.slice(1).join(', ');
  } else if (parts.length === 1) {
    if (parseScore(parts[0]) !== undefined || parts[0] === '?') out.rating = parts[0];
    else out.source = parts[0];
  }
  return out;
}

function stripTicks(s: string): string {
  return s.trim().replace(/^`+|`+$/g, '').trim();
}

/**
 * `@handle, Jo Doe <jo@example.org>, [@ann](https://…), Bo (@bo)` → one
 * {handle?, name?, email?} per comma- or semicolon-separated person.
 */
export function parseMaintainers(value: string): Maintainer[] {
  const out: Maintainer[] = [];
  for (const part of splitPeople(value)) {
    let text = part;
    const m: Maintainer = {};
    const email = /<([^<>\s]+@[^<>\s]+)>/.exec(text) ?? /(?:^|\s)([^\s<>()@]+@[^\s<>()@]+\.[^\s<>()]+)(?=\s|$)/.exec(text);
    if (email) {
      m.email = email[1];
      text = text.replace(email[0], ' ');
    }
    const handle = /(?:^|[\s([])@([A-Za-z0-9][\w.-]*)/.exec(text);
    if (handle) {
      m.handle = handle[1].replace(/\.+$/, '');
      text = text.replace(`@${handle[1]}`, ' ');
    }
    const name = text
      .replace(/\]\([^)]*\)/g, ' ') // the target of a markdown link
      .replace(/[[\]()<>`*_]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (name) m.name = name;
    if (m.handle || m.name || m.email) out.push(m);
  }
  return out;
}

function splitPeople(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of value) {
    if ('<([' .includes(c)) depth++;
    else if ('>)]'.includes(c)) depth = Math.max(0, depth - 1);
    if ((c === ',' || c === ';') && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The recipe's one-line description: the first paragraph under the `# Title` (a `> quote` or plain text). */
export function readmeDescription(readme: string): string {
  const lines = readme.split(/\r?\n/);
  const title = lines.findIndex((l) => /^#\s/.test(l));
  const para: string[] = [];
  for (const raw of lines.slice(title + 1)) {
    const line = raw.trim();
    if (line.startsWith('<!--') || /^#{1,6}\s/.test(line)) break;
    if (/^\[!\[/.test(line)) continue; // badges
    if (line === '' || line === '>') {
      if (para.length > 0) break;
      continue;
    }
    para.push(line.replace(/^>\s?/, ''));
  }
  return para.join(' ').trim();
}

/**
 * The SSH clone URL `recipe fetch --ssh` uses: Co-op Cloud's forge listens on
 * port 2222 [M]; other https remotes become `git@host:path`; URLs that are
 * already SSH stay; local paths have none.
 */
export function sshUrlFor(repository: string): string {
  if (/^ssh:\/\//.test(repository) || /^[^/\s]+@[^/\s]+:/.test(repository)) return repository;
  const m = /^https?:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(repository);
  if (!m) return '';
  const path = m[2].endsWith('.git') ? m[2] : `${m[2]}.git`;
  if (m[1] === 'git.coopcloud.tech') return `ssh://git@git.coopcloud.tech:2222/${path}`;
  return `git@${m[1]}:${path}`;
}

/** A compose `image:` as the catalogue records it: name as written, tag (`latest` when none), and a digest pinned in the reference. */
export function serviceImage(ref: string): { image: string; tag: string; pinned?: string } {
  const r = parseImageRef(ref.trim());
  return { image: r.name, tag: r.tag ?? (r.digest ? '' : 'latest'), pinned: r.digest };
}
