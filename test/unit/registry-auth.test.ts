import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  authKeyOfImage,
  DOCKER_HUB_AUTH_KEY,
  encodeRegistryAuth,
  fileAuthFor,
  helperAnswerToAuth,
  helperFor,
  hostOfAuthKey,
  parseDockerConfig,
} from '../../src/core/registry-auth.js';
import { dockerConfigAuth, runCredentialHelper } from '../../src/adapters/docker-credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const decode = (h: string) => JSON.parse(Buffer.from(h.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));

test('the key of an image: Docker Hub for bare and user images, else the registry host', () => {
  assert.equal(authKeyOfImage('nginx'), DOCKER_HUB_AUTH_KEY);
  assert.equal(authKeyOfImage('nginx:1.25'), DOCKER_HUB_AUTH_KEY);
  assert.equal(authKeyOfImage('coopcloud/abra:latest@sha256:abc'), DOCKER_HUB_AUTH_KEY);
  assert.equal(authKeyOfImage('docker.io/library/nginx'), DOCKER_HUB_AUTH_KEY);
  assert.equal(authKeyOfImage('index.docker.io/foo/bar'), DOCKER_HUB_AUTH_KEY);
  assert.equal(authKeyOfImage('ghcr.io/org/app:2'), 'ghcr.io');
  assert.equal(authKeyOfImage('127.0.0.1:5001/kite-test/private:1.0'), '127.0.0.1:5001');
  assert.equal(authKeyOfImage('localhost/app'), 'localhost');
});

test('hostOfAuthKey strips a scheme and a path', () => {
  assert.equal(hostOfAuthKey('https://ghcr.io/v1/'), 'ghcr.io');
  assert.equal(hostOfAuthKey('http://127.0.0.1:5001'), '127.0.0.1:5001');
  assert.equal(hostOfAuthKey('registry.example.org/v2'), 'registry.example.org');
});

test('config.json: auth is base64 user:password; a URL key matches its host; the Hub key is exact', () => {
  const c = parseDockerConfig(
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
        'https://ghcr.io/v1/': { auth: b64('gh:tok\0') },
        'quay.io': { identitytoken: 'idt' },
      },
      credHelpers: { 'gcr.io': 'gcloud' },
    }),
  );
  assert.deepEqual(fileAuthFor(c, DOCKER_HUB_AUTH_KEY), { serveraddress: DOCKER_HUB_AUTH_KEY, username: 'hubuser', password: 'hub:pass' });
  assert.deepEqual(fileAuthFor(c, 'ghcr.io'), { serveraddress: 'https://ghcr.io/v1/', username: 'gh', password: 'tok' });
  assert.equal(fileAuthFor(c, 'quay.io')?.identitytoken, 'idt');
  assert.equal(fileAuthFor(c, 'example.org'), undefined);
  assert.equal(helperFor(c, 'gcr.io'), 'gcloud');
  assert.equal(helperFor(c, 'ghcr.io'), undefined);
  assert.equal(helperFor(parseDockerConfig('{"credsStore":"pass"}'), 'ghcr.io'), 'pass');
});

test('a broken config.json names the file and never the credential', () => {
  assert.throws(() => parseDockerConfig('{', '/x/config.json'), /\/x\/config\.json is not valid JSON/);
  assert.throws(
    () => parseDockerConfig(JSON.stringify({ auths: { 'r.io': { auth: b64('no-colon-secret') } } }), 'c.json'),
    (e: Error) => /c\.json: the auth of r\.io/.test(e.message) && !e.message.includes('no-colon-secret'),
  );
  assert.deepEqual(parseDockerConfig('').auths, {});
});

test('a helper answer: <token> is an identity token; empty means none', () => {
  assert.deepEqual(helperAnswerToAuth('{"ServerURL":"r.io","Username":"u","Secret":"s"}', 'r.io'), { username: 'u', password: 's', serveraddress: 'r.io' });
  assert.deepEqual(helperAnswerToAuth('{"Username":"<token>","Secret":"t"}', 'r.io'), { identitytoken: 't', serveraddress: 'r.io' });
  assert.equal(helperAnswerToAuth('{"Username":"","Secret":""}', 'r.io'), undefined);
  assert.throws(() => helperAnswerToAuth('nope', 'r.io'), /did not answer with JSON/);
});

test('X-Registry-Auth is base64url JSON with the Engine API field names', () => {
  const h = encodeRegistryAuth({ username: 'u', password: 'p>?~~', serveraddress: 'r.io' });
  assert.doesNotMatch(h, /[+/]/);
  assert.deepEqual(decode(h), { username: 'u', password: 'p>?~~', serveraddress: 'r.io' });
  assert.deepEqual(decode(encodeRegistryAuth({ identitytoken: 'tok', serveraddress: 'r.io' })), { serveraddress: 'r.io', identitytoken: 'tok' });
});

test('dockerConfigAuth: file credentials, helpers per registry, nothing for unknown registries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kite-dcfg-'));
  try {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { '127.0.0.1:5001': { auth: b64('kite:s3cret') } }, credHelpers: { 'ghcr.io': 'fake' } }),
    );
    const asked: string[] = [];
    const source = dockerConfigAuth({
      dir,
      helper: async (helper, key) => {
        asked.push(`${helper} ${key}`);
        return { username: '<from-helper>', password: 'x' };
      },
    });
    assert.deepEqual(decode((await source('127.0.0.1:5001/kite-test/private:1.0'))!), { username: 'kite', password: 's3cret', serveraddress: '127.0.0.1:5001' });
    assert.equal(decode((await source('ghcr.io/a/b'))!).username, '<from-helper>');
    await source('ghcr.io/a/c');
    assert.deepEqual(asked, ['fake ghcr.io'], 'one helper call per registry');
    assert.equal(await source('nginx'), undefined);
    assert.equal(await dockerConfigAuth({ dir: join(dir, 'missing') })('nginx'), undefined, 'no config.json: no credentials');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runCredentialHelper speaks the helper protocol and keeps its output out of errors', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'kite-helper-'));
  const oldPath = process.env.PATH;
  try {
    mkdirSync(bin, { recursive: true });
    const script = join(bin, 'docker-credential-kitefake');
    writeFileSync(
      script,
      `#!/bin/sh
read server
case "$server" in
  r.io) echo '{"ServerURL":"r.io","Username":"<token>","Secret":"idtok"}';;
  none.io) echo 'credentials not found in native keychain'; exit 1;;
  *) echo "leaked-secret for $server"; exit 3;;
esac
`,
    );
    chmodSync(script, 0o755);
    process.env.PATH = `${bin}:${oldPath}`;
    assert.deepEqual(await runCredentialHelper('kitefake', 'r.io'), { identitytoken: 'idtok', serveraddress: 'r.io' });
    assert.equal(await runCredentialHelper('kitefake', 'none.io'), undefined);
    await assert.rejects(runCredentialHelper('kitefake', 'bad.io'), (e: Error) => /exit code 3/.test(e.message) && !e.message.includes('leaked-secret'));
    await assert.rejects(runCredentialHelper('kite-missing-helper', 'r.io'), /docker-credential-kite-missing-helper is not installed/);
  } finally {
    process.env.PATH = oldPath;
    rmSync(bin, { recursive: true, force: true });
  }
});
