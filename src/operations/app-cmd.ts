// `app cmd`: what to run for a function of the recipe's abra.sh, remotely
// (an exec in the service's container) or locally (a shell in the recipe
// directory). The CLI attaches the result to the terminal.

import { join } from 'node:path';
import type { DockerPort } from '../ports/docker.js';
import { readAbraShFunctions } from '../core/abra-sh.js';
import { checkFunction, localCmdArgv, parsePostDeployCmds, remoteCmdArgv, remoteCmdEnv, splitCmdOperands, type PostCmdsKey } from '../core/abra-cmd.js';
import { NotFoundError } from '../core/errors.js';
import type { LoadedApp } from './load-app.js';
import type { Ports } from '../ports/index.js';
import { findServiceContainer, type ExecRequest, type ServiceContainer } from './app-exec.js';

export interface AbraSh {
  path: string;
  text: string;
  functions: string[];
}

export function readAbraSh(ports: Pick<Ports, 'recipeFiles'>, app: LoadedApp): AbraSh {
  const text = ports.recipeFiles.readText(app.recipeDir, 'abra.sh');
  const path = join(app.recipeDir, 'abra.sh');
  if (text === undefined) throw new NotFoundError(`recipe ${app.recipe} has no abra.sh`, `expected ${path}`);
  return { path, text, functions: readAbraShFunctions(text) };
}

export type CmdPlan =
  | { mode: 'local'; fn: string; args: string[]; argv: string[]; cwd: string; env: Record<string, string> }
  | { mode: 'remote'; fn: string; args: string[]; target: ServiceContainer; request: Omit<ExecRequest, 'tty' | 'stdin'> };

export async function planCmd(
  app: LoadedApp,
  abraSh: AbraSh,
  operands: string[],
  opts: { local: boolean; user?: string; shell?: string; docker?: () => Promise<DockerPort> },
): Promise<CmdPlan> {
  const services = Object.keys(app.compose.services);
  const { service, fn, args } = splitCmdOperands(operands, { local: opts.local, functions: abraSh.functions, services });
  checkFunction(fn, abraSh.functions, app.recipe);
  if (opts.local || !service) {
    return { mode: 'local', fn, args, argv: localCmdArgv(opts.shell ?? 'bash', abraSh.path, fn, args), cwd: app.recipeDir, env: app.env };
  }
  if (!opts.docker) throw new Error('remote app cmd needs a Docker client');
  const docker = await opts.docker();
  const target = await findServiceContainer(docker, app.stack, app.domain, service);
  const short = target.service.slice(app.stack.length + 1);
  return { mode: 'remote', fn, args, target, request: { cmd: remoteCmdArgv(fn, args), env: remoteCmdEnv(app.env, short, abraSh.text), user: opts.user } };
}

/**
 * POST_DEPLOY_CMDS (or POST_UPGRADE_CMDS) of the app env as remote `app cmd` plans, all checked
 * (functions exist, services run) before any runs. Empty when unset.
 */
export async function planPostDeployCmds(app: LoadedApp, ports: Pick<Ports, 'recipeFiles'>, docker: DockerPort, key: PostCmdsKey = 'POST_DEPLOY_CMDS'): Promise<Extract<CmdPlan, { mode: 'remote' }>[]> {
  const value = app.appEnv[key]?.trim();
  if (!value) return [];
  const cmds = parsePostDeployCmds(value, app.path, key);
  const abraSh = readAbraSh(ports, app);
  const plans: Extract<CmdPlan, { mode: 'remote' }>[] = [];
  for (const c of cmds) {
    checkFunction(c.fn, abraSh.functions, app.recipe);
    const target = await findServiceContainer(docker, app.stack, app.domain, c.service);
    plans.push({ mode: 'remote', fn: c.fn, args: c.args, target, request: { cmd: remoteCmdArgv(c.fn, c.args), env: remoteCmdEnv(app.env, c.service, abraSh.text) } });
  }
  return plans;
}
