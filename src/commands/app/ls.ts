import type { Context } from '../../cli/context.js';
import { listApps } from '../../operations/app-ls.js';

interface Flags {
  server?: string;
  recipe?: string;
  status?: boolean;
}

export async function run(ctx: Context, flags: Flags): Promise<void> {
  const { listing, warnings } = await listApps(ctx.ports, flags);
  for (const w of warnings) ctx.io.warn(w);
  if (ctx.io.json) return ctx.io.jsonData(listing);
  const servers = Object.keys(listing);
  if (servers.length === 0) {
    const scope = [flags.server && `on server ${flags.server}`, flags.recipe && `of recipe ${flags.recipe}`].filter(Boolean).join(' ');
    return ctx.io.info(`no apps${scope ? ' ' + scope : ''} in ${ctx.dir.serversDir}`);
  }
  const apps = servers.flatMap((s) => listing[s].apps);
  if (!flags.status) {
    ctx.io.table(['SERVER', 'RECIPE', 'APP'], apps.map((a) => [a.server, a.recipe, a.domain]));
    return;
  }
  ctx.io.table(
    ['SERVER', 'RECIPE', 'APP', 'STATUS', 'VERSION', 'CHAOS', 'UPGRADE'],
    // several available upgrades are joined by newlines in the JSON; one line per app here
    apps.map((a) => [a.server, a.recipe, a.domain, a.status, a.version, a.chaos === 'true' ? `yes (${a.chaosVersion})` : a.chaos === 'false' ? 'no' : a.chaos, a.upgrade.replaceAll('\n', ', ')]),
  );
  for (const s of servers) {
    const st = listing[s];
    ctx.io.info(`${s}: ${st.appCount} app${st.appCount === 1 ? '' : 's'}, ${st.versionCount} with a known version, ${st.unversionedCount} without, ${st.latestCount} latest, ${st.upgradeCount} upgradable`);
  }
}
