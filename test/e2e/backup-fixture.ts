// What the disaster-recovery and move e2e files share: the app's running
// container through a docker CLI (the rig's or a lab node's), checksums of
// its /data, the backup test app made and deployed, the repository's
// password secrets dropped.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER, type Sandbox } from './harness.js';

export type Cli = (...args: string[]) => string;

/** the container of the stack's app service's one running task (waits for it) */
export function appContainer(cli: Cli, stack: string): string {
  for (let i = 0; i < 240; i++) {
    const tasks = cli('service', 'ps', `${stack}_app`, '--filter', 'desired-state=running', '-q').split('\n').filter(Boolean);
    if (tasks.length === 1) {
      const status = JSON.parse(cli('inspect', tasks[0], '--format', '{{json .Status}}')) as { State: string; ContainerStatus?: { ContainerID?: string } };
      const id = status.ContainerStatus?.ContainerID;
      if (status.State === 'running' && id && cli('inspect', id, '--format', '{{.State.Running}}') === 'true') return id;
    }
    execFileSync('sleep', ['0.5']);
  }
  throw new Error(`${stack}_app has no running container`);
}

export function inApp(cli: Cli, stack: string, script: string): string {
  return cli('exec', appContainer(cli, stack), 'sh', '-c', script);
}

/** checksums of the files in /data, without dump.txt (the backup pre-hook writes it at each backup) */
export function dataSums(cli: Cli, stack: string): string {
  return inApp(cli, stack, 'cd /data && find . -type f ! -name dump.txt | sort | xargs md5sum');
}

/** kite.yml with one repository for every server, the server added, the backup test app made and deployed; its secret's value */
export async function deployBackupApp(sb: Sandbox, domain: string, repo: string): Promise<string> {
  sb.addRecipe('kite-backup-app');
  writeFileSync(join(sb.abraDir, 'kite.yml'), `backups:\n  image: kite-test/restic:latest\n  repository: ${repo}\n`);
  assert.equal((await sb.kite(['server', 'add', SERVER])).code, 0);
  const made = await sb.kite(['app', 'new', 'kite-backup-app', '--server', SERVER, '--domain', domain, '--secrets', '--json']);
  assert.equal(made.code, 0, made.stderr);
  const d = await sb.kite(['app', 'deploy', domain]);
  assert.equal(d.code, 0, d.stderr);
  return JSON.parse(made.stdout).secrets[0].value as string;
}

/** the repository password secrets kite made for `repo` */
export function dropPasswordSecrets(cli: Cli, repo: string): void {
  for (const l of cli('secret', 'ls', '--filter', 'label=kite.backup', '--format', '{{.Name}} {{.Labels}}').split('\n').filter((x) => x.includes(repo))) {
    try {
      cli('secret', 'rm', l.split(' ')[0]);
    } catch {
      /* in use by a helper still going: it goes with it */
    }
  }
}
