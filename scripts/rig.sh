#!/usr/bin/env bash
# The end-to-end test rig: real Docker Swarm, real sshd on loopback, test images.
#
#   scripts/rig.sh up     install what is missing, start what is not running
#   scripts/rig.sh down   stop and remove what `up` created (and only that)
#   scripts/rig.sh swarm  only Docker, a single-node swarm and the proxy network
#
# `up` also serves an image registry on 127.0.0.1:$REGISTRY_PORT (Debian's
# docker-registry, storage in .rig/registry) holding $IMAGE:{1.0,1.1,2.0,unhealthy} as
# 127.0.0.1:$REGISTRY_PORT/$IMAGE, for the `kite recipe upgrade` tests, and a
# second one on 127.0.0.1:$AUTH_REGISTRY_PORT that wants a login (htpasswd,
# user kite; storage, htpasswd and a docker config.json holding the login in
# .rig/registry-auth) holding $IMAGE:1.0 as kite-test/private:1.0.
#
# State lives in .rig/ (gitignored): keys, ssh config, pids, and a list of
# what `up` created so `down` removes exactly that. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
RIG="$PWD/.rig"
SSH_PORT="${KITE_RIG_SSH_PORT:-2222}"
DEAD_PORT="${KITE_RIG_DEAD_PORT:-2299}"
IMAGE=kite-test/web
REGISTRY_PORT="${KITE_RIG_REGISTRY_PORT:-5000}"
AUTH_REGISTRY_PORT="${KITE_RIG_AUTH_REGISTRY_PORT:-5001}"
AUTH_REGISTRY_PASSWORD=kite-rig-secret

