import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stackName, MAX_SANITISED_APP_NAME_LENGTH } from '../../src/core/stack-name.js';
import { composeFilesFor } from '../../src/core/compose-files.js';

test('stackName replaces every dot and truncates to 45 characters', () => {
  assert.equal(stackName('cloud.example.com'), 'cloud_example_com');
  assert.equal(stackName('example.swarm-test.autonomic.zone'), 'example_swarm-test_autonomic_zone');
  const long = 'a-really-long-subdomain-name.for-an-app.example.coop.cloud';
  assert.equal(stackName(long).length, MAX_SANITISED_APP_NAME_LENGTH);
  assert.equal(stackName(long), 'a-really-long-subdomain-name_for-an-app_examp');
});

test('composeFilesFor reads COMPOSE_FILE, default compose.yml', () => {
  assert.deepEqual(composeFilesFor({}), ['compose.yml']);
  assert.deepEqual(composeFilesFor({ COMPOSE_FILE: '' }), ['compose.yml']);
  assert.deepEqual(composeFilesFor({ COMPOSE_FILE: 'compose.yml:compose.smtp.yml' }), ['compose.yml', 'compose.smtp.yml']);
  assert.deepEqual(composeFilesFor({ COMPOSE_FILE: 'compose.yml::postgres/compose.tune.yml:' }), ['compose.yml', 'postgres/compose.tune.yml']);
});

test('composeFilesFor falls back to docker-compose.yml for old recipes', () => {
  assert.deepEqual(composeFilesFor({}, ['docker-compose.yml', 'README.md']), ['docker-compose.yml']);
  assert.deepEqual(composeFilesFor({}, ['compose.yml', 'docker-compose.yml']), ['compose.yml']);
  assert.deepEqual(composeFilesFor({ COMPOSE_FILE: 'compose.yml' }, ['docker-compose.yml']), ['compose.yml']);
});
