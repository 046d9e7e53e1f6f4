import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestWarning, hasDigest, imageToQuery, pinnedImage, placementPlatforms } from '../../src/core/image-pin.js';
import { keepServerState } from '../../src/operations/deploy.js';
import type { ServiceSpec } from '../../src/core/convert/swarm-types.js';

const D = 'sha256:' + 'a'.repeat(64);

test('the registry is asked for the tag, :latest when there is none', () => {
  assert.equal(imageToQuery('nginx'), 'nginx:latest');
  assert.equal(imageToQuery('nginx:1.27'), 'nginx:1.27');
  assert.equal(imageToQuery('127.0.0.1:5000/kite-test/web'), '127.0.0.1:5000/kite-test/web:latest');
  assert.equal(imageToQuery(`nginx@${D}`), `nginx@${D}`);
});

test('pinning appends the digest once; an image with a digest is left alone', () => {
  assert.equal(pinnedImage('nginx:1.27', D), `nginx:1.27@${D}`);
  assert.equal(pinnedImage('127.0.0.1:5000/a/b:1.0', D), `127.0.0.1:5000/a/b:1.0@${D}`);
  const other = `nginx:1.27@sha256:${'b'.repeat(64)}`;
  assert.equal(pinnedImage(other, D), other);
  assert.ok(hasDigest(other));
  assert.ok(!hasDigest('127.0.0.1:5000/a/b:1.0'));
});

test('manifest platforms become placement platforms; arm loses its architecture as in docker', () => {
  assert.deepEqual(placementPlatforms([{ architecture: 'amd64', os: 'linux' }, { architecture: 'arm', os: 'linux' }]), [
    { Architecture: 'amd64', OS: 'linux' },
    { Architecture: '', OS: 'linux' },
  ]);
  assert.deepEqual(placementPlatforms(null), []);
  assert.match(digestWarning('x:1'), /image x:1 could not be accessed on a registry to record its digest/);
});

const svc = (image: string, platforms?: { Architecture: string; OS: string }[], force?: number): ServiceSpec => ({
  Name: 's',
  Labels: {},
  Mode: { Replicated: { Replicas: 1 } },
  TaskTemplate: { ContainerSpec: { Image: image }, ...(platforms ? { Placement: { Platforms: platforms } } : {}), ...(force ? { ForceUpdate: force } : {}) },
});

test('update: a bare tag (registry not reached) keeps the running digest and its platforms; a new pin replaces them', () => {
  const amd64 = [{ Architecture: 'amd64', OS: 'linux' }];
  const current = svc(`nginx:1.27@${D}`, amd64, 3);
  const kept = keepServerState(svc('nginx:1.27'), current);
  assert.equal(kept.TaskTemplate.ContainerSpec?.Image, `nginx:1.27@${D}`);
  assert.deepEqual(kept.TaskTemplate.Placement?.Platforms, amd64);
  assert.equal(kept.TaskTemplate.ForceUpdate, 3);

  const moved = `nginx:1.27@sha256:${'c'.repeat(64)}`;
  const next = keepServerState(svc(moved, amd64), current);
  assert.equal(next.TaskTemplate.ContainerSpec?.Image, moved);

  const changedTag = keepServerState(svc('nginx:1.28'), current);
  assert.equal(changedTag.TaskTemplate.ContainerSpec?.Image, 'nginx:1.28');
  assert.equal(changedTag.TaskTemplate.Placement, undefined, 'a new tag does not inherit the old platforms');
});
