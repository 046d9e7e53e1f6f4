// `app check`: which keys of the recipe's .env.sample the app env file lacks
// (abra's CheckEnv → []EnvVar{Name, Present}). Only assignments count: a key
// commented out in the sample is optional and never reported, and a key
// commented out in the app env file is not present.

import { parseEnvFile } from './env-file.js';

export interface EnvKeyCheck {
  key: string;
  present: boolean;
}

/** Every key the sample assigns, in sample order, with whether the app env assigns it. */
export function checkEnvKeys(sampleText: string, sampleFile: string, appText: string, appFile: string): EnvKeyCheck[] {
  const sample = parseEnvFile(sampleText, sampleFile);
  const app = parseEnvFile(appText, appFile);
  const seen = new Set<string>();
  const out: EnvKeyCheck[] = [];
  for (const e of sample.entries) {
    if (seen.has(e.key)) continue;
    seen.add(e.key);
    out.push({ key: e.key, present: Object.hasOwn(app.env, e.key) });
  }
  return out;
}
