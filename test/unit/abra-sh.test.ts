import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAbraShExports, readAbraShFunctions } from '../../src/core/abra-sh.js';

const ABRA_SH = `#!/bin/bash

export APP_ENTRYPOINT_VERSION=v4
export PG_BACKUP_VERSION="v6"
export NGINX_CONF_VERSION='v2' # bump when nginx.conf changes
export  SPACED=v1
  export INDENTED=ignored
#export COMMENTED=v1
EXPORT_LOOKALIKE=v1

abra_backup_app() { _abra_backup_dir "app:/var/www/html/"; }
abra_backup_db()  { _abra_backup_mysql "db" "site"; }
_private_helper() {
  export INSIDE=v1
}
function migrate {
  echo migrating
}
function set_admin_pass() {
  echo "$@"
}
# commented() {
reset ()
{
  true
}
`;

test('readAbraShExports reads top-level export lines, unquoting values', () => {
  assert.deepEqual(readAbraShExports(ABRA_SH), {
    APP_ENTRYPOINT_VERSION: 'v4',
    PG_BACKUP_VERSION: 'v6',
    NGINX_CONF_VERSION: 'v2',
    SPACED: 'v1',
  });
  assert.deepEqual(readAbraShExports('export A=1\nexport A=2\n'), { A: '2' });
  assert.deepEqual(readAbraShExports('export A=x # comment\r\n'), { A: 'x' });
});

test('readAbraShFunctions lists public function names in order', () => {
  assert.deepEqual(readAbraShFunctions(ABRA_SH), ['abra_backup_app', 'abra_backup_db', 'migrate', 'set_admin_pass', 'reset']);
  assert.deepEqual(readAbraShFunctions(''), []);
});
