// kite's web UI: plain TypeScript over the JSON/SSE API of `kite web`
// (src/web/server/). Pages by hash route: #/apps, #/apps/<domain>,
// #/servers, #/recipes, #/new/<recipe>. Every string from the catalogue (t()).

import { t, lang, type MessageKey } from './i18n.js';
import { h, table, field, select, append } from './dom.js';
import { matchesWords } from '../../core/recipe-search.js';
import type { DeployOverview as Overview } from '../../operations/deploy.js';
import type { DeployEvent } from '../../operations/events.js';
import type { NodeRow } from '../../core/nodes.js';

// ---- plumbing ------------------------------------------------------------------

interface ApiError {
  error?: { message?: string; hint?: string; problems?: EnvProblem[]; details?: { rolledBack?: string; failures?: Failure[] }; generated?: Secret[] };
}
interface Failure {
  service: string;
  reason: string;
  tasks: { id: string; state: string; error?: string }[];
  logsTail: string[];
}
interface EnvProblem {
  kind: 'parse' | 'no-type' | 'missing' | 'unknown';
  key?: string;
  line?: number;
  message?: string;
}
interface Secret {
  name: string;
  version: string;
  value?: string;
  createdOnServer?: boolean;
}

class Failed extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.error?.message ?? `HTTP ${status}`);
  }
}

async function api<T>(path: string, init?: { method: string; body?: unknown }): Promise<T> {
  const res = await fetch(`/api/${path}`, init ? { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body ?? {}) } : undefined);
  const body = (await res.json().catch(() => ({}))) as T & ApiError;
  if (!res.ok) throw new Failed(res.status, body);
  return body;
}

const enc = encodeURIComponent;
let streams: EventSource[] = [];
const root = document.getElementById('app')!;
let main: HTMLElement;

function shell(): void {
  document.documentElement.lang = lang;
  const nav = h(
    'nav',
    { 'aria-label': t('nav.label') },
    h('ul', {}, (
      [
        ['#/apps', 'nav.apps'],
        ['#/servers', 'nav.servers'],
        ['#/recipes', 'nav.recipes'],
      ] as [string, MessageKey][]
    ).map(([href, key]) => h('li', {}, h('a', { href }, t(key))))),
  );
  main = h('main', { id: 'main', tabindex: -1 });
  append(root, [h('a', { class: 'skip', href: '#main', onclick: (e: Event) => (e.preventDefault(), main.focus()) }, t('nav.skip')), h('header', {}, h('p', { class: 'brand' }, t('app.name')), nav), main]);
}

/** the route being shown: a page that finished loading after the operator moved on is dropped */
let generation = 0;

function page(gen: number, title: string, ...children: (Node | null)[]): void {
  if (gen !== generation) return;
  document.title = `${title} · ${t('app.name')}`;
  const h1 = h('h1', { tabindex: -1 }, title);
  main.replaceChildren(h1, ...children.filter((c): c is Node => c !== null));
  for (const a of document.querySelectorAll('nav a')) a.toggleAttribute('aria-current', location.hash.startsWith(a.getAttribute('href')!));
  for (const a of document.querySelectorAll('nav a[aria-current]')) a.setAttribute('aria-current', 'page');
  h1.focus();
}

function problem(e: unknown): HTMLElement {
  const err = e instanceof Failed ? e.body.error : undefined;
  return h('div', { class: 'error', role: 'alert' }, h('p', {}, err?.message ?? (e as Error).message), err?.hint ? h('p', {}, err.hint) : null);
}

function warnings(list: string[]): HTMLElement | null {
  return list.length ? h('ul', { class: 'warnings', 'aria-label': t('common.warnings') }, list.map((w) => h('li', {}, w))) : null;
}

function loading(): HTMLElement {
  return h('p', { role: 'status' }, t('common.loading'));
}

function badge(text: string, kind: string): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}

function statusBadge(status: string): HTMLElement {
  const known: Record<string, MessageKey> = { deployed: 'status.deployed', undeployed: 'status.undeployed', unknown: 'status.unknown' };
  return badge(known[status] ? t(known[status]) : status, status === 'deployed' ? 'ok' : status === 'unknown' ? 'muted' : 'warn');
}

function levelText(level: number | null): string {
  return level === null ? t('level.unknown') : t('level.n', { n: level });
}

// ---- apps ---------------------------------------------------------------------

