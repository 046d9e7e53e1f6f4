#!/usr/bin/env bash
# npm run bench: start the rig, run the benchmarks, tear down what was started.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build || exit 1
scripts/rig.sh up || exit 1
scripts/lab.sh up || { scripts/lab.sh down; scripts/rig.sh down; exit 1; }   # the 3-node lab (bench/multinode.ts)
export KITE_SSH_CONFIG="$PWD/.rig/ssh_config"
node --import tsx bench/run.ts "$@"
rc=$?
scripts/lab.sh down
scripts/rig.sh down
exit $rc
