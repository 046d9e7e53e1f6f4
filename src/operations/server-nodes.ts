// A server is a swarm: its nodes listed, labelled, drained and activated,
// joined and removed, all through the Engine API of the server's manager
// (and, to join or leave, of the node itself over its own connection).

import type { DockerPort, SwarmNode } from '../ports/docker.js';
import type { Clock } from '../ports/clock.js';
import { applyLabelEdit, findNode, nodeHostname, nodeRows, taskMoves, tasksLeftOn, type LabelEdit, type NodeRow, type TaskMove } from '../core/nodes.js';
import { ConflictError, DockerApiError, UsageError } from '../core/errors.js';
import { eligibleNodes, pinnedNodeId } from '../core/placement.js';
import { pinInPlace, type PinnedInPlace } from './pins.js';

export async function listNodes(docker: DockerPort): Promise<NodeRow[]> {
  const [nodes, tasks] = await Promise.all([managerCall(docker, () => docker.listNodes()), docker.listTasks({ 'desired-state': ['running'] })]);
  return nodeRows(nodes, tasks);
}

/** the node API answers on managers only: say so in the operator's words */
async function managerCall<T>(docker: DockerPort, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof DockerApiError && /not a swarm manager|This node is not a swarm manager/i.test(e.message)) {
      throw new UsageError(`${docker.server} is not a swarm manager: nodes are listed and changed through a manager`, 'add a manager of the swarm as the server (`kite server add <manager>`)');
    }
    throw e;
  }
}

async function resolve(docker: DockerPort, ref: string): Promise<SwarmNode> {
  return findNode(await managerCall(docker, () => docker.listNodes()), ref, docker.server);
}

export interface LabelResult {
  node: string;
  labels: Record<string, string>;
}

/**
 * Change a node's spec from its current one; when another operator changed
 * the node in between (Swarm: "update out of sequence"), read it again and
 * apply the change to that, so neither change is lost nor an error.
 */
async function updateNodeSpec(docker: DockerPort, ref: string, change: (spec: SwarmNode['Spec']) => SwarmNode['Spec'] | undefined): Promise<SwarmNode> {
  for (let attempt = 0; ; attempt++) {
    const node = await resolve(docker, ref);
    const spec = change(node.Spec);
    if (!spec) return node;
    try {
      await docker.updateNode(node.ID, node.Version.Index, spec);
      return { ...node, Spec: spec };
    } catch (e) {
      if (attempt < 5 && e instanceof DockerApiError && /out of sequence/.test(e.message)) continue;
      throw e;
    }
  }
}

export async function labelNode(docker: DockerPort, ref: string, edit: LabelEdit): Promise<LabelResult> {
  const node = await updateNodeSpec(docker, ref, (spec) => ({ ...spec, Labels: applyLabelEdit(spec.Labels, edit) }));
  return { node: nodeHostname(node), labels: node.Spec.Labels ?? {} };
}

export type DrainEvent =
  | { type: 'availability'; node: string; availability: string; changed: boolean }
  | { type: 'waiting'; node: string; tasksLeft: number }
  | { type: 'moved'; node: string; moves: TaskMove[] };

export interface DrainOptions {
  /** how long to wait for the node's tasks to go elsewhere (ms) */
  timeoutMs: number;
  pollMs?: number;
}

/**
 * Drain a node and wait until the tasks that ran there were rescheduled (or,
 * for global services, stopped), then say where each went.
 */
