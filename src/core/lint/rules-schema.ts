// K008: abra checks each compose file against the compose 3.x schema as
// written, before the app's variables are put in (`abra app new` refuses
// `start_period: ${APP_START_PERIOD:-5m}`: "Does not match format
// 'duration'"). `docker stack deploy`, and kite's deploy, interpolate
// first, so a placeholder where the schema wants a number or a duration
// deploys with kite but stops abra users at `app new`. A warning: kite
// deploys such a recipe; most of the federation's operators cannot.

import { analyse, message } from './analysis.js';
import { validateComposeSchema } from '../compose/schema.js';
import { findings, type LintRule } from './types.js';

export const schemaRules: LintRule[] = [
  {
    ref: 'K008',
    level: 'warn',
    description: 'compose files pass the schema as written (abra app new)',
    howToResolve: 'no ${…} where the schema wants a number, a boolean or a duration: write the value, or move the choice into an overlay compose file',
    check(recipe) {
      const found: string[] = [];
      for (const [file, raw] of Object.entries(analyse(recipe).raw)) {
        if (raw === undefined) continue; // K001 reports a file that does not parse
        try {
          validateComposeSchema(raw, file);
        } catch (e) {
          found.push(message(e));
        }
      }
      return findings(found);
    },
  },
];
