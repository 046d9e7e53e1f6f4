// A private image, against the rig's registry that wants a login
// (127.0.0.1:5001, htpasswd): with the operator's docker config.json holding
// the login, deploy pins the image to its digest (the daemon asks the registry
// with X-Registry-Auth) and the node pulls it with the credentials sent along
// with the service; without them, docker's "could not be accessed" warning.
// The credentials appear in no output, --debug included.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, Sandbox, SERVER, docker, purgeStack } from './harness.js';
import { encodeRegistryAuth } from '../../src/core/registry-auth.js';

const DOMAIN = 'privreg.kite.test';
const STACK = 'privreg_kite_test';
const PORT = '18591';
const REGISTRY = '127.0.0.1:5001';
const IMAGE = `${REGISTRY}/kite-test/private:1.0`;
const CONFIG_DIR = join(ROOT, '.rig/registry-auth/docker'); // written by scripts/rig.sh up
const sb = new Sandbox();
const noCredentials = mkdtempSync(join(tmpdir(), 'kite-nocreds-'));
const compose = () => join(sb.abraDir, 'recipes', 'kite-test-app', 'compose.yml');

function login(): { user: string; password: string; header: string } {
  const cfg = JSON.parse(readFileSync(join(CONFIG_DIR, 'config.json'), 'utf8'));
  const [user, password] = Buffer.from(cfg.auths[REGISTRY].auth, 'base64').toString().split(':');
  return { user, password, header: cfg.auths[REGISTRY].auth };
}

async function registryDigest(): Promise<string> {
  const { user, password } = login();
  const res = await fetch(`http://${REGISTRY}/v2/kite-test/private/manifests/1.0`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json', Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  const digest = res.headers.get('docker-content-digest');
  assert.ok(digest?.startsWith('sha256:'), `the registry names the digest (HTTP ${res.status})`);
  return digest as string;
}

/** the node must pull the image: forget every local reference to it */
function forgetLocalImage(): void {
  const refs = docker('image', 'ls', '--digests', '--format', '{{.Repository}}:{{.Tag}} {{.Repository}}@{{.Digest}}', `${REGISTRY}/kite-test/private`)
    .split(/\s+/)
    .filter((r) => r && !r.endsWith(':<none>') && !r.endsWith('@<none>'));
  for (const r of refs) {
    try {
      docker('image', 'rm', r);
    } catch {
      /* already gone */
    }
  }
}

function image(service: string): string {
  return docker('service', 'inspect', `${STACK}_${service}`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}').trim();
}

before(async () => {
  purgeStack(STACK);
  forgetLocalImage();
  sb.addRecipe('kite-test-app');
  writeFileSync(compose(), readFileSync(compose(), 'utf8').replace(/image: kite-test\/web:\S+/g, `image: ${IMAGE}`));
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const r = await sb.kite(['app', 'new', 'kite-test-app', '-s', SERVER, '-D', DOMAIN, '--secrets']);
  assert.equal(r.code, 0, r.stderr);
  sb.setEnv(DOMAIN, 'APP_PORT', PORT);
});
after(() => {
  purgeStack(STACK);
  forgetLocalImage();
  rmSync(noCredentials, { recursive: true, force: true });
});

test('with the login in DOCKER_CONFIG, a private image is pinned to its digest and pulled by the node', async () => {
  const digest = await registryDigest();
  // DEBUG=*: a library's own request log (docker-modem prints headers) must not show them either
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n', '--debug'], { DOCKER_CONFIG: CONFIG_DIR, DEBUG: '*' });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /could not be accessed on a registry/);
  for (const service of ['app', 'db', 'worker']) assert.equal(image(service), `${IMAGE}@${digest}`, service);
  const running = docker('service', 'ps', `${STACK}_app`, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}');
  assert.match(running, /^Running/m, 'the node pulled the private image and runs it');
  const { user, password, header } = login();
  const sent = encodeRegistryAuth({ username: user, password, serveraddress: REGISTRY });
  for (const secret of [password, header, sent]) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'credentials are never printed, not even with --debug or DEBUG=*');
  }
});

test('without credentials the digest cannot be looked up: docker\'s warning, the tag kept', async () => {
  const r = await sb.kite(['app', 'deploy', DOMAIN, '-n', '--force', '-c'], { DOCKER_CONFIG: noCredentials });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /image 127\.0\.0\.1:5001\/kite-test\/private:1\.0 could not be accessed on a registry to record its digest/);
});