interface AppRow {
  domain: string;
  recipe: string;
  server: string;
  status: string;
  version: string;
  chaos: boolean;
  upgrades: string[];
  level: number | null;
}

async function appsPage(): Promise<void> {
  const gen = generation;
  page(gen, t('apps.title'), loading());
  let data: { apps: AppRow[]; servers: string[]; warnings: string[] };
  try {
    data = await api('apps');
  } catch (e) {
    return page(gen, t('apps.title'), problem(e));
  }
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const search = h('input', { type: 'search', value: q.get('q') ?? '', autocomplete: 'off' });
  const server = select([['', t('filter.any')], ...data.servers.map((s): [string, string] => [s, s])], q.get('server') ?? '');
  const status = select([['', t('filter.any')], ['deployed', t('status.deployed')], ['undeployed', t('status.undeployed')], ['unknown', t('status.unknown')]], q.get('status') ?? '');
  const upgradable = h('input', { type: 'checkbox' });
  const count = h('p', { role: 'status', class: 'count' });
  const list = h('div');
  const draw = () => {
    const rows = data.apps.filter(
      (a) =>
        matchesWords([a.domain, a.recipe, a.server, a.version].join(' ').toLowerCase().split(/[^a-z0-9]+/), search.value) &&
        (!server.value || a.server === server.value) &&
        (!status.value || a.status === status.value) &&
        (!upgradable.checked || a.upgrades.length > 0),
    );
    count.textContent = t('apps.count', { shown: rows.length, total: data.apps.length });
    list.replaceChildren(
      rows.length === 0
        ? h('p', {}, data.apps.length ? t('apps.none-match') : t('apps.none'))
        : table(
            t('apps.caption'),
            [t('col.domain'), t('col.recipe'), t('col.server'), t('col.status'), t('col.version'), t('col.upgrade'), t('col.level')],
            rows.map((a) => [
              h('a', { href: `#/apps/${enc(a.domain)}` }, a.domain),
              a.recipe,
              a.server,
              statusBadge(a.status),
              a.chaos ? `${a.version} (${t('apps.chaos')})` : a.version,
              a.upgrades.length ? badge(t('apps.upgrade-to', { version: a.upgrades[0] }), 'info') : t('apps.no-upgrade'),
              levelText(a.level),
            ]),
          ),
    );
  };
  for (const c of [search, server, status, upgradable]) c.addEventListener('input', draw);
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('apps.filters'), onsubmit: (e: Event) => e.preventDefault() },
    field(t('apps.search'), search, t('apps.search-hint')),
    field(t('col.server'), server),
    field(t('col.status'), status),
    h('div', { class: 'field check' }, upgradable, h('label', { for: (upgradable.id = 'upgradable') }, t('apps.only-upgradable'))),
  );
  page(gen, t('apps.title'), warnings(data.warnings), filters, count, list);
  draw();
}

// ---- one app ---------------------------------------------------------------------

interface AppDetail {
  domain: string;
  server: string;
  recipe: string;
  envVersion: string;
  status: string;
  version: string;
  upgrades: string[];
  level: number | null;
  services: { service: string; image: string; mode: string; running: number; desired: number; state: string; ports: string[]; version?: string }[];
  tasks: { service: string; id: string; node: string; state: string; desired: string; error: string; since: string }[];
  history: { at: string; who: string; action: string; from?: string; to?: string; result: string; message?: string; via?: string }[];
  running: string | null;
}

