import { RecipeError } from '../errors.js';

/**
 * A compose problem in one service. `location.key` is the compose path, e.g.
 * `services.app.secrets`, which RecipeError puts in front of the message
 * (after the file name, when a caller that knows the file re-throws it).
 */
export function serviceError(service: string, key: string, message: string): RecipeError {
  return new RecipeError(message, undefined, { key: `services.${service}.${key}` });
}