export async function* drainNode(ports: { docker: DockerPort; clock: Clock }, ref: string, opts: DrainOptions): AsyncGenerator<DrainEvent> {
  const { docker, clock } = ports;
  const nodes = await managerCall(docker, () => docker.listNodes());
  const node = findNode(nodes, ref, docker.server);
  const hostname = nodeHostname(node);
  const changed = node.Spec.Availability !== 'drain';
  // on a one-node server (or with every other node drained or down) a drain is no move: it stops every app
  if (changed && !nodes.some((n) => n.ID !== node.ID && n.Status.State === 'ready' && n.Spec.Availability === 'active')) {
    throw new UsageError(
      `${hostname} is the only node that can take tasks: draining it would stop every service of the server, with nowhere to move them`,
      `join or activate another node first (\`kite server nodes ${docker.server}\`); to stop the apps, undeploy them`,
    );
  }
  const before = await docker.listTasks({ node: [node.ID], 'desired-state': ['running'] });
  if (changed) await updateNodeSpec(docker, node.ID, (spec) => ({ ...spec, Availability: 'drain' }));
  yield { type: 'availability', node: hostname, availability: 'drain', changed };
  const deadline = clock.now() + opts.timeoutMs;
  const poll = opts.pollMs ?? 1000;
  let lastLeft = -1;
  for (;;) {
    const tasks = await docker.listTasks({ 'desired-state': ['running'] });
    const left = tasksLeftOn(tasks, node.ID).length;
    const moves = await describeMoves(docker, before, tasks, node.ID);
    const settled = left === 0 && moves.every((m) => m.state === 'running' || m.slot === undefined || m.waits);
    if (settled) {
      yield { type: 'moved', node: hostname, moves };
      return;
    }
    if (clock.now() >= deadline) {
      yield { type: 'moved', node: hostname, moves };
      throw new ConflictError(`${hostname} is drained, but its tasks did not all run elsewhere within ${Math.round(opts.timeoutMs / 1000)}s`, 'see where they are with `kite app ps <domain>`, or wait longer with --timeout');
    }
    if (left !== lastLeft) yield { type: 'waiting', node: hostname, tasksLeft: left };
    lastLeft = left;
    await clock.sleep(poll);
  }
}

async function describeMoves(docker: DockerPort, before: Parameters<typeof taskMoves>[0], after: Parameters<typeof taskMoves>[1], nodeId: string): Promise<TaskMove[]> {
  const [nodes, services] = await Promise.all([docker.listNodes(), docker.listServices()]);
  // a service no other node can take (pinned here, or its constraints match no other) waits for this one
  const nowhereElse = new Set(services.filter((s) => eligibleNodes(s.Spec, nodes.filter((n) => n.ID !== nodeId)).length === 0).map((s) => s.ID));
  return taskMoves(before, after, nodeId, new Map(nodes.map((n) => [n.ID, nodeHostname(n)])), new Map(services.map((s) => [s.ID, s.Spec.Name])), nowhereElse);
}

export async function activateNode(docker: DockerPort, ref: string): Promise<{ node: string; changed: boolean }> {
  let changed = false;
  const node = await updateNodeSpec(docker, ref, (spec) => {
    changed = spec.Availability !== 'active';
    return changed ? { ...spec, Availability: 'active' } : undefined;
  });
  return { node: nodeHostname(node), changed };
}

export interface JoinResult {
  node: string;
  id: string;
  role: 'worker' | 'manager';
  managerAddr: string;
  /** stateful services pinned where they run, so the new node does not start them with empty volumes */
  pinned: PinnedInPlace[];
}

/**
 * Turn the daemon behind `joiner` into a node of the manager's swarm: the
 * join token from the manager, `swarm join` on the new node through its own
 * connection, then wait until the manager sees it ready.
 */
export async function joinNode(ports: { manager: DockerPort; joiner: DockerPort; clock: Clock }, opts: { manager?: boolean; advertiseAddr?: string; timeoutMs: number }): Promise<JoinResult> {
  const { manager, joiner, clock } = ports;
  const [swarm, info, joinerInfo] = await Promise.all([managerCall(manager, () => manager.inspectSwarm()), manager.info(), joiner.info()]);
  if (joinerInfo.Swarm.LocalNodeState === 'active' || joinerInfo.Swarm.LocalNodeState === 'pending') {
    const already = joinerInfo.Swarm.NodeID && (await manager.listNodes()).some((n) => n.ID === joinerInfo.Swarm.NodeID);
    throw new ConflictError(
      already ? `${joiner.server} (${joinerInfo.Name}) is already a node of this swarm` : `${joiner.server} (${joinerInfo.Name}) is already part of another swarm`,
      already ? 'see it with `kite server nodes ' + manager.server + '`' : `make it leave that swarm first (docker swarm leave on ${joiner.server})`,
    );
  }
  const self = info.Swarm.NodeID;
  const managerAddr = info.Swarm.RemoteManagers?.find((m) => m.NodeID === self)?.Addr ?? (info.Swarm.NodeAddr ? `${info.Swarm.NodeAddr}:2377` : undefined);
  if (!managerAddr) throw new DockerApiError(`${manager.server} did not say on which address its swarm listens`);
  const role = opts.manager ? 'manager' : 'worker';
  await joiner.joinSwarm({ ListenAddr: '0.0.0.0:2377', ...(opts.advertiseAddr ? { AdvertiseAddr: opts.advertiseAddr } : {}), RemoteAddrs: [managerAddr], JoinToken: opts.manager ? swarm.JoinTokens.Manager : swarm.JoinTokens.Worker });
  const joined = await joiner.info();
  const id = joined.Swarm.NodeID ?? '';
  const deadline = clock.now() + opts.timeoutMs;
  for (;;) {
    const node = (await manager.listNodes()).find((n) => n.ID === id);
    if (node?.Status.State === 'ready') return { node: nodeHostname(node), id, role, managerAddr, pinned: await pinInPlace(manager) };
    if (clock.now() >= deadline) throw new ConflictError(`${joiner.server} joined, but the manager does not see it ready after ${Math.round(opts.timeoutMs / 1000)}s`, `check it with \`kite server nodes ${manager.server}\``);
    await clock.sleep(500);
  }
}

