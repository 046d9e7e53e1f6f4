// A swarm's nodes as an operator sees them: one row per node, label edits
// (`key=value`, `key-`), finding a node by hostname or ID, and where tasks
// moved when a node was drained. Pure: the Engine's node and task JSON in,
// plain data out.

import type { SwarmNode, Task } from './engine-types.js';
import { UsageError, NotFoundError } from './errors.js';
import { byText } from './text-order.js';

export interface NodeRow {
  id: string;
  hostname: string;
  role: string;
  /** Leader, Reachable, Unreachable; empty for workers */
  managerStatus: string;
  availability: string;
  state: string;
  labels: Record<string, string>;
  engineVersion: string;
  address: string;
  /** running tasks on the node */
  tasks: number;
  cpus: number;
  memoryBytes: number;
  /** when the node last changed state (for a down node: since when it is down) */
  since?: string;
}

export function nodeHostname(n: SwarmNode): string {
  return n.Description?.Hostname ?? n.Spec.Name ?? n.ID;
}

export function nodeRow(n: SwarmNode, tasks: Task[]): NodeRow {
  const ms = n.ManagerStatus;
  return {
    id: n.ID,
    hostname: nodeHostname(n),
    role: n.Spec.Role,
    managerStatus: ms ? (ms.Leader ? 'Leader' : capitalise(ms.Reachability ?? '')) : '',
    availability: n.Spec.Availability,
    state: n.Status.State,
    labels: { ...(n.Spec.Labels ?? {}) },
    engineVersion: n.Description?.Engine?.EngineVersion ?? '',
    address: n.Status.Addr ?? ms?.Addr?.replace(/:\d+$/, '') ?? '',
    tasks: tasks.filter((t) => t.NodeID === n.ID && t.Status.State === 'running' && t.DesiredState === 'running').length,
    cpus: (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9,
    memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
    since: n.UpdatedAt,
  };
}

export function nodeRows(nodes: SwarmNode[], tasks: Task[]): NodeRow[] {
  return nodes.map((n) => nodeRow(n, tasks)).sort((a, b) => byText(a.hostname, b.hostname));
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** `a=1, b` for a table cell */
export function formatLabels(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => (labels[k] === '' ? k : `${k}=${labels[k]}`))
    .join(', ');
}

export interface LabelEdit {
  set: Record<string, string>;
  remove: string[];
}

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
// a label kite sets must be one a placement constraint can name (`node.labels.<key>==…`): Swarm refuses `/` there
const SETTABLE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** `key=value` sets, `key-` removes (as `kubectl label`); anything else is refused, nothing applied */
export function parseLabelEdits(args: string[]): LabelEdit {
  if (args.length === 0) throw new UsageError('no labels given: pass key=value to set a label, key- to remove one', 'kite server node label <server> <node> database=true');
  const edit: LabelEdit = { set: {}, remove: [] };
  for (const a of args) {
    const eq = a.indexOf('=');
    const key = eq >= 0 ? a.slice(0, eq) : a.endsWith('-') ? a.slice(0, -1) : undefined;
    if (key === undefined) throw new UsageError(`label "${a}": write key=value to set it or key- to remove it`);
    if (!LABEL_KEY.test(key)) throw new UsageError(`label "${a}": the key "${key}" may hold letters, digits and . _ / - (starting with a letter or digit)`);
    if (eq >= 0 && !SETTABLE_KEY.test(key)) throw new UsageError(`label "${a}": the key "${key}" may hold letters, digits and . _ - only, so that a placement constraint (node.labels.${key}==…) can name it`);
    if (eq >= 0 && CONTROL.test(a.slice(eq + 1))) throw new UsageError(`label "${key}": the value holds a control character (an escape sequence, a newline): write it as plain text`);
    if (key in edit.set || edit.remove.includes(key)) throw new UsageError(`label "${key}" is given twice`);
    if (eq >= 0) edit.set[key] = a.slice(eq + 1);
    else edit.remove.push(key);
  }
  return edit;
}

export function applyLabelEdit(labels: Record<string, string> | null | undefined, edit: LabelEdit): Record<string, string> {
  const out = { ...(labels ?? {}) };
  for (const k of edit.remove) delete out[k];
  Object.assign(out, edit.set);
  return out;
}

/** a node by ID, ID prefix or hostname; an unknown or ambiguous name is refused */
export function findNode(nodes: SwarmNode[], ref: string, server: string): SwarmNode {
  const exact = nodes.filter((n) => n.ID === ref || nodeHostname(n) === ref || n.Spec.Name === ref);
  if (exact.length === 1) return exact[0];
  const prefix = nodes.filter((n) => n.ID.startsWith(ref));
  if (exact.length === 0 && prefix.length === 1) return prefix[0];
  const names = nodes.map(nodeHostname).sort().join(', ');
  if (exact.length > 1 || prefix.length > 1) throw new UsageError(`"${ref}" names more than one node of ${server}: use the node ID`, `nodes: ${names}`);
  throw new NotFoundError(`no node "${ref}" in the swarm of ${server}`, `nodes: ${names}`);
}

export interface TaskMove {
  service: string;
  slot?: number;
  /** hostname of the node the task now runs on; undefined: not running anywhere yet */
  to?: string;
  state: string;
  /** it can run nowhere else (pinned to this node, or no other node matches): it waits for the node */
  waits?: boolean;
}

/**
 * Where the tasks that ran on a drained node went: for each of them (service,
 * slot), the task of the same service and slot (or for global services, none)
 * that now runs elsewhere.
 */
export function taskMoves(before: Task[], after: Task[], nodeId: string, hostnames: Map<string, string>, serviceNames: Map<string, string>, nowhereElse: Set<string> = new Set()): TaskMove[] {
  const moved = before.filter((t) => t.NodeID === nodeId && t.DesiredState === 'running');
  return moved.map((t) => {
    const service = serviceNames.get(t.ServiceID) ?? t.ServiceID;
    if (!t.Slot) return { service, state: 'global: not moved (one task per node)' };
    if (nowhereElse.has(t.ServiceID)) return { service, slot: t.Slot, state: `waits: it can only run on ${hostnames.get(nodeId) ?? nodeId}`, waits: true };
    const next = after.find((a) => a.ServiceID === t.ServiceID && a.ID !== t.ID && a.DesiredState === 'running' && a.NodeID !== nodeId && (t.Slot === undefined || a.Slot === t.Slot));
    return { service, slot: t.Slot, to: next?.NodeID ? hostnames.get(next.NodeID) ?? next.NodeID : undefined, state: next?.Status.State ?? 'not scheduled' };
  });
}

/** tasks still meant to run on the node (drain is done when there are none left) */
export function tasksLeftOn(tasks: Task[], nodeId: string): Task[] {
  return tasks.filter((t) => t.NodeID === nodeId && t.DesiredState === 'running');
}
