#!/usr/bin/env bash
# kite's main job on an embedded default: a local single-node swarm (set up
# if none runs), the bundled sample recipe, deployed and shown running.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
scripts/rig.sh swarm
docker image inspect kite-sample/web:1.0 >/dev/null 2>&1 || scripts/build-image.sh kite-sample/web 1.0

export ABRA_DIR="${ABRA_DIR:-$PWD/.demo/abra}"
DOMAIN="${KITE_DEMO_DOMAIN:-sample.kite.localhost}"
kite() { node bin/kite.js "$@"; }
mkdir -p "$ABRA_DIR/recipes"
[ -d "$ABRA_DIR/recipes/kite-sample" ] || cp -r recipes/kite-sample "$ABRA_DIR/recipes/"
[ -d "$ABRA_DIR/servers/default" ] || kite server add --local
[ -f "$ABRA_DIR/servers/default/$DOMAIN.env" ] || kite app new kite-sample --server default --domain "$DOMAIN" --secrets
kite app deploy "$DOMAIN" --force
kite app ps "$DOMAIN"
echo
echo "--- http://127.0.0.1:8765/ ---"
node -e "
const go = (n) => fetch('http://127.0.0.1:8765/').then((r) => r.text()).then(console.log,
  (e) => (n > 0 ? setTimeout(() => go(n - 1), 500) : console.error('no answer:', e.message)));
go(20);"
echo
echo "ABRA_DIR=$ABRA_DIR; undeploy with: ABRA_DIR=$ABRA_DIR node bin/kite.js app undeploy $DOMAIN"
