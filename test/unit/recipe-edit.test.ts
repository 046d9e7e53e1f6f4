// Text edits of compose files: exactly the tag / label characters change;
// comments, anchors, quoting and every other line stay byte for byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, findImageSites, findVersionLabel, setImageTags, setVersionLabel } from '../../src/core/recipe-edit.js';
import { RecipeError } from '../../src/core/errors.js';

const COMPOSE = `---
# top comment
x-env: &env
  GREETING: hello # kept
services:
  app:
    image: "nginx:1.27.5"   # the web server
    environment:
      <<: *env
    deploy:
      labels:
        - "traefik.enable=true"
        ## When you're ready for release, run "abra recipe sync <name>" to set this
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1.27.5"
  db:
    image: postgres:16-alpine
  cache:
    image: 'registry.example.org:5000/org/redis:7.2'
`;

/** the lines that differ between a and b, as [line number, before, after] */
function changedLines(a: string, b: string): [number, string, string][] {
  const la = a.split('\n');
  const lb = b.split('\n');
  assert.equal(la.length, lb.length, 'the number of lines changed');
  return la.flatMap((l, i) => (l === lb[i] ? [] : [[i + 1, l, lb[i]] as [number, string, string]]));
}

test('image sites: tags located exactly, whatever the quoting', () => {
  const sites = findImageSites(COMPOSE, 'compose.yml');
  assert.deepEqual(
    sites.map((s) => [s.service, s.name, s.tag, s.line, s.skip, COMPOSE.slice(s.tagRange!.start, s.tagRange!.end)]),
    [
      ['app', 'nginx', '1.27.5', 7, undefined, '1.27.5'],
      ['db', 'postgres', '16-alpine', 16, undefined, '16-alpine'],
      ['cache', 'registry.example.org:5000/org/redis', '7.2', 18, undefined, '7.2'],
    ],
  );
});

test('setting image tags changes only those characters', () => {
  const sites = findImageSites(COMPOSE, 'compose.yml');
  const out = setImageTags(COMPOSE, [
    { site: sites[0], tag: '1.27.10' },
    { site: sites[2], tag: '7.4' },
  ]);
  assert.deepEqual(changedLines(COMPOSE, out), [
    [7, '    image: "nginx:1.27.5"   # the web server', '    image: "nginx:1.27.10"   # the web server'],
    [18, "    image: 'registry.example.org:5000/org/redis:7.2'", "    image: 'registry.example.org:5000/org/redis:7.4'"],
  ]);
});

test('images with anchors, aliases, merges, interpolation or digests are reported, not edited', () => {
  const text = `services:
  app:
    image: &img nginx:1.0
  worker:
    image: *img
  base: &base
    image: redis:7.0
  other:
    <<: *base
  web:
    image: kite-test/web:\${APP_TAG:-1.0}
  pinned:
    image: nginx:1.0@sha256:${'a'.repeat(64)}
  bare:
    image: nginx
  folded:
    image: >-
      nginx:1.0
`;
  const sites = findImageSites(text, 'compose.yml');
  const why = Object.fromEntries(sites.map((s) => [s.service, s.skip ?? 'editable']));
  assert.match(why.app, /YAML anchor \(&img\)/);
  assert.match(why.worker, /YAML alias \(\*img\)/);
  assert.equal(why.base, 'editable');
  assert.match(why.other, /YAML merge/);
  assert.match(why.web, /interpolated/);
  assert.match(why.pinned, /digest/);
  assert.match(why.bare, /no tag/);
  assert.match(why.folded, /cannot rewrite in place/);
  assert.throws(() => setImageTags(text, [{ site: sites[0], tag: '2.0' }]), /cannot be rewritten in place/);
});

test('version label, list form: only the value after = changes, comments stay', () => {
  const site = findVersionLabel(COMPOSE, 'compose.yml')!;
  assert.equal(site.value, '1.0.0+1.27.5');
  assert.equal(site.form, 'list');
  assert.equal(site.line, 14);
  const out = setVersionLabel(COMPOSE, site, '1.1.0+1.27.10');
  assert.deepEqual(changedLines(COMPOSE, out), [
    [14, '        - "coop-cloud.${STACK_NAME}.version=1.0.0+1.27.5"', '        - "coop-cloud.${STACK_NAME}.version=1.1.0+1.27.10"'],
  ]);
  // the template's empty label
  const empty = COMPOSE.replace('version=1.0.0+1.27.5', 'version=');
  const e = findVersionLabel(empty, 'compose.yml')!;
  assert.equal(e.value, '');
  assert.equal(setVersionLabel(empty, e, '0.1.0+1.27.5'), COMPOSE.replace('version=1.0.0+1.27.5', 'version=0.1.0+1.27.5'));
});

test('version label, map form: plain, quoted, empty and explicit null values', () => {
  const map = (value: string) => `services:
  app:
    image: nginx:1.0
    deploy:
      labels:
        traefik.enable: "true"
        coop-cloud.\${STACK_NAME}.version:${value} # release label
        backupbot.backup: "true"
`;
  for (const [written, expected] of [
    [' 1.0.0+1.0', ' 2.0.0+2.0'],
    [' "1.0.0+1.0"', ' "2.0.0+2.0"'],
    [" '1.0.0+1.0'", " '2.0.0+2.0'"],
    ['', ' 2.0.0+2.0'],
    [' ~', ' 2.0.0+2.0'],
  ]) {
    const text = map(written);
    const site = findVersionLabel(text, 'compose.yml');
    assert.ok(site, `label found for "${written}"`);
    assert.equal(site.form, 'map');
    const out = setVersionLabel(text, site, '2.0.0+2.0');
    assert.equal(out, map(expected), `value written as "${written}"`);
  }
});

test('the label is looked for on the app service only; other forms are refused with the line', () => {
  const other = `services:
  db:
    deploy:
      labels: ["coop-cloud.\${STACK_NAME}.version=1.0.0"]
  app:
    image: nginx:1.0
`;
  assert.equal(findVersionLabel(other, 'compose.yml'), undefined);
  assert.ok(findVersionLabel(other, 'compose.yml', 'db'), 'flow sequences work too');
  const escaped = `services:
  app:
    deploy:
      labels:
        - "coop-cloud.\${STACK_NAME}.version=1.0.0\\x2B1.0"
`;
  assert.throws(() => findVersionLabel(escaped, 'compose.yml'), (e: Error) => e instanceof RecipeError && /compose\.yml:5/.test(e.message));
  assert.throws(() => findVersionLabel('services:\n  app: [\n', 'compose.yml'), (e: Error) => e instanceof RecipeError && /^compose\.yml:\d+: invalid YAML/.test(e.message));
});

test('edits apply in any order and never overlap', () => {
  assert.equal(applyEdits('abcdef', [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 1, text: 'A' }]), 'AbcdEf');
  assert.throws(() => applyEdits('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }]), /overlapping/);
});
