// Every string the UI shows comes from one message catalogue
// (messages/<lang>.json, flat keys); `{name}` placeholders are filled from
// `vars`. A missing key shows the key itself, and the unit test
// (test/unit/web-messages.test.ts) fails on it.

import en from './messages/en.json' with { type: 'json' };

export type MessageKey = keyof typeof en;
const catalogue: Record<string, string> = en;

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = catalogue[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export const lang = catalogue['meta.lang'] ?? 'en';
