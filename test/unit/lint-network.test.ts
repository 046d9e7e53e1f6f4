import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOOD_COMPOSE, failed, recipe, rule } from './helpers/lint-recipe.js';

test('K002: published ports warn, per service and port, host mode included, naming the overlay', () => {
  const base = GOOD_COMPOSE.replace('    healthcheck:', '    ports:\n      - "8080:80"\n    healthcheck:');
  const overlay = 'services:\n  app:\n    ports:\n      - target: 2222\n        published: 2222\n        mode: host\n';
  const r = rule(recipe({}, { 'compose.yml': base, 'compose.ssh.yml': overlay }), 'K002');
  assert.ok(failed(r));
  assert.equal(r.level, 'warn');
  assert.deepEqual(r.details, ['app: port 8080 → 80/tcp (ingress mode) in compose.yml', 'app: port 2222 → 2222/tcp (host mode) in compose.ssh.yml']);
  assert.ok(rule(recipe(), 'K002').satisfied);
});

test('K002: a target-only port is published on a random host port', () => {
  const r = rule(recipe({}, { 'compose.yml': GOOD_COMPOSE.replace('    healthcheck:', '    ports:\n      - "53/udp"\n    healthcheck:') }), 'K002');
  assert.deepEqual(r.details, ['app: container port 53/udp on a random host port (ingress mode) in compose.yml']);
});

test('K003: a service Traefik does not route, on an external network, without a stack alias', () => {
  const db = (networks: string) => GOOD_COMPOSE.replace('networks:\n  proxy:', `  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n    networks:\n${networks}\nnetworks:\n  internal:\n  proxy:`);
  const bare = rule(recipe({}, { 'compose.yml': db('      - proxy\n      - internal') }), 'K003');
  assert.ok(failed(bare));
  assert.deepEqual(bare.details, ['db is on the external network proxy as "db": other stacks can reach it, and mistake it for theirs']);
  const aliased = rule(recipe({}, { 'compose.yml': db('      proxy:\n        aliases:\n          - ${STACK_NAME}_db') }), 'K003');
  assert.ok(aliased.satisfied);
  assert.ok(rule(recipe({}, { 'compose.yml': db('      - internal') }), 'K003').satisfied);
  // the routed app on proxy is fine
  assert.ok(rule(recipe(), 'K003').satisfied);
});