async function appPage(domain: string): Promise<void> {
  const gen = generation;
  page(gen, domain, loading());
  let app: AppDetail;
  try {
    app = await api(`apps/${enc(domain)}`);
  } catch (e) {
    return page(gen, domain, problem(e));
  }
  if (gen !== generation) return;
  const progress = h('section', { 'aria-labelledby': 'progress-h', class: 'progress', hidden: true }, h('h2', { id: 'progress-h' }, t('progress.title')), h('ol', { role: 'log', 'aria-live': 'polite', id: 'progress-log' }), h('div', { id: 'progress-end', role: 'status' }));
  const deployed = app.status === 'deployed';
  const version = select(app.upgrades.map((v): [string, string] => [v, v]));
  const actions = h(
    'section',
    { 'aria-labelledby': 'actions-h' },
    h('h2', { id: 'actions-h' }, t('actions.title')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => deploy(app, 'deploy', undefined, deployed, progress) }, t('action.deploy')),
      app.upgrades.length ? field(t('actions.upgrade-version'), version) : null,
      h('button', { type: 'button', disabled: !deployed || app.upgrades.length === 0, onclick: () => deploy(app, 'upgrade', version.value, false, progress) }, t('action.upgrade')),
      h('button', { type: 'button', disabled: !deployed, onclick: () => deploy(app, 'rollback', undefined, false, progress) }, t('action.rollback')),
      h('button', { type: 'button', disabled: !deployed, onclick: () => simpleAction(app, 'restart', progress) }, t('action.restart')),
      h('button', { type: 'button', class: 'danger', disabled: !deployed, onclick: () => simpleAction(app, 'undeploy', progress) }, t('action.undeploy')),
    ),
    deployed ? h('p', { class: 'hint' }, t('actions.deploy-redeploys')) : null,
  );
  const summary = h(
    'dl',
    { class: 'summary' },
    ...(
      [
        ['col.recipe', app.recipe],
        ['col.server', app.server],
        ['col.status', statusBadge(app.status)],
        ['col.version', app.version || t('common.none')],
        ['col.env-version', app.envVersion || t('common.none')],
        ['col.upgrade', app.upgrades.length ? app.upgrades.join(', ') : t('apps.no-upgrade')],
        ['col.level', levelText(app.level)],
      ] as [MessageKey, string | Node][]
    ).flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]),
  );
  const services = section(
    'services',
    t('services.title'),
    app.services.length
      ? table(t('services.title'), [t('col.service'), t('col.image'), t('col.mode'), t('col.replicas'), t('col.state'), t('col.ports')], app.services.map((s) => [s.service, s.image, s.mode, `${s.running}/${s.desired}`, s.state, s.ports.join(', ')]))
      : h('p', {}, t('services.none')),
  );
  const tasks = section(
    'tasks',
    t('tasks.title'),
    app.tasks.length
      ? table(t('tasks.title'), [t('col.service'), t('col.task'), t('col.node'), t('col.state'), t('col.error')], app.tasks.map((x) => [x.service, x.id, x.node, x.state, x.error]))
      : h('p', {}, t('tasks.none')),
  );
  const history = section(
    'history',
    t('history.title'),
    app.history.length
      ? table(
          t('history.title'),
          [t('col.when'), t('col.who'), t('col.action'), t('col.from'), t('col.to'), t('col.result')],
          app.history.map((e) => [e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), e.via === 'web' ? t('history.via-web', { who: e.who }) : e.who, e.action, e.from ?? '', e.to ?? '', e.result]),
        )
      : h('p', {}, t('history.none')),
  );
  const logs = section('logs', t('logs.title'), deployed ? logView(domain) : h('p', {}, t('logs.not-deployed')));
  page(gen, domain, summary, actions, progress, services, tasks, logs, history, backupsOf(domain), envEditor(domain), secretsPanel(domain, deployed));
  if (app.running) follow(app, app.running, progress);
}

/** the app's backups (kite app backup), listed when asked: listing them runs restic in a helper service on the server */
function backupsOf(domain: string): HTMLElement {
  const box = h('div', { role: 'status' });
  const list = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        list.disabled = true;
        box.replaceChildren(loading());
        api<{ backups: { shortId: string; time: string; version?: string; services: string[]; volumes: string[]; size?: number }[] }>(`apps/${enc(domain)}/backups`)
          .then(
            ({ backups }) =>
              box.replaceChildren(
                backups.length
                  ? table(t('backups.title'), [t('col.snapshot'), t('col.when'), t('col.version'), t('col.services'), t('col.volumes'), t('col.size')], backups.slice().reverse().map((b) => [b.shortId, b.time.replace('T', ' ').replace(/\.\d+/, ''), b.version ?? '', b.services.join(', '), b.volumes.join(', '), b.size !== undefined ? t('backups.kb', { n: Math.round(b.size / 1000) }) : '']))
                  : h('p', {}, t('backups.none')),
              ),
            (e: unknown) => box.replaceChildren(h('p', { class: 'hint' }, t('backups.unavailable', { message: e instanceof Error ? e.message : String(e) }))),
          )
          .finally(() => (list.disabled = false));
      },
    },
    t('backups.list'),
  );
  return section('backups', t('backups.title'), list, box);
}