log() { printf 'rig: %s\n' "$*" >&2; }
created() { echo "$1" >>"$RIG/created"; }
was_created() { grep -qxF "$1" "$RIG/created" 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  [ -x /bin/busybox ] || need+=(busybox-static)
  command -v git >/dev/null || need+=(git)
  command -v tmux >/dev/null || need+=(tmux)
  command -v docker-registry >/dev/null || need+=(docker-registry)
  command -v pass >/dev/null || need+=(pass)     # --pass tests (passwordstore.org)
  command -v gpg >/dev/null || need+=(gnupg)
  command -v htpasswd >/dev/null || need+=(apache2-utils)
  command -v chromium >/dev/null || need+=(chromium)   # kite web's browser tests (playwright-core drives it)
  command -v restic >/dev/null || need+=(restic)   # the backup helper image (kite-test/restic)
  command -v ssh >/dev/null || need+=(openssh-client)
  command -v openssl >/dev/null || need+=(openssl)   # kite web --listen with TLS: the test makes a throwaway certificate
  command -v curl >/dev/null || need+=(curl)   # the registries' readiness checks
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

docker_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_dockerd() {
  if docker_up; then return; fi
  log "starting dockerd"
  as_root mkdir -p /var/run
  (as_root dockerd >"$RIG/dockerd.log" 2>&1 & echo $! >"$RIG/dockerd.pid")
  created dockerd
  for _ in $(seq 1 100); do docker_up && return; sleep 0.2; done
  log "dockerd did not start; see $RIG/dockerd.log"; tail -20 "$RIG/dockerd.log" >&2; exit 1
}

start_swarm() {
  local state
  state=$(docker info --format '{{.Swarm.LocalNodeState}}')
  if [ "$state" != active ]; then
    log "docker swarm init"
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
    created swarm
  fi
  if ! docker network inspect proxy >/dev/null 2>&1; then
    docker network create -d overlay --attachable proxy >/dev/null
    created network:proxy
  fi
}

# Test images from busybox-static: every applet symlinked, a tiny web root.
# Tags 1.0, 1.1, 2.0 serve different versions; `unhealthy` lacks the file the
# test recipes' healthcheck looks for.
build_images() {
  local tag
  for tag in 1.0 1.1 2.0 unhealthy; do
    if docker image inspect "$IMAGE:$tag" >/dev/null 2>&1; then continue; fi
    scripts/build-image.sh "$IMAGE" "$tag" "$([ "$tag" = unhealthy ] && echo unhealthy || echo healthy)"
    created "image:$IMAGE:$tag"
  done
}

# The backup helper image: Debian's restic and ssh with their libraries, busybox for sh.
build_restic_image() {
  if docker image inspect kite-test/restic:latest >/dev/null 2>&1; then return; fi
  scripts/build-restic-image.sh kite-test/restic latest
  created "image:kite-test/restic:latest"
}

start_sshd() {
  mkdir -p "$RIG/ssh"
  local d="$RIG/ssh"
  if [ -f "$d/sshd.pid" ] && kill -0 "$(cat "$d/sshd.pid")" 2>/dev/null; then
    # an sshd started before the backup tests needed sftp: add it, reload (SIGHUP)
    if ! grep -q '^Subsystem' "$d/sshd_config"; then
      echo 'Subsystem sftp internal-sftp' >>"$d/sshd_config"
      as_root kill -HUP "$(cat "$d/sshd.pid")"
    fi
    return
  fi
  [ -f "$d/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/host_ed25519"
  [ -f "$d/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/id_ed25519"
  cp "$d/id_ed25519.pub" "$d/authorized_keys"
  cat >"$d/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowStreamLocalForwarding yes
MaxSessions 50
Subsystem sftp internal-sftp
EOF
  # known_hosts pinned to the throwaway host key: strict checking stays on
  echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$d/host_ed25519.pub")" >"$d/known_hosts"
  cat >"$RIG/ssh_config" <<EOF
# Written by scripts/rig.sh for the tests (KITE_SSH_CONFIG points here).
Host kite-test kite-test-2
  HostName 127.0.0.1
  Port $SSH_PORT
  User root
  IdentityFile $d/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  StrictHostKeyChecking yes
# reached through kite-test as a jump host: ProxyJump must work
Host kite-jump
  HostName 127.0.0.1
  Port $SSH_PORT
  User root
  ProxyJump kite-test
  IdentityFile $d/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  StrictHostKeyChecking yes
Host kite-unreachable
  HostName 127.0.0.1
  Port $DEAD_PORT
  User root
  IdentityFile $d/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  StrictHostKeyChecking yes
  ConnectTimeout 3
EOF
  as_root mkdir -p /run/sshd
  as_root /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
  for _ in $(seq 1 50); do [ -s "$d/sshd.pid" ] && break; sleep 0.1; done
  ssh -F "$RIG/ssh_config" -o BatchMode=yes kite-test true || { log "ssh to the rig's sshd failed"; cat "$d/sshd.log" >&2; exit 1; }
  created sshd
}

registry_up() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$REGISTRY_PORT/v2/"; }

# The registry runs detached (setsid) so it outlives this script; its pid is
# in .rig/registry/registry.pid. Tags already in the registry are not pushed again.
start_registry() {
  local d="$RIG/registry" tag remote
  mkdir -p "$d/data"
  if ! registry_up; then
    log "starting docker-registry on 127.0.0.1:$REGISTRY_PORT"
    printf '%s\n' 'version: 0.1' 'log:' '  level: warn' 'storage:' '  filesystem:' "    rootdirectory: $d/data" \
      '  delete:' '    enabled: true' 'http:' "  addr: 127.0.0.1:$REGISTRY_PORT" >"$d/config.yml"
    setsid docker-registry serve "$d/config.yml" >"$d/registry.log" 2>&1 </dev/null &
    echo $! >"$d/registry.pid"
    was_created registry || created registry
    for _ in $(seq 1 50); do registry_up && break; sleep 0.1; done
    registry_up || { log "docker-registry did not start; see $d/registry.log"; tail -20 "$d/registry.log" >&2; exit 1; }
  fi
  for tag in 1.0 1.1 2.0 unhealthy; do
    remote="127.0.0.1:$REGISTRY_PORT/$IMAGE:$tag"
    if curl -fs -o /dev/null --max-time 5 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      "http://127.0.0.1:$REGISTRY_PORT/v2/$IMAGE/manifests/$tag"; then continue; fi
    docker tag "$IMAGE:$tag" "$remote"
    docker push -q "$remote" >/dev/null
    was_created "image:$remote" || created "image:$remote"
  done
}

# 401 without a login: it is up
auth_registry_up() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$AUTH_REGISTRY_PORT/v2/")" = 401 ]; }

start_auth_registry() {
  local d="$RIG/registry-auth" remote="127.0.0.1:$AUTH_REGISTRY_PORT/kite-test/private:1.0"
  mkdir -p "$d/data" "$d/docker"
  if ! auth_registry_up; then
    log "starting docker-registry with htpasswd auth on 127.0.0.1:$AUTH_REGISTRY_PORT"
    htpasswd -Bbn kite "$AUTH_REGISTRY_PASSWORD" >"$d/htpasswd"
    printf '%s\n' 'version: 0.1' 'log:' '  level: warn' 'storage:' '  filesystem:' "    rootdirectory: $d/data" \
      'auth:' '  htpasswd:' '    realm: kite-rig' "    path: $d/htpasswd" 'http:' "  addr: 127.0.0.1:$AUTH_REGISTRY_PORT" >"$d/config.yml"
    setsid docker-registry serve "$d/config.yml" >"$d/registry.log" 2>&1 </dev/null &
    echo $! >"$d/registry.pid"
    was_created registry-auth || created registry-auth
    for _ in $(seq 1 50); do auth_registry_up && break; sleep 0.1; done
    auth_registry_up || { log "docker-registry (auth) did not start; see $d/registry.log"; tail -20 "$d/registry.log" >&2; exit 1; }
  fi
  printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "$AUTH_REGISTRY_PORT" "$(printf 'kite:%s' "$AUTH_REGISTRY_PASSWORD" | base64 -w0)" >"$d/docker/config.json"
  if curl -fs -o /dev/null --max-time 5 -u "kite:$AUTH_REGISTRY_PASSWORD" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://127.0.0.1:$AUTH_REGISTRY_PORT/v2/kite-test/private/manifests/1.0"; then return; fi
  docker tag "$IMAGE:1.0" "$remote"
  docker --config "$d/docker" push -q "$remote" >/dev/null
  # not kept locally: a node must pull it, with the credentials
  docker image rm "$remote" >/dev/null
}

up() {
  mkdir -p "$RIG"
  install_missing
  start_dockerd
  start_swarm
  build_images
  build_restic_image
  start_sshd
  start_registry
  start_auth_registry
  log "ready (ssh config: $RIG/ssh_config)"
}

down() {
  [ -d "$RIG" ] || return 0
  # stacks the tests left behind (all test stacks end in _kite_test)
  if docker_up; then
    for s in $(docker service ls --format '{{.Name}}' --filter label=com.docker.stack.namespace 2>/dev/null | grep -E '_kite_test_' || true); do
      docker service rm "$s" >/dev/null 2>&1 || true
    done
  fi
  if was_created sshd && [ -f "$RIG/ssh/sshd.pid" ]; then kill "$(cat "$RIG/ssh/sshd.pid")" 2>/dev/null || true; fi
  if was_created registry && [ -f "$RIG/registry/registry.pid" ]; then kill "$(cat "$RIG/registry/registry.pid")" 2>/dev/null || true; fi
  if was_created registry-auth && [ -f "$RIG/registry-auth/registry.pid" ]; then kill "$(cat "$RIG/registry-auth/registry.pid")" 2>/dev/null || true; fi
  if docker_up; then
    grep '^image:' "$RIG/created" 2>/dev/null | sed 's/^image://' | while read -r img; do
      docker image rm -f "$img" >/dev/null 2>&1 || true
    done
    if was_created network:proxy; then docker network rm proxy >/dev/null 2>&1 || true; fi
    if was_created swarm; then docker swarm leave --force >/dev/null 2>&1 || true; fi
  fi
  if was_created dockerd && [ -f "$RIG/dockerd.pid" ]; then
    as_root pkill -f '^dockerd' 2>/dev/null || true
  fi
  rm -rf "$RIG"
  log "down"
}

case "${1:-}" in
  up) up ;;
  # the demo's daemon and swarm are not the test rig's to tear down
  swarm) RIG="$PWD/.demo/rig"; mkdir -p "$RIG"; install_missing; start_dockerd; start_swarm ;;
  down) down ;;
  *) echo "usage: $0 up|down|swarm" >&2; exit 2 ;;
esac
