// What Swarm stores for a spec kite sent (its defaults filled in) is the
// same spec; any real change is not, and doubt counts as a change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameServiceSpec } from '../../src/core/spec-equal.js';
import type { ServiceSpec } from '../../src/core/convert/swarm-types.js';

const sent = (): ServiceSpec => ({
  Name: 's_app',
  Labels: { 'com.docker.stack.namespace': 's' },
  TaskTemplate: {
    ContainerSpec: { Image: 'web:1@sha256:abc', Labels: {}, Privileges: {}, Env: ['A=1'] },
    RestartPolicy: { Condition: 'any', Delay: 1e9 },
    Networks: [{ Target: 'net1', Aliases: ['app'] }],
    ForceUpdate: 0,
  },
  Mode: { Replicated: { Replicas: 1 } },
  UpdateConfig: { Parallelism: 1, Monitor: 2e9 },
  EndpointSpec: {},
});

// as read back from a 20.10 daemon after kite created it
const stored = (): ServiceSpec =>
  ({
    ...sent(),
    TaskTemplate: {
      ...sent().TaskTemplate,
      ContainerSpec: { ...sent().TaskTemplate.ContainerSpec, Privileges: { CredentialSpec: null, SELinuxContext: null }, Isolation: 'default' },
      RestartPolicy: { Condition: 'any', Delay: 1e9, MaxAttempts: 0 },
      Runtime: 'container',
    },
    UpdateConfig: { Parallelism: 1, Monitor: 2e9, FailureAction: 'pause', MaxFailureRatio: 0, Order: 'stop-first' },
    EndpointSpec: { Mode: 'vip' },
  }) as ServiceSpec;

test("Swarm's filled-in defaults are not a change", () => {
  assert.equal(sameServiceSpec(sent(), stored()), true);
});

test('a changed env value, image, label, replica count or removed field is a change', () => {
  const changes: ((s: ServiceSpec) => void)[] = [
    (s) => (s.TaskTemplate.ContainerSpec.Env = ['A=2']),
    (s) => (s.TaskTemplate.ContainerSpec.Image = 'web:2@sha256:def'),
    (s) => (s.Labels = { ...s.Labels, extra: 'x' }),
    (s) => (s.Mode = { Replicated: { Replicas: 2 } }),
    (s) => delete s.TaskTemplate.ContainerSpec.Env,
    (s) => (s.TaskTemplate.ForceUpdate = 1),
  ];
  for (const change of changes) {
    const s = sent();
    change(s);
    assert.equal(sameServiceSpec(s, stored()), false, change.toString());
  }
});

test('a field the server has with a non-default value that kite no longer sends is a change', () => {
  const st = stored();
  st.TaskTemplate.ContainerSpec.User = 'www-data';
  assert.equal(sameServiceSpec(sent(), st), false);
  const st2 = stored();
  (st2.UpdateConfig as { Order: string }).Order = 'start-first';
  assert.equal(sameServiceSpec(sent(), st2), false);
});
