import { Option } from '@commander-js/extra-typings';
import { seconds } from '../parse.js';

/** --lock-wait of the commands that take an app's lock besides deploy, upgrade and rollback */
export function lockWaitOption(): Option {
  return new Option('--lock-wait <seconds>', 'wait this long for another command on the app (a deploy...) to finish (0: do not wait)').argParser(seconds({ zero: true }));
}
