// Searching the recipe catalogue the way operators ask: every word of the
// query must start a word of the recipe's name, description, category,
// features or derived tags ("fedi" finds the fediverse apps, whose
// descriptions say "ActivityPub", "federated", "microblogging", …).

import type { RecipeMeta } from './catalogue.js';

/** tags a recipe gets when its name or description mentions one of the words */
const DERIVED_TAGS: Record<string, string[]> = {
  fediverse: ['activitypub', 'fediverse', 'federated', 'federation', 'microblog', 'microblogging', 'mastodon', 'pleroma', 'akkoma', 'misskey', 'gotosocial', 'pixelfed', 'peertube', 'lemmy', 'funkwhale', 'bookwyrm', 'mobilizon', 'writefreely', 'bonfire', 'friendica', 'hubzilla', 'owncast'],
  chat: ['chat', 'matrix', 'xmpp', 'messaging', 'messenger', 'rocketchat', 'mattermost', 'zulip'],
  sso: ['sso', 'oidc', 'openid', 'saml', 'ldap', 'keycloak', 'authentik', 'identity'],
  files: ['files', 'file', 'nextcloud', 'storage', 'sync'],
};

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** the derived tags of a recipe (sorted) */
export function recipeTags(meta: Pick<RecipeMeta, 'name' | 'description'>): string[] {
  const own = new Set(words(`${meta.name} ${meta.description}`));
  return Object.entries(DERIVED_TAGS)
    .filter(([, triggers]) => triggers.some((t) => own.has(t)))
    .map(([tag]) => tag)
    .sort();
}

/** all the words a recipe can be found by */
export function searchWords(meta: RecipeMeta): string[] {
  const f = meta.features ?? ({} as RecipeMeta['features']);
  const featureText = [f.backups, f.email, f.healthcheck, f.tests, f.sso].filter((v) => v && !/^no\b/i.test(v)).join(' ');
  const named = [f.backups && !/^no\b/i.test(f.backups) ? 'backups' : '', f.email && !/^no\b/i.test(f.email) ? 'email' : '', f.healthcheck && !/^no\b/i.test(f.healthcheck) ? 'healthcheck' : '', f.sso && !/^no\b/i.test(f.sso) ? 'sso' : ''].join(' ');
  return words([meta.name, meta.description, meta.category, featureText, named, ...recipeTags(meta)].join(' '));
}

/** every word of the query starts one of the words (the UI filters with this over searchWords) */
export function matchesWords(have: string[], query: string): boolean {
  return words(query).every((q) => have.some((w) => w.startsWith(q)));
}

export function matchesQuery(meta: RecipeMeta, query: string): boolean {
  return matchesWords(searchWords(meta), query);
}
