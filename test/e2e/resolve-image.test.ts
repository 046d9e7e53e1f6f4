// Images pinned to the registry's digest at deploy, as abra does
// (`docker stack deploy --resolve-image always`), against the rig's real
// registry: a tag that moves upstream is picked up by the next deploy; an
// unchanged one restarts nothing; an image no registry knows keeps its tag,
// with docker's warning.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, SERVER, docker, purgeStack, serviceTaskIds } from './harness.js';

const DOMAIN = 'pin.kite.test';
const STACK = 'pin_kite_test';
const PORT = '18551';
// a repository of its own: other tests list the tags of kite-test/web
const MOVING = '127.0.0.1:5000/kite-test/pin:moving';
const sb = new Sandbox();
const compose = () => join(sb.abraDir, 'recipes', 'kite-test-app', 'compose.yml');

/** point the rig registry's moving tag at one of the local test images; its digest */
async function moveTag(to: string): Promise<string> {
  docker('tag', `kite-test/web:${to}`, MOVING);
  execFileSync('docker', ['push', '-q', MOVING], { stdio: 'ignore' });
  const res = await fetch('http://127.0.0.1:5000/v2/kite-test/pin/manifests/moving', {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  const digest = res.headers.get('docker-content-digest');
  assert.ok(digest?.startsWith('sha256:'), `the registry names the digest (HTTP ${res.status})`);
  return digest as string;
}

function spec(service: string): { image: string; platforms: unknown; label: string } {
  const s = JSON.parse(docker('service', 'inspect', `${STACK}_${service}`, '--format', '{{json .Spec}}'));
  return { image: s.TaskTemplate.ContainerSpec.Image, platforms: s.TaskTemplate.Placement?.Platforms, label: s.Labels['com.docker.stack.image'] };
}

before(async () => {
  purgeStack(STACK);
  sb.addRecipe('kite-test-app');
  writeFileSync(compose(), readFileSync(compose(), 'utf8').replace(/image: kite-test\/web:\S+/g, `image: ${MOVING}`));
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', DOMAIN, '--secrets']);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);
});
after(() => purgeStack(STACK));

test('deploy pins each image to the digest the registry has, with its platforms', async () => {
  const digest = await moveTag('1.0');
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /could not be accessed on a registry/);
  for (const service of ['app', 'db', 'worker']) {
    const s = spec(service);
    assert.equal(s.image, `${MOVING}@${digest}`, service);
    assert.deepEqual(s.platforms, [{ Architecture: 'amd64', OS: 'linux' }], service);
    assert.equal(s.label, MOVING, 'the stack label keeps the image as the recipe wrote it');
  }
});

test('redeploying an unchanged tag restarts nothing', async () => {
  const tasks = serviceTaskIds(`${STACK}_app`);
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n', '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(serviceTaskIds(`${STACK}_app`), tasks);
});

test('a tag that moved upstream is picked up by the next deploy', async () => {
  const tasks = serviceTaskIds(`${STACK}_app`);
  const digest = await moveTag('1.1');
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n', '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(spec('app').image, `${MOVING}@${digest}`);
  assert.notDeepEqual(serviceTaskIds(`${STACK}_app`), tasks, 'the app runs the new image');
});

test('an image no registry knows keeps its tag, with a warning; the others stay pinned', async () => {
  writeFileSync(compose(), readFileSync(compose(), 'utf8').replace(/(worker:\n\s+image: )\S+/, '$1kite-test/web:1.0'));
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n', '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /image kite-test\/web:1\.0 could not be accessed on a registry to record its digest/);
  assert.equal(spec('worker').image, 'kite-test/web:1.0');
  assert.match(spec('app').image, /@sha256:/);
});
