// Every string the UI shows comes from one message catalogue per language
// (messages/<lang>.json, flat keys, the same keys as en.json); `{name}`
// placeholders are filled from `vars`. The browser's preferred languages pick
// the catalogue; English is the fallback, key by key. To translate: copy
// en.json to messages/<lang>.json, translate the values, add it to
// CATALOGUES below (test/unit/web.test.ts checks its keys and placeholders).

import en from './messages/en.json' with { type: 'json' };

export type MessageKey = keyof typeof en;
const CATALOGUES: Record<string, Record<string, string>> = { en };

const wanted = (typeof navigator === 'undefined' ? [] : [...navigator.languages]).map((l) => l.toLowerCase().split('-')[0]);
const catalogue: Record<string, string> = CATALOGUES[wanted.find((l) => l in CATALOGUES) ?? 'en'];

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = catalogue[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export const lang = catalogue['meta.lang'] ?? 'en';
