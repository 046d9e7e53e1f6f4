// After a deploy, upgrade or rollback that converged: POST_DEPLOY_CMDS
// (POST_UPGRADE_CMDS for upgrades), `<service> <function> [args]|...`, run
// like `app cmd` in the service's running container, in order, while the
// deploy still holds the app's lock. Output arrives as events, line by
// line; a failing command stops the rest (the deploy itself stays).

import type { Ports } from '../ports/index.js';
import type { DockerPort } from '../ports/docker.js';
import type { PostCmdsKey } from '../core/abra-cmd.js';
import { FrameReader, type FrameStream } from '../core/stream-frames.js';
import { PostDeployError } from '../core/errors.js';
import type { LoadedApp } from './load-app.js';
import { planPostDeployCmds } from './app-cmd.js';
import { startExec } from './app-exec.js';
import type { DeployEvent } from './events.js';

export async function* runPostDeployCmds(app: LoadedApp, ports: Pick<Ports, 'recipeFiles'>, docker: DockerPort, key: PostCmdsKey): AsyncGenerator<DeployEvent> {
  const plans = await planPostDeployCmds(app, ports, docker, key);
  for (const plan of plans) {
    const command = [plan.fn, ...plan.args].join(' ');
    yield { type: 'post-cmd', service: plan.target.service, command };
    const session = await startExec(docker, plan.target.containerId, { ...plan.request, tty: false, stdin: false });
    session.stream.end();
    for await (const line of outputLines(session.stream)) yield { type: 'output', ...line };
    const code = await session.exitCode();
    if (code !== 0) throw new PostDeployError(key, command, code, app.domain);
  }
}

/** the multiplexed output of an exec, as complete lines per stream (a last unfinished line too) */
export async function* outputLines(stream: AsyncIterable<Buffer>): AsyncGenerator<{ stream: FrameStream; text: string }> {
  const frames = new FrameReader();
  const pending: Record<FrameStream, string> = { stdout: '', stderr: '' };
  try {
    for await (const chunk of stream) {
      for (const f of frames.push(chunk)) {
        const lines = (pending[f.stream] + f.data.toString('utf8')).split('\n');
        pending[f.stream] = lines.pop() ?? '';
        for (const text of lines) yield { stream: f.stream, text };
      }
    }
  } catch (e) {
    // the process may end without reading its (closed) stdin
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPIPE' && code !== 'ECONNRESET') throw e;
  }
  for (const s of ['stdout', 'stderr'] as const) if (pending[s]) yield { stream: s, text: pending[s] };
}
