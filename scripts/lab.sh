#!/usr/bin/env bash
# The multi-node lab: a 3-node Docker Swarm on this one machine, for the
# multi-node end-to-end tests (issue 12). Adapted from the design note
# ../shared/design/multinode-lab/swarm-lab.{md,sh}.
#
#   scripts/lab.sh up          start what is not running (idempotent); needs `scripts/rig.sh up` first
#   scripts/lab.sh down        stop and remove what `up` created (and only that)
#   scripts/lab.sh status      namespaces, daemons, `node ls`
#   scripts/lab.sh kill <i>    kill -9 node i's dockerd (a dead node, for the node-loss tests)
#   scripts/lab.sh start <i>   start node i's dockerd again (like a reboot: its old containers are gone)
#   scripts/lab.sh docker <i> <args...>   the docker CLI against node i
#
# A plain-HTTP image registry runs in the switch namespace at 192.168.197.1:5000 with
# kite-test/web:1.0 (every node trusts it): images by digest, pulled by each node.
#
# Every node is a network namespace kite-lab-nX with its own dockerd (and containerd),
# its own hostname (UTS namespace) and a private mount namespace. A bridge in a
# separate namespace (kite-lab-sw) links them. Nodes 1..3 form a swarm (node 1 is the
# manager, node 2 carries the label database=true); node 4 runs a daemon outside the
# swarm, for `kite server node join` tests.
#
# Each node is reachable as a normal kite server over SSH: .rig/lab/ssh_config (included
# from .rig/ssh_config while the lab is up) defines
#   kite-lab        the manager (node 1)
#   kite-lab-nX     node X
# whose ProxyCommand runs `sshd -i` inside the node's namespaces (nsenter into its
# dockerd's mount, network and UTS namespaces). In each node's mount namespace only,
# the node's socket is bind-mounted over /var/run/docker.sock, so the SSH forward kite
# asks for reaches that node's daemon. The default daemon and the rig's swarm are never
# touched: every docker call here names a lab socket.
#
# The kernel of the CI machine has no IP_VS: no VIP load balancing and no ingress
# mesh. Test recipes use `endpoint_mode: dnsrr` and `mode: host` ports.
set -euo pipefail
[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"   # namespaces and mounts need root
cd "$(dirname "$0")/.."
ROOT=$PWD
RIG=$ROOT/.rig
WORK=$RIG/lab
NODES=3                        # swarm nodes; node $((NODES+1)) is the spare
SPARE=$((NODES + 1))
NET=${KITE_LAB_UNDERLAY:-192.168.197}
HEARTBEAT=${KITE_LAB_HEARTBEAT:-1s}
SW=kite-lab-sw
BR=kitelabbr0
IMAGE=kite-test/web
SWARM_POOL=10.241.0.0/16
REGISTRY=$NET.1:5000           # plain-HTTP registry in the switch namespace: images by digest on every node
SELF=$ROOT/scripts/lab.sh

unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
export DOCKER_CONFIG=$WORK/docker-config

ns()   { echo "kite-lab-n$1"; }
ip_of(){ echo "$NET.$((10 + $1))"; }
sock() { echo "/var/run/kite-lab-n$1.sock"; }
pidf() { echo "/var/run/kite-lab-n$1.pid"; }
droot(){ echo "/var/lib/kite-lab-n$1"; }
xroot(){ echo "/var/run/kite-lab-n$1"; }
dk()   { local i=$1; shift; docker -H "unix://$(sock "$i")" "$@"; }
log()  { printf 'lab: %s\n' "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }

wait_for() {
  local t=$1 what=$2; shift 2
  local end=$(( $(date +%s) + t ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || { log "timeout ($t s) waiting for: $what"; return 1; }
    sleep 0.3
  done
}

install_missing() {
  local need=()
  command -v ip >/dev/null || need+=(iproute2)
  command -v iptables >/dev/null || need+=(iptables)
  command -v nsenter >/dev/null || need+=(util-linux)
  [ -x /bin/busybox ] || need+=(busybox-static)
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

preflight() {
  [ "$(id -u)" = 0 ] || die "must run as root (network and mount namespaces)"
  install_missing
  [ -f "$RIG/ssh/id_ed25519" ] && [ -f "$RIG/ssh_config" ] || die "run scripts/rig.sh up first (the lab uses its SSH keys and ssh_config)"
  mkdir -p "$WORK/logs" "$DOCKER_CONFIG"
}

# ---------------------------------------------------------------- network
net_up() {
  [ -e "/run/netns/$SW" ] || ip netns add "$SW"
  ip -n "$SW" link set lo up
  ip -n "$SW" link show "$BR" >/dev/null 2>&1 || ip -n "$SW" link add "$BR" type bridge
  ip -n "$SW" addr replace "$NET.1/24" dev "$BR"
  ip -n "$SW" link set "$BR" up
  # bridged frames must not go through iptables in the switch namespace
  ip netns exec "$SW" sh -c 'echo 0 > /proc/sys/net/bridge/bridge-nf-call-iptables' 2>/dev/null || true
  local i n
  for i in $(seq 1 "$SPARE"); do
    n=$(ns "$i")
    [ -e "/run/netns/$n" ] || ip netns add "$n"
    ip -n "$n" link set lo up
    ip -n "$SW" link show "v$n" >/dev/null 2>&1 || ip -n "$SW" link add "v$n" type veth peer name eth0 netns "$n"
    ip -n "$SW" link set "v$n" master "$BR" up
    ip -n "$n" addr replace "$(ip_of "$i")/24" dev eth0
    ip -n "$n" link set eth0 up
  done
}

# ---------------------------------------------------------------- dockerd per node
capture_cgroup_mounts() {
  awk '{ for (k = 7; k <= NF; k++) if ($k == "-") break;
         if ($(k+1) ~ /^(cgroup|cgroup2|securityfs)$/ && $5 ~ /^\/sys\//) print $5, $(k+1), $(k+3) }' \
      /proc/self/mountinfo > "$WORK/cgroup-mounts"
  find /sys/fs/cgroup -maxdepth 1 -type l -printf 'LINK %f %l\n' >> "$WORK/cgroup-mounts" 2>/dev/null || true
  [ -s "$WORK/cgroup-mounts" ] || die "no cgroup mounts found on the host"
}

# Runs inside `ip netns exec kite-lab-nX unshare --uts`: the node's netns, a new UTS
# namespace and a private mount namespace (an rslave of the host's).
node_exec() {
  local i=$1 n opts mp fs
  n=$(ns "$i")
  [ "$(stat -L -c %i /proc/self/ns/net)" = "$(stat -L -c %i "/run/netns/$n")" ] &&
    [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
    die "__node must run via 'ip netns exec $n unshare --uts'"
  # ip netns exec mounted a fresh sysfs without the cgroup hierarchies: mount them again
  while read -r mp fs opts; do
    if [ "$mp" = LINK ]; then ln -sfn "$opts" "/sys/fs/cgroup/$fs"; continue; fi
    opts=$(sed -E 's/(^|,)r[wo](,|$)/\1/; s/^,//; s/,$//' <<<"$opts")
    case $mp in
      /sys/fs/cgroup/*) mountpoint -q /sys/fs/cgroup || mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup
                        mkdir -p "$mp" ;;
    esac
    mount -t "$fs" ${opts:+-o "$opts"} "$fs" "$mp"
  done < "$WORK/cgroup-mounts"
  # this namespace's copies of the default daemon's mounts go (no propagation back)
  awk '$5 ~ "^/(var/lib/docker|run/docker)(/|$)" {print $5}' /proc/self/mountinfo |
    sort -r | while read -r mp; do umount -l "$mp" 2>/dev/null || true; done
  mkdir -p "$(droot "$i")/etc-docker"
  if [ -d /etc/docker ]; then mount --bind "$(droot "$i")/etc-docker" /etc/docker; fi
  hostname "$n"
  mkdir -p "$(droot "$i")" "$(xroot "$i")"
  [ -s "$(droot "$i")/daemon.json" ] || echo '{}' > "$(droot "$i")/daemon.json"
  # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=0: tasks pull (an image by digest from the lab registry);
  # for the local-only test images the pull fails at once (no route out) and the local image is used
  exec env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=0 dockerd \
    --config-file "$(droot "$i")/daemon.json" \
    --data-root "$(droot "$i")" \
    --exec-root "$(xroot "$i")" \
    --pidfile "$(pidf "$i")" \
    -H "unix://$(sock "$i")" \
    --storage-driver overlay2 \
    --exec-opt native.cgroupdriver=cgroupfs \
    --cgroup-parent "/kite-lab-n$i" \
    --bip "10.211.$i.1/24" \
    --default-address-pool "base=10.$((230 + i)).0.0/16,size=24" \
    --swarm-default-advertise-addr "$(ip_of "$i")" \
    --shutdown-timeout 2 \
    --log-level warn \
    --insecure-registry "$REGISTRY"
}

alive()   { [ -n "${1:-}" ] && [ -r "/proc/$1/status" ] && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"; }
dpid()    { cat "$(pidf "$1")" 2>/dev/null || true; }
node_ok() { alive "$(dpid "$1")" && dk "$1" version >/dev/null 2>&1; }

node_start() {
  local i=$1
  if node_ok "$i"; then return 0; fi
  [ -s "$WORK/cgroup-mounts" ] || capture_cgroup_mounts
  # a dead dockerd's containers live in its old mount namespace: clear them (a reboot)
  [ -z "$(node_pids "$i")" ] || node_kill "$i"
  rm -f "$(pidf "$i")"
  mkdir -p "$(droot "$i")" "$(xroot "$i")"
  setsid ip netns exec "$(ns "$i")" unshare --uts -- "$SELF" __node "$i" \
    </dev/null >>"$WORK/logs/$(ns "$i").log" 2>&1 &
  echo $! > "$WORK/n$i.launch"
  disown $!
}

node_wait() {
  local i=$1 end=$(( $(date +%s) + 60 ))
  until node_ok "$i"; do
    if ! alive "$(cat "$WORK/n$i.launch" 2>/dev/null)" || [ "$(date +%s)" -ge "$end" ]; then
      sleep 0.5; node_ok "$i" && break
      tail -n 30 "$WORK/logs/$(ns "$i").log" >&2; die "dockerd $(ns "$i") did not start"
    fi
    sleep 0.3
  done
  bind_socket "$i"
}

# the node's socket over /var/run/docker.sock, in the node's mount namespace only:
# sshd -i started there (the ProxyCommand) forwards kite's socket to it
bind_socket() {
  local i=$1 pid; pid=$(dpid "$i")
  [ -e /var/run/docker.sock ] || die "/var/run/docker.sock missing: the lab binds over it (start the rig first)"
  if [ "$(nsenter -t "$pid" -m stat -L -c %i /var/run/docker.sock)" != "$(stat -L -c %i "$(sock "$i")")" ]; then
    nsenter -t "$pid" -m mount --bind "$(sock "$i")" /var/run/docker.sock
  fi
}

# ---------------------------------------------------------------- swarm
swarm_state() { dk "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true; }
all_ready()   { [ "$(dk 1 node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$')" -ge "$NODES" ]; }

swarm_up() {
  local i tok pids=""
  if [ "$(swarm_state 1)" != active ]; then
    dk 1 swarm init --advertise-addr "$(ip_of 1)" --listen-addr "$(ip_of 1):2377" \
      --default-addr-pool "$SWARM_POOL" --default-addr-pool-mask-length 24 \
      --dispatcher-heartbeat "$HEARTBEAT" >/dev/null
  fi
  tok=$(dk 1 swarm join-token -q worker)
  for i in $(seq 2 "$NODES"); do
    [ "$(swarm_state "$i")" = active ] && continue
    dk "$i" swarm join --token "$tok" --advertise-addr "$(ip_of "$i")" \
      --listen-addr "$(ip_of "$i"):2377" "$(ip_of 1):2377" >/dev/null &
    pids="$pids $!"
  done
  for i in $pids; do wait "$i" || log "WARNING: a swarm join failed"; done
  wait_for 60 "$NODES nodes Ready" all_ready || { dk 1 node ls; die "nodes not ready"; }
  dk 1 node update --label-add database=true "$(ns 2)" >/dev/null
  dk 1 network inspect proxy >/dev/null 2>&1 || dk 1 network create -d overlay --attachable proxy >/dev/null
}

# ---------------------------------------------------------------- images
images_up() {
  local i tag img pids="" images=()
  for tag in 1.0 1.1 2.0 unhealthy; do
    images+=("$IMAGE:$tag")
    dk 1 image inspect "$IMAGE:$tag" >/dev/null 2>&1 && continue
    DOCKER_HOST="unix://$(sock 1)" scripts/build-image.sh "$IMAGE" "$tag" "$([ "$tag" = unhealthy ] && echo unhealthy || echo healthy)"
    rm -f "$WORK/images.tar"
  done
  # the backup helper image (issue 10), where restic is installed: the lab is a second server for app move
  if command -v restic >/dev/null && [ -x scripts/build-restic-image.sh ]; then
    images+=(kite-test/restic:latest)
    if ! dk 1 image inspect kite-test/restic:latest >/dev/null 2>&1; then
      DOCKER_HOST="unix://$(sock 1)" scripts/build-restic-image.sh kite-test/restic latest
      rm -f "$WORK/images.tar"
    fi
  fi
  # save/load (not a second import): every node has the same image IDs
  [ -s "$WORK/images.tar" ] || dk 1 save -o "$WORK/images.tar" "${images[@]}"
  for i in $(seq 2 "$SPARE"); do
    for img in "${images[@]}"; do
      if ! dk "$i" image inspect "$img" >/dev/null 2>&1; then
        dk "$i" load -q -i "$WORK/images.tar" >/dev/null & pids="$pids $!"
        break
      fi
    done
  done
  for i in $pids; do wait "$i" || die "image load failed"; done
}

# ---------------------------------------------------------------- registry
# Debian's docker-registry (installed by rig.sh) in the switch namespace, holding
# $REGISTRY/kite-test/web:1.0: a service using it is pinned to one digest and pulled by each node.
registry_ok() { ip netns exec "$SW" /bin/busybox wget -q -O /dev/null "http://$REGISTRY/v2/" 2>/dev/null; }
registry_up() {
  command -v docker-registry >/dev/null || { log "no docker-registry: the lab runs without its registry"; return 0; }
  if ! registry_ok; then
    mkdir -p "$WORK/registry/data"
    printf '%s\n' 'version: 0.1' 'log:' '  level: warn' 'storage:' '  filesystem:' "    rootdirectory: $WORK/registry/data" \
      'http:' "  addr: $REGISTRY" >"$WORK/registry/config.yml"
    setsid ip netns exec "$SW" docker-registry serve "$WORK/registry/config.yml" </dev/null >>"$WORK/logs/registry.log" 2>&1 &
    disown $!
    wait_for 20 "registry on $REGISTRY" registry_ok || die "the lab registry did not start; see $WORK/logs/registry.log"
  fi
  if ! ip netns exec "$SW" /bin/busybox wget -q -O /dev/null "http://$REGISTRY/v2/$IMAGE/manifests/1.0" 2>/dev/null; then
    dk 1 tag "$IMAGE:1.0" "$REGISTRY/$IMAGE:1.0"
    dk 1 push -q "$REGISTRY/$IMAGE:1.0" >/dev/null
  fi
}

# ---------------------------------------------------------------- ssh
host_block() {  # <Host name> <node number>
  # entering a node's namespaces needs root: a test user who ran this through sudo gets `sudo -n` there
  local d=$RIG/ssh i=$2 SUDO=; [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] && SUDO='sudo -n'
  cat <<EOF
Host $1
  User root
  ProxyCommand sh -c 'exec $SUDO nsenter -t "\$(cat $(pidf "$i"))" -m -n -u /usr/sbin/sshd -i -f $WORK/sshd_config -E $WORK/logs/sshd.log'
  HostKeyAlias kite-lab
  IdentityFile $d/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $WORK/known_hosts
  StrictHostKeyChecking yes
  ConnectTimeout 10
EOF
}

ssh_up() {
  local d=$RIG/ssh i
  cat >"$WORK/sshd_config" <<EOF
HostKey $d/host_ed25519
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowStreamLocalForwarding yes
MaxSessions 50
EOF
  echo "kite-lab $(cut -d' ' -f1,2 "$d/host_ed25519.pub")" >"$WORK/known_hosts"
  {
    echo "# Written by scripts/lab.sh: the lab's nodes as SSH hosts (included from .rig/ssh_config)."
    host_block kite-lab 1
    for i in $(seq 1 "$SPARE"); do host_block "$(ns "$i")" "$i"; done
  } >"$WORK/ssh_config"
  include_ssh_config
  mkdir -p /run/sshd
  ssh -F "$RIG/ssh_config" -o BatchMode=yes kite-lab true || die "ssh to kite-lab failed; see $WORK/logs/sshd.log"
}

# Include the lab's hosts from .rig/ssh_config (rig.sh may rewrite that file: `up` adds it again)
INCLUDE_LINE() { echo "Include $WORK/ssh_config"; }
include_ssh_config() {
  grep -qxF "$(INCLUDE_LINE)" "$RIG/ssh_config" && return 0
  # before any Host block, so it applies to every host name
  { INCLUDE_LINE; cat "$RIG/ssh_config"; } >"$RIG/ssh_config.lab-tmp"
  mv "$RIG/ssh_config.lab-tmp" "$RIG/ssh_config"
}
exclude_ssh_config() {
  [ -f "$RIG/ssh_config" ] || return 0
  grep -qxF "$(INCLUDE_LINE)" "$RIG/ssh_config" || return 0
  grep -vxF "$(INCLUDE_LINE)" "$RIG/ssh_config" >"$RIG/ssh_config.lab-tmp" || true
  mv "$RIG/ssh_config.lab-tmp" "$RIG/ssh_config"
}

# ---------------------------------------------------------------- up / down
up() {
  preflight
  local i t0=$SECONDS
  net_up
  capture_cgroup_mounts
  for i in $(seq 1 "$SPARE"); do node_start "$i"; done
  for i in $(seq 1 "$SPARE"); do node_wait "$i"; done
  swarm_up
  images_up
  registry_up
  ssh_up
  log "ready in $((SECONDS - t0)) s: servers kite-lab (manager) and kite-lab-n1..n$SPARE (n$SPARE is outside the swarm)"
}

node_pids() {
  local i=$1 n f
  n=$(ns "$i")
  {
    [ -e "/run/netns/$n" ] && ip netns pids "$n" 2>/dev/null
    for f in /sys/fs/cgroup/*/"$n"; do
      [ -d "$f" ] && find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null
    done
    grep -alsE -- "$(xroot "$i")[/]" /proc/[0-9]*/cmdline | cut -d/ -f3
    dpid "$i"
  } 2>/dev/null | awk -v me="$$" '/^[0-9]+$/ && $0 != me' | sort -un |
    while read -r p; do if alive "$p"; then echo "$p"; fi; done
}

node_kill() {
  local i=$1 pids
  for _ in $(seq 1 30); do
    pids=$(node_pids "$i")
    [ -z "$pids" ] && return 0
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    sleep 0.2
  done
  log "WARNING: still alive for $(ns "$i"): $(node_pids "$i" | tr '\n' ' ')"
}

known_nodes() {
  { seq 1 "$SPARE"
    for f in /run/netns/kite-lab-n* /var/lib/kite-lab-n* /var/run/kite-lab-n*.sock /var/run/kite-lab-n*.pid; do
      if [ -e "$f" ]; then basename "$f" | sed -nE 's/^kite-lab-n([0-9]+)(\.(sock|pid))?$/\1/p'; fi
    done; } | sort -un
}

down() {
  [ "$(id -u)" = 0 ] || die "must run as root"
  local i n d all pids="" p
  exclude_ssh_config
  all=$(known_nodes)
  for i in $all; do node_kill "$i" & pids="$pids $!"; done
  for i in $pids; do wait "$i" || true; done
  for i in $all; do
    n=$(ns "$i")
    for d in /sys/fs/cgroup/*/"$n" /sys/fs/cgroup/"$n"; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
    [ -e "/run/netns/$n" ] && ip netns del "$n"
    rm -rf "$(droot "$i")" "$(xroot "$i")" "$(sock "$i")" "$(pidf "$i")"
  done
  if [ -e "/run/netns/$SW" ]; then
    for _ in 1 2 3 4 5; do
      pids=$(ip netns pids "$SW" 2>/dev/null | while read -r p; do if alive "$p"; then echo "$p"; fi; done)
      [ -z "$pids" ] && break
      # shellcheck disable=SC2086
      kill -9 $pids 2>/dev/null || true; sleep 0.2
    done
    ip netns del "$SW"
  fi
  rm -rf "$WORK"
  log "down"
}

status() {
  local i
  ip netns list | grep -E '^kite-lab-' || echo "(no lab namespaces)"
  for i in $(seq 1 "$SPARE"); do
    if node_ok "$i"; then echo "$(ns "$i"): dockerd $(dpid "$i"), swarm $(swarm_state "$i")"; else echo "$(ns "$i"): not running"; fi
  done
  if node_ok 1 && [ "$(swarm_state 1)" = active ]; then dk 1 node ls; fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  kill) [ -n "${2:-}" ] && [ "$2" != 1 ] || die "usage: $0 kill <node number other than 1>"
        kill -9 "$(dpid "$2")" ;;
  start) [ -n "${2:-}" ] || die "usage: $0 start <node number>"
         mkdir -p "$WORK/logs"; node_start "$2"; node_wait "$2" ;;
  docker) shift; dk "$@" ;;
  __node) node_exec "$2" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 2 ;;
esac