function section(id: string, title: string, ...body: Node[]): HTMLElement {
  return h('section', { 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...body);
}

function logView(domain: string): HTMLElement {
  const out = h('pre', { class: 'logs', role: 'log', 'aria-label': t('logs.title'), tabindex: 0 });
  const state = h('p', { role: 'status', class: 'hint' }, t('logs.waiting'));
  const es = new EventSource(`/api/apps/${enc(domain)}/logs`);
  streams.push(es);
  let n = 0;
  es.onmessage = (m) => {
    const ev = JSON.parse(m.data as string) as { type: string; service?: string; text?: string; message?: string; services?: string[] };
    if (ev.type === 'services') state.textContent = t('logs.following', { services: (ev.services ?? []).join(', ') });
    else if (ev.type === 'error') state.textContent = ev.message ?? '';
    else if (ev.type === 'line') {
      out.append(`${ev.service} | ${ev.text}\n`);
      if (++n > 500) out.firstChild?.remove();
      out.scrollTop = out.scrollHeight;
    }
  };
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) state.textContent = t('logs.ended');
  };
  return h('div', {}, state, out);
}

// ---- actions ------------------------------------------------------------------


const actionKeys: Record<string, MessageKey> = { deploy: 'action.deploy', upgrade: 'action.upgrade', rollback: 'action.rollback', restart: 'action.restart', undeploy: 'action.undeploy' };

async function deploy(app: AppDetail, mode: string, version: string | undefined, force: boolean, progress: HTMLElement): Promise<void> {
  await start(app, mode, { version, force }, progress);
}

async function simpleAction(app: AppDetail, action: 'restart' | 'undeploy', progress: HTMLElement): Promise<void> {
  const body = h('p', {}, t(action === 'restart' ? 'confirm.restart' : 'confirm.undeploy', { domain: app.domain }));
  if (await ask(t(actionKeys[action]), body)) await start(app, action, {}, progress);
}

async function start(app: AppDetail, action: string, body: Record<string, unknown>, progress: HTMLElement): Promise<void> {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.actions button')) b.disabled = true;
  progress.hidden = false;
  progress.querySelector('ol')!.replaceChildren();
  progress.querySelector('#progress-end')!.replaceChildren(h('p', {}, t('progress.started', { action: t(actionKeys[action]) })));
  try {
    const { job } = await api<{ job: string }>(`apps/${enc(app.domain)}/actions/${action}`, { method: 'POST', body });
    follow(app, job, progress);
  } catch (e) {
    progress.querySelector('#progress-end')!.replaceChildren(problem(e));
    for (const b of document.querySelectorAll<HTMLButtonElement>('.actions button')) b.disabled = false;
  }
}

function follow(app: AppDetail, job: string, progress: HTMLElement): void {
  progress.hidden = false;
  const log = progress.querySelector('ol')!;
  const end = progress.querySelector('#progress-end')!;
  const es = new EventSource(`/api/jobs/${enc(job)}`);
  streams.push(es);
  let overview: { overview: Overview; notes: { version: string; text: string }[] } | undefined;
  const line = (text: string, kind = '') => log.append(h('li', { class: kind }, text));
  es.onmessage = async (m) => {
    const ev = JSON.parse(m.data as string) as Record<string, any>;
    switch (ev.type) {
      case 'overview':
        overview = ev as typeof overview;
        return;
      case 'confirm': {
        const yes = overview ? await ask(t('overview.title'), overviewView(overview.overview, overview.notes)) : false;
        await api(`jobs/${enc(job)}/confirm`, { method: 'POST', body: { confirm: yes } }).catch((e: unknown) => end.replaceChildren(problem(e)));
        return;
      }
      case 'end':
        es.close();
        end.replaceChildren(outcome(ev, app));
        for (const b of document.querySelectorAll<HTMLButtonElement>('.actions button')) b.disabled = false;
        (end.querySelector('h3') as HTMLElement | null)?.focus();
        return;
      default: {
        const text = eventText(ev as DeployEvent);
        if (text) line(text, ev.type === 'warning' || ev.type === 'failed' ? 'warn' : '');
      }
    }
  };
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED && !end.querySelector('h3')) end.replaceChildren(h('p', { role: 'alert' }, t('progress.lost')));
  };
}

