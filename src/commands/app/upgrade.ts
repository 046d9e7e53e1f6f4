import type { Context } from '../../cli/context.js';
import { deployWith, type DeployFlags } from './deploy.js';

export async function run(ctx: Context, domain: string, version: string | undefined, flags: DeployFlags): Promise<void> {
  await deployWith(ctx, 'upgrade', domain, version, flags);
}
