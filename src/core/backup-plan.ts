// What a backup of an app holds, judged from backup-bot-two's labels on the
// *deployed* service specs (as the bot reads them, so a label changed by a
// redeploy counts at once): which services opt in, which of their volumes
// and which paths in them, the hooks, and the app's secrets. Pure: the specs
// come in, a plan goes out; the operations run it.
//
// Labels (on `deploy.labels`, i.e. the service spec):
//   backupbot.backup=true|false            any case; several services may carry it
//   backupbot.backup.path=/a,/b            older form: container paths, each on a volume
//   backupbot.backup.volumes.<vol>=false   leave that volume out
//   backupbot.backup.volumes.<vol>.path=x,y  only these paths of the volume
//   backupbot.backup.pre-hook / post-hook, backupbot.restore.pre-hook / post-hook

import type { ServiceSpec } from './convert/swarm-types.js';
import { byText } from './text-order.js';

export const BACKUP_LABEL = 'backupbot.backup';
const PATH_LABEL = 'backupbot.backup.path';
const VOLUMES_PREFIX = 'backupbot.backup.volumes.';

/** where restic sees a volume's data, as backup-bot-two lays it out */
export function volumeDataPath(stack: string, volume: string): string {
  return `/var/lib/docker/volumes/${stack}_${volume}/_data`;
}

/** where a secret's value sits in a snapshot: /secrets/<full swarm secret name> */
export const SECRETS_DIR = '/secrets';
/** kite's own files in a snapshot: the env file and meta.json (recipe, version, volumes) */
export const KITE_DIR = '/kite';

export interface BackupHooks {
  backupPre?: string;
  backupPost?: string;
  restorePre?: string;
  restorePost?: string;
}

export interface PlannedService {
  /** short name (`app`) */
  name: string;
  /** `<stack>_<name>` */
  fullName: string;
  hooks: BackupHooks;
}

export interface PlannedVolume {
  /** compose name, without the stack prefix */
  name: string;
  /** the Docker volume (`<stack>_<name>`) */
  source: string;
  /** paths relative to the volume root, without a leading slash; empty: the whole volume */
  paths: string[];
  /** the services (short names) whose label selected it */
  services: string[];
}

export interface PlannedSecret {
  /** the swarm secret's full name (`<stack>_<name>_<version>`) */
  name: string;
  id: string;
}

export interface BackupPlan {
  stack: string;
  services: PlannedService[];
  volumes: PlannedVolume[];
  secrets: PlannedSecret[];
  /** label values kite could not use (named, so the operator can fix the recipe) */
  warnings: string[];
}

/** `true` in any case is on; `false` (any case) is off; anything else is off with a warning. */
export function labelFlag(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return undefined;
}

function splitPaths(v: string): string[] {
  return v
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** `a/./b/` → `a/b`; `..` is refused (a path must stay inside its volume). Empty string: the root. */
export function normaliseRelative(p: string): string | undefined {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return undefined;
    parts.push(seg);
  }
  return parts.join('/');
}

export function shortVolumeName(stack: string, source: string): string {
  return source.startsWith(`${stack}_`) ? source.slice(stack.length + 1) : source;
}

/** merge path lists: a whole volume (empty list) wins over any paths */
function mergePaths(a: string[], b: string[]): string[] {
  if (a.length === 0 || b.length === 0) return [];
  return [...new Set([...a, ...b])].sort();
}

/**
 * The plan for the services of one stack. `only` limits it to one service
 * (short or full name), which must carry `backupbot.backup=true`.
 * Returns a plan with no services when nothing opts in; the caller says
 * "nothing to back up".
 */