/** the CLI's progress lines (src/cli/render.ts), from the catalogue */
function eventText(ev: DeployEvent): string {
  switch (ev.type) {
    case 'overview':
      return ''; // shown in the dialog
    case 'warning':
      return t('event.warning', { message: ev.message });
    case 'info':
    case 'backup':
      return ev.message;
    case 'plan':
      return t('event.plan', { stack: ev.stack, server: ev.server, version: ev.version ?? '', n: ev.services.length });
    case 'created':
      return t('event.created', { object: ev.object, name: ev.name });
    case 'service':
      return t('event.service', { action: ev.action, service: ev.service });
    case 'progress':
      return t('event.progress', { service: ev.service, running: ev.running, desired: ev.desired, message: ev.message });
    case 'verifying':
      return t('event.verifying', { service: ev.service, seconds: ev.seconds });
    case 'converged':
      return t('event.converged', { service: ev.service });
    case 'pinned':
      return t('event.pinned', { service: ev.service, node: ev.node });
    case 'failed':
      return t('event.failed', { service: ev.service, reason: ev.reason });
    case 'rollback':
      return ev.phase === 'started' ? t('event.rollback-started', { services: ev.services.join(', ') }) : ev.phase === 'done' ? t('event.rollback-done') : t('event.rollback-failed', { message: ev.message ?? '' });
    case 'removed':
      return t('event.removed', { object: ev.object, name: ev.name });
    case 'post-cmd':
      return t('event.post-cmd', { service: ev.service, command: ev.command });
    case 'output':
      return ev.text;
    case 'done':
      return ev.unchanged ? t('event.unchanged', { stack: ev.stack }) : ev.converged ? t('event.done', { stack: ev.stack }) : t('event.submitted', { stack: ev.stack });
  }
}

function outcome(ev: Record<string, any>, app: AppDetail): HTMLElement {
  const reload = h('button', { type: 'button', onclick: () => route() }, t('progress.reload'));
  if (ev.ok) {
    const title = ev.cancelled ? t('progress.cancelled') : ev.skipped ? t('progress.skipped', { reason: ev.skipped }) : ev.converged === false ? t('progress.submitted') : ev.recorded ? t('progress.converged', { version: ev.recorded }) : t('progress.finished');
    return h('div', { class: ev.cancelled ? 'note' : 'success' }, h('h3', { tabindex: -1 }, title), reload);
  }
  const err = (ev.error ?? {}) as NonNullable<ApiError['error']>;
  const details = err.details;
  const back: Record<string, MessageKey> = { yes: 'failure.rolled-back', 'no-previous': 'failure.no-previous', disabled: 'failure.left', failed: 'failure.rollback-failed' };
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('h3', { tabindex: -1 }, t('failure.title')),
    h('p', {}, err.message ?? ''),
    ...(details?.failures ?? []).map((f) =>
      h(
        'div',
        { class: 'failure' },
        h('h4', {}, t('failure.service', { service: f.service })),
        h('p', {}, f.reason),
        f.tasks.length ? h('ul', { 'aria-label': t('failure.tasks') }, f.tasks.slice(-5).map((x) => h('li', {}, `${x.id.slice(0, 12)} ${x.state}${x.error ? `: ${x.error}` : ''}`))) : null,
        f.logsTail.length ? h('div', {}, h('p', {}, t('failure.logs')), h('pre', { class: 'logs', tabindex: 0 }, f.logsTail.slice(-10).join('\n'))) : null,
      ),
    ),
    details?.rolledBack ? h('p', { class: 'strong' }, t(back[details.rolledBack] ?? 'failure.rollback-failed')) : err.hint ? h('p', {}, err.hint) : null,
    reload,
  );
}

