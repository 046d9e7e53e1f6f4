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
# End-to-end files run three at a time (each uses its own domains, stacks and
# $ABRA_DIR, and waits mostly on Swarm), except those that count processes or
# sessions on the machine (ssh, remote `cat`), which run alone afterwards.
ALONE='test/e2e/(transport|signals|ssh-reuse)\.test\.ts$'
node --import tsx --test --test-concurrency=3 $(ls test/e2e/*.test.ts | grep -Ev "$ALONE")
side_by_side=$?
node --import tsx --test --test-concurrency=1 $(ls test/e2e/*.test.ts | grep -E "$ALONE")
alone=$?
e2e=$(( side_by_side || alone ))
scripts/lab.sh down
scripts/rig.sh down
echo "unit tests: exit $unit; end-to-end tests: exit $e2e" >&2
[ "$unit" = 0 ] && [ "$e2e" = 0 ]