export type RemoveEvent = DrainEvent | { type: 'left'; node: string } | { type: 'removed'; node: string };

/**
 * Remove a node safely: drain it (its tasks go elsewhere first), make it
 * leave the swarm through its own connection when one is given, then remove
 * it from the manager's list. A node that is still up and cannot be told to
 * leave is refused: removing it by force would leave a daemon that thinks it
 * is still in the swarm.
 */
export async function* removeNode(ports: { docker: DockerPort; clock: Clock; node?: DockerPort }, ref: string, opts: DrainOptions): AsyncGenerator<RemoveEvent> {
  const { docker, clock } = ports;
  const node = await resolve(docker, ref);
  const hostname = nodeHostname(node);
  if (node.Spec.Role === 'manager') throw new UsageError(`${hostname} is a manager: demote it first (docker node demote ${hostname}), then remove it`);
  if (node.Status.State !== 'down' && !ports.node) {
    throw new UsageError(`${hostname} is ${node.Status.State}: kite removes a running node through its own SSH connection`, `kite server node remove ${docker.server} ${ref} --via <ssh-host of ${hostname}>`);
  }
  // data pinned to the node (kite's pin records, or a service constrained to it) would be lost with it
  const [services, pins] = await Promise.all([docker.listServices(), docker.listConfigs({ label: [`kite.pin.node=${node.ID}`] })]);
  const held = [
    ...services.filter((s) => pinnedNodeId(s.Spec.TaskTemplate.Placement?.Constraints ?? []) === node.ID || (s.Spec.TaskTemplate.Placement?.Constraints ?? []).some((c) => c.replace(/\s/g, '') === `node.hostname==${hostname}`)).map((s) => s.Spec.Name),
    ...pins.map((c) => `${c.Spec.Labels['kite.pin']}_${c.Spec.Labels['kite.pin.service']}`),
  ];
  if (held.length > 0) {
    throw new UsageError(`${hostname} holds the volumes of ${[...new Set(held)].sort().join(', ')} (pinned there): removing it would leave their data behind`, 'move that data to another node first (or remove those apps), then remove the node');
  }
  if (ports.node) {
    const info = await ports.node.info();
    if (info.Swarm.NodeID !== node.ID) throw new UsageError(`${ports.node.server} is not ${hostname} (it is ${info.Name}, node ${info.Swarm.NodeID || 'outside any swarm'})`);
  }
  yield* drainNode({ docker, clock }, node.ID, opts);
  if (ports.node) {
    await ports.node.leaveSwarm(false);
    yield { type: 'left', node: hostname };
    // the manager removes a node only once it is down
    const deadline = clock.now() + opts.timeoutMs;
    while ((await docker.inspectNode(node.ID)).Status.State !== 'down') {
      if (clock.now() >= deadline) throw new ConflictError(`${hostname} left, but the manager still sees it up`, `remove it later with \`kite server node remove ${docker.server} ${node.ID}\``);
      await clock.sleep(500);
    }
  }
  await docker.removeNode(node.ID, false);
  yield { type: 'removed', node: hostname };
}