function overviewView(o: Overview, notes: { version: string; text: string }[]): HTMLElement {
  const rows: [MessageKey, string][] = [
    ['overview.app', o.domain],
    ['overview.recipe', o.recipe],
    ['overview.server', o.server === 'default' ? t('overview.local') : o.server],
    ['overview.config', o.composeFiles.join(':')],
    ['overview.current', o.current],
    ['overview.env-version', o.envVersion ?? t('common.none')],
    ['overview.next', o.next + (o.chaos ? ` (${t('apps.chaos')})` : '')],
  ];
  const changed = o.images.filter((i) => i.from !== i.to);
  if (changed.length) rows.push(['overview.images', changed.map((i) => `${i.service}: ${i.from ? `${i.from} → ` : ''}${i.to}`).join('\n')]);
  const newConfigs = o.configs.filter((c) => c.change === 'new');
  if (newConfigs.length) rows.push(['overview.new-configs', newConfigs.map((c) => c.name).join('\n')]);
  const newSecrets = o.secrets.filter((c) => c.change === 'new');
  if (newSecrets.length) rows.push(['overview.new-secrets', newSecrets.map((c) => c.name).join('\n')]);
  return h(
    'div',
    {},
    h('dl', { class: 'summary' }, rows.flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', { class: 'pre' }, v)])),
    ...notes.map((n) => h('section', { 'aria-label': t('overview.notes', { version: n.version }) }, h('h3', {}, t('overview.notes', { version: n.version })), h('p', { class: 'pre' }, n.text))),
  );
}

/** a modal dialog with Confirm and Cancel; resolves true on Confirm */
function ask(title: string, body: HTMLElement): Promise<boolean> {
  return new Promise((resolve) => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = h('dialog', { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'dialog-h' });
    const close = (yes: boolean) => {
      dialog.close();
      dialog.remove();
      opener?.focus();
      resolve(yes);
    };
    const confirm = h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, t('dialog.confirm'));
    append(dialog, [h('h2', { id: 'dialog-h' }, title), body, h('div', { class: 'actions' }, confirm, h('button', { type: 'button', onclick: () => close(false) }, t('dialog.cancel')))]);
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    confirm.focus();
  });
}

// ---- env and secrets ----------------------------------------------------------------

function envEditor(domain: string): HTMLElement {
  const text = h('textarea', { rows: 16, spellcheck: 'false', autocomplete: 'off' });
  const result = h('div', { role: 'status' });
  const problems = (list: EnvProblem[]) =>
    h(
      'ul',
      { class: 'problems' },
      list.map((p) =>
        h(
          'li',
          {},
          p.kind === 'unknown' ? t('env.unknown', { key: p.key ?? '', line: p.line ?? 0 }) : p.kind === 'missing' ? t('env.missing', { key: p.key ?? '' }) : p.kind === 'no-type' ? t('env.no-type') : t('env.parse', { message: p.message ?? '' }),
        ),
      ),
    );
  const save = h('button', { type: 'submit' }, t('env.save'));
  const form = h(
    'form',
    {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        save.disabled = true;
        try {
          const r = await api<{ saved: boolean; changed: string[] | null; commit: { committed?: string; warning?: string } | null }>(`apps/${enc(domain)}/env`, { method: 'PUT', body: { text: text.value } });
          result.replaceChildren(
            h('p', { class: 'success' }, !r.saved ? t('env.unchanged') : !r.changed ? t('env.saved-fixed') : r.changed.length ? t('env.saved', { keys: r.changed.join(', ') }) : t('env.saved-comments')),
            r.commit?.committed ? h('p', {}, t('env.committed', { commit: r.commit.committed.slice(0, 12) })) : r.commit?.warning ? h('p', { class: 'warn' }, r.commit.warning) : '',
          );
        } catch (err) {
          const list = err instanceof Failed ? err.body.error?.problems : undefined;
          result.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, t('env.not-saved')), list ? problems(list) : h('p', {}, (err as Error).message)));
        } finally {
          save.disabled = false;
        }
      },
    },
    field(t('env.label'), text, t('env.hint')),
    save,
    result,
  );
  api<{ text: string; problems: EnvProblem[] }>(`apps/${enc(domain)}/env`).then(
    (r) => {
      text.value = r.text;
      if (r.problems.length) result.replaceChildren(h('div', { class: 'note' }, h('p', {}, t('env.current-problems')), problems(r.problems)));
    },
    (e: unknown) => result.replaceChildren(problem(e)),
  );
  return section('env', t('env.title'), form);
}