export function planBackup(stack: string, specs: ServiceSpec[], only?: string): BackupPlan {
  const warnings: string[] = [];
  const services: PlannedService[] = [];
  const volumes = new Map<string, PlannedVolume>();
  const sorted = [...specs].sort((a, b) => byText(a.Name, b.Name));
  for (const spec of sorted) {
    const name = shortVolumeName(stack, spec.Name);
    if (only !== undefined && only !== name && only !== spec.Name) continue;
    const labels = spec.Labels ?? {};
    const flag = labelFlag(labels[BACKUP_LABEL]);
    if (labels[BACKUP_LABEL] !== undefined && flag === undefined) {
      warnings.push(`${name}: ${BACKUP_LABEL}=${JSON.stringify(labels[BACKUP_LABEL])} is neither true nor false; the service is not backed up`);
    }
    if (flag !== true) continue;
    services.push({
      name,
      fullName: spec.Name,
      hooks: {
        backupPre: hook(labels['backupbot.backup.pre-hook']),
        backupPost: hook(labels['backupbot.backup.post-hook']),
        restorePre: hook(labels['backupbot.restore.pre-hook']),
        restorePost: hook(labels['backupbot.restore.post-hook']),
      },
    });
    const mounts = (spec.TaskTemplate.ContainerSpec.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Source);
    // the older form names container paths: each selects the volume mounted over it
    const containerPaths = labels[PATH_LABEL] !== undefined ? splitPaths(labels[PATH_LABEL]) : undefined;
    const chosen = new Map<string, string[]>();
    if (containerPaths) {
      for (const cp of containerPaths) {
        const hit = mounts
          .map((m) => ({ m, rel: relativeTo(m.Target, cp) }))
          .filter((x) => x.rel !== undefined)
          .sort((a, b) => b.m.Target.length - a.m.Target.length)[0];
        if (!hit) {
          warnings.push(`${name}: ${PATH_LABEL} names ${cp}, which is on no volume of the service; it is not backed up`);
          continue;
        }
        const vol = shortVolumeName(stack, hit.m.Source ?? '');
        const p = hit.rel ? [hit.rel] : [];
        const had = chosen.get(vol);
        chosen.set(vol, had ? mergePaths(had, p) : p);
      }
    } else {
      for (const m of mounts) chosen.set(shortVolumeName(stack, m.Source ?? ''), []);
    }
    for (const [vol, paths] of chosen) {
      const excluded = labelFlag(labels[`${VOLUMES_PREFIX}${vol}`]) === false;
      if (excluded) continue;
      let volPaths = paths;
      const perVolume = labels[`${VOLUMES_PREFIX}${vol}.path`];
      if (perVolume !== undefined) {
        const rel: string[] = [];
        for (const p of splitPaths(perVolume)) {
          const n = normaliseRelative(p);
          if (n === undefined) warnings.push(`${name}: ${VOLUMES_PREFIX}${vol}.path names ${p}, outside the volume; it is ignored`);
          else rel.push(n);
        }
        // a root path ("/") means the whole volume
        volPaths = rel.includes('') ? [] : [...new Set(rel)].sort();
        if (rel.length === 0) continue;
      }
      const source = `${stack}_${vol}`;
      const prev = volumes.get(vol);
      if (prev) {
        prev.paths = mergePaths(prev.paths, volPaths);
        if (!prev.services.includes(name)) prev.services.push(name);
      } else {
        volumes.set(vol, { name: vol, source: mounts.find((m) => shortVolumeName(stack, m.Source ?? '') === vol)?.Source ?? source, paths: volPaths, services: [name] });
      }
    }
  }
  if (only !== undefined && services.length === 0) {
    const exists = specs.some((s) => s.Name === only || shortVolumeName(stack, s.Name) === only);
    warnings.push(exists ? `${only} does not carry ${BACKUP_LABEL}=true` : `there is no service ${only}`);
  }
  return { stack, services, volumes: [...volumes.values()].sort((a, b) => byText(a.name, b.name)), secrets: appSecrets(specs), warnings };
}

function hook(v: string | undefined): string | undefined {
  const s = v?.trim();
  return s ? s : undefined;
}

/** `cp` relative to `target` (a mount point), or undefined when it is not inside it; '' for the mount point itself */
function relativeTo(target: string, cp: string): string | undefined {
  const t = target.replace(/\/+$/, '');
  if (cp === t || cp === `${t}/`) return '';
  if (!cp.startsWith(`${t}/`)) return undefined;
  return normaliseRelative(cp.slice(t.length + 1));
}

/** every secret any service of the stack mounts, once */
export function appSecrets(specs: ServiceSpec[]): PlannedSecret[] {
  const byName = new Map<string, PlannedSecret>();
  for (const s of specs) {
    for (const ref of s.TaskTemplate.ContainerSpec.Secrets ?? []) {
      if (ref.SecretName && ref.SecretID && !byName.has(ref.SecretName)) byName.set(ref.SecretName, { name: ref.SecretName, id: ref.SecretID });
    }
  }
  return [...byName.values()].sort((a, b) => byText(a.name, b.name));
}

/** the absolute paths restic backs up for the plan's volumes (backup-bot-two's layout) */
export function volumeIncludePaths(stack: string, v: Pick<PlannedVolume, 'name' | 'paths'>): string[] {
  const root = volumeDataPath(stack, v.name);
  return v.paths.length === 0 ? [root] : v.paths.map((p) => `${root}/${p}`);
}

/**
 * How a hook label becomes a command: backup-bot-two strips a leading
 * `bash -c` / `sh -c` and surrounding quotes, then runs it with bash and
 * pipefail. kite runs it with bash when the container has it, else sh.
 */
export function hookScript(label: string): string {
  let s = label.trim();
  const m = /^(?:\/bin\/|\/usr\/bin\/)?(?:bash|sh)\s+-c\s+([\s\S]*)$/.exec(s);
  if (m) s = m[1].trim();
  if (s.length >= 2 && ((s.startsWith("'") && s.endsWith("'")) || (s.startsWith('"') && s.endsWith('"')))) s = s.slice(1, -1);
  return s;
}

/** the exec command for a hook: bash with pipefail when present, else sh (set -o pipefail where sh knows it) */
export function hookCommand(label: string): string[] {
  const script = hookScript(label);
  const wrapped = 'if command -v bash >/dev/null 2>&1; then exec bash -o pipefail -c "$1"; else (set -o pipefail) 2>/dev/null && set -o pipefail; eval "$1"; fi';
  return ['sh', '-c', wrapped, 'kite-hook', script];
}
