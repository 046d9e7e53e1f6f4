// Which version `app deploy` deploys — abra's five cases, in abra's order:
//   1. --chaos: the working tree as it is (short HEAD hash, `+U` if dirty)
//   2. an explicit version (release tag) or git hash on the command line
//   3. the version recorded in the env file (TYPE=recipe:version), unless
//      --ignore-env-version
//   4. a deployed app redeployed with --force: the deployed version
//   5. otherwise the latest release, or the latest commit when unreleased

import { ConflictError, NotFoundError } from './errors.js';
import { chaosVersion, latestVersion, parseVersion, type VersionList } from './versions.js';

export interface DeployedMeta {
  version?: string;
  chaos: boolean;
  chaosVersion?: string;
}

export interface VersionChoice {
  /** what gets recorded in TYPE= and the version label */
  version: string;
  /** git ref to check out; undefined = use the working tree as is (chaos) */
  ref?: string;
  chaos: boolean;
  /** for chaos deploys: the commit (and +U) actually deployed */
  chaosVersion?: string;
  /** one line for --debug and the overview */
  reason: string;
}

export interface VersionQuery {
  recipe: string;
  chaos?: boolean;
  explicit?: string;
  envVersion?: string;
  ignoreEnvVersion?: boolean;
  deployed?: DeployedMeta;
  force?: boolean;
  versions: VersionList;
  head: { short: string; dirty: boolean };
  /** resolves a git hash prefix to a commit, or undefined */
  isCommit: (ref: string) => boolean;
}

export function chooseDeployVersion(q: VersionQuery): VersionChoice {
  if (q.chaos) {
    const cv = chaosVersion(q.head.short, q.head.dirty);
    return { version: cv, chaos: true, chaosVersion: cv, reason: `taking chaos version: ${cv}` };
  }
  if (q.head.dirty) {
    throw new ConflictError(
      `recipe ${q.recipe} has locally unstaged changes`,
      'kite will not deploy unstaged changes; commit or reset them (`kite recipe reset`), or deploy them with --chaos',
    );
  }
  if (q.explicit) return pick(q, q.explicit, 'the version given on the command line');
  if (q.envVersion && !q.ignoreEnvVersion) return pick(q, q.envVersion, 'the version recorded in the env file (TYPE=)');
  if (q.deployed?.version && q.force && !q.deployed.chaos && q.versions.versions.some((v) => v.tag === q.deployed?.version)) {
    return { version: q.deployed.version, ref: q.deployed.version, chaos: false, reason: 'the deployed version (--force)' };
  }
  const latest = latestVersion(q.versions);
  if (latest) return { version: latest.tag, ref: latest.tag, chaos: false, reason: `selected latest recipe version: ${latest.tag} (from ${q.versions.versions.length} available versions)` };
  return { version: q.head.short, ref: 'HEAD', chaos: false, reason: `recipe ${q.recipe} has no releases: taking the latest commit ${q.head.short}` };
}

function pick(q: VersionQuery, wanted: string, why: string): VersionChoice {
  if (q.versions.versions.some((v) => v.tag === wanted)) return { version: wanted, ref: wanted, chaos: false, reason: why };
  if (!parseVersion(wanted) && /^[0-9a-f]{7,40}$/i.test(wanted) && q.isCommit(wanted)) {
    return { version: wanted.slice(0, 8), ref: wanted, chaos: false, reason: `${why}: commit ${wanted}` };
  }
  const known = q.versions.versions.map((v) => v.tag).join(', ') || 'none';
  throw new NotFoundError(`recipe ${q.recipe} has no version ${wanted} (${why})`, `known versions: ${known}`);
}