function secretsPanel(domain: string, deployed: boolean): HTMLElement {
  const list = h('div', {}, loading());
  const shown = h('div', { role: 'status' });
  const load = () =>
    api<{ secrets: Secret[] }>(`apps/${enc(domain)}/secrets`).then(
      (r) => {
        list.replaceChildren(
          r.secrets.length ? table(t('secrets.title'), [t('col.secret'), t('col.version'), t('col.on-server')], r.secrets.map((s) => [s.name, s.version, s.createdOnServer ? t('common.yes') : t('common.no')])) : h('p', {}, t('secrets.none')),
        );
        name.replaceChildren(...r.secrets.map((s) => h('option', { value: s.name }, s.name)));
      },
      (e: unknown) => list.replaceChildren(problem(e)),
    );
  const name = h('select');
  const version = h('input', { type: 'text', autocomplete: 'off' });
  const value = h('input', { type: 'password', autocomplete: 'new-password' });
  const generate = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        try {
          const r = await api<{ generated: Secret[] }>(`apps/${enc(domain)}/secrets`, { method: 'POST', body: { generate: true } });
          shown.replaceChildren(secretValues(r.generated));
          void load();
        } catch (e) {
          shown.replaceChildren(problem(e));
        }
      },
    },
    t('secrets.generate'),
  );
  const insert = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await api(`apps/${enc(domain)}/secrets`, { method: 'POST', body: { name: name.value, version: version.value, value: value.value } });
          value.value = '';
          shown.replaceChildren(h('p', { class: 'success' }, t('secrets.inserted', { name: name.value, version: version.value })));
          void load();
        } catch (err) {
          shown.replaceChildren(problem(err));
        }
      },
    },
    h('h3', {}, t('secrets.insert-title')),
    field(t('col.secret'), name),
    field(t('col.version'), version),
    field(t('secrets.value'), value, t('secrets.value-hint')),
    h('button', { type: 'submit' }, t('secrets.insert')),
  );
  void load();
  return section('secrets', t('secrets.title'), h('p', { class: 'hint' }, deployed ? t('secrets.hint-deployed') : t('secrets.hint')), list, generate, shown, insert);
}

function secretValues(list: Secret[]): HTMLElement {
  if (list.length === 0) return h('p', {}, t('secrets.nothing-generated'));
  return h('div', { class: 'note' }, h('p', { class: 'strong' }, t('secrets.once')), table(t('secrets.generated'), [t('col.secret'), t('col.version'), t('col.value')], list.map((s) => [s.name, s.version, h('code', {}, s.value ?? '')])));
}

// ---- servers and recipes ------------------------------------------------------------


async function serversPage(): Promise<void> {
  const gen = generation;
  page(gen, t('servers.title'), loading());
  let servers: { name: string; host: string; user: string; port: string; apps: number }[];
  try {
    servers = (await api<{ servers: typeof servers }>('servers')).servers;
  } catch (e) {
    return page(gen, t('servers.title'), problem(e));
  }
  page(
    gen,
    t('servers.title'),
    servers.length
      ? table(t('servers.title'), [t('col.server'), t('col.host'), t('col.user'), t('col.port'), t('col.apps')], servers.map((s) => [s.name, s.host, s.user, s.port, h('a', { href: `#/apps?server=${enc(s.name)}` }, String(s.apps))]))
      : h('p', {}, t('servers.none')),
    ...servers.map((s) => section(`nodes-${s.name.replace(/[^A-Za-z0-9-]/g, '-')}`, t('servers.nodes', { server: s.name }), nodesOf(s.name))),
  );
}

/** a server's swarm nodes, loaded on their own (an unreachable server does not hold up the page) */
function nodesOf(server: string): HTMLElement {
  const box = h('div', {}, loading());
  api<{ nodes: NodeRow[] }>(`servers/${enc(server)}/nodes`).then(
    ({ nodes }) =>
      box.replaceChildren(
        table(
          t('servers.nodes', { server }),
          [t('col.node'), t('col.role'), t('col.availability'), t('col.state'), t('col.address'), t('col.labels'), t('col.tasks')],
          nodes.map((n) => [n.hostname, n.managerStatus ? `${n.role} (${n.managerStatus})` : n.role, n.availability, n.state, n.address, Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(', '), String(n.tasks)]),
        ),
      ),
    (e: unknown) => box.replaceChildren(problem(e)),
  );
  return box;
}

interface RecipeRow {
  name: string;
  description: string;
  category: string;
  status: number;
  features: Record<string, string>;
  tags: string[];
  words: string[];
  latest: string;
  level: number | null;
  website: string;
}

