#!/usr/bin/env bash
# The whole test suite: install dependencies, build, start the rig (Docker
# Swarm, sshd, test images), run unit and end-to-end tests, tear the rig down.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build || exit 1
scripts/rig.sh up || { scripts/rig.sh down; exit 1; }
# the multi-node lab (issue 12): three swarm nodes in network namespaces, reached as kite-lab
scripts/lab.sh up || { scripts/lab.sh down; scripts/rig.sh down; exit 1; }
export KITE_SSH_CONFIG="$PWD/.rig/ssh_config"
node --import tsx --test test/unit/*.test.ts
unit=$?
node --import tsx --test --test-concurrency=1 test/e2e/*.test.ts
e2e=$?
scripts/lab.sh down
scripts/rig.sh down
echo "unit tests: exit $unit; end-to-end tests: exit $e2e" >&2
[ "$unit" = 0 ] && [ "$e2e" = 0 ]