async function recipesPage(): Promise<void> {
  const gen = generation;
  page(gen, t('recipes.title'), loading());
  let data: { recipes: RecipeRow[]; warnings: string[] };
  try {
    data = await api('recipes');
  } catch (e) {
    return page(gen, t('recipes.title'), problem(e));
  }
  const search = h('input', { type: 'search', autocomplete: 'off' });
  const status = select([['', t('filter.any')], ...[5, 4, 3, 2, 1].map((n): [string, string] => [String(n), t('recipes.status-at-least', { n })])]);
  const level = select([['', t('filter.any')], ...[1, 2, 3, 4, 5, 6, 7].map((n): [string, string] => [String(n), t('recipes.level-at-least', { n })])]);
  const categories = [...new Set(data.recipes.map((r) => r.category).filter(Boolean))].sort();
  const category = select([['', t('filter.any')], ...categories.map((c): [string, string] => [c, c])]);
  const count = h('p', { role: 'status', class: 'count' });
  const list = h('ul', { class: 'cards' });
  const draw = () => {
    const rows = data.recipes.filter(
      (r) => matchesWords(r.words, search.value) && (!status.value || r.status >= Number(status.value)) && (!level.value || (r.level ?? -1) >= Number(level.value)) && (!category.value || r.category === category.value),
    );
    count.textContent = t('recipes.count', { shown: rows.length, total: data.recipes.length });
    list.replaceChildren(
      ...rows.map((r) =>
        h(
          'li',
          { class: 'card' },
          h('h2', {}, r.name),
          h('p', {}, r.description),
          h(
            'dl',
            { class: 'summary' },
            h('dt', {}, t('col.category')),
            h('dd', {}, r.category || t('common.none')),
            h('dt', {}, t('col.status')),
            h('dd', {}, t('recipes.status-n', { n: r.status })),
            h('dt', {}, t('col.level')),
            h('dd', {}, levelText(r.level)),
            h('dt', {}, t('col.latest')),
            h('dd', {}, r.latest || t('common.none')),
            h('dt', {}, t('col.features')),
            h('dd', {}, Object.entries(r.features).filter(([, v]) => v && !/^no\b/i.test(v)).map(([k]) => k).join(', ') || t('common.none')),
            r.tags.length ? [h('dt', {}, t('col.tags')), h('dd', {}, r.tags.join(', '))] : null,
          ),
          h('a', { href: `#/new/${enc(r.name)}`, 'aria-label': t('recipes.create-for', { name: r.name }) }, t('recipes.create')),
        ),
      ),
    );
  };
  for (const c of [search, status, level, category]) c.addEventListener('input', draw);
  page(gen, 
    t('recipes.title'),
    warnings(data.warnings),
    h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': t('recipes.filters'), onsubmit: (e: Event) => e.preventDefault() },
      field(t('recipes.search'), search, t('recipes.search-hint')),
      field(t('col.status'), status),
      field(t('col.level'), level),
      field(t('col.category'), category),
    ),
    count,
    list,
  );
  draw();
}

async function newAppPage(recipe: string): Promise<void> {
  const gen = generation;
  const title = t('new.title', { recipe });
  page(gen, title, loading());
  let servers: string[];
  try {
    servers = (await api<{ servers: { name: string }[] }>('servers')).servers.map((s) => s.name);
  } catch (e) {
    return page(gen, title, problem(e));
  }
  const recipeIn = h('input', { type: 'text', value: recipe, required: true, autocomplete: 'off' });
  const server = select(servers.map((s): [string, string] => [s, s]));
  const domain = h('input', { type: 'text', required: true, autocomplete: 'off', inputmode: 'url' });
  const result = h('div', { role: 'status' });
  const create = h('button', { type: 'submit' }, t('new.create'));
  page(gen, 
    title,
    h(
      'form',
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          create.disabled = true;
          try {
            const r = await api<{ domain: string; version?: string; secrets: Secret[]; warnings: string[] }>('apps', { method: 'POST', body: { recipe: recipeIn.value, server: server.value, domain: domain.value } });
            result.replaceChildren(h('p', { class: 'success' }, t('new.created', { domain: r.domain, version: r.version ?? '' })), warnings(r.warnings) ?? '', secretValues(r.secrets), h('a', { href: `#/apps/${enc(r.domain)}` }, t('new.open', { domain: r.domain })));
          } catch (err) {
            result.replaceChildren(problem(err));
            create.disabled = false;
          }
        },
      },
      field(t('col.recipe'), recipeIn),
      field(t('col.server'), server),
      field(t('col.domain'), domain, t('new.domain-hint')),
      create,
    ),
    result,
  );
}

// ---- routing -------------------------------------------------------------------

function route(): void {
  for (const s of streams) s.close();
  streams = [];
  generation++;
  const [path] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'apps' && parts[1]) void appPage(parts[1]);
  else if (parts[0] === 'servers') void serversPage();
  else if (parts[0] === 'recipes') void recipesPage();
  else if (parts[0] === 'new' && parts[1]) void newAppPage(parts[1]);
  else void appsPage();
}

shell();
window.addEventListener('hashchange', route);
route();
