#!/usr/bin/env bash
# Build the backup helper image for the tests with `docker import` (no registry
# needed): Debian's restic and ssh (for sftp: repositories) with the shared
# libraries they load, plus busybox-static for sh, tar and the other tools.
#   scripts/build-restic-image.sh <repository> <tag>
set -euo pipefail
repo=$1 tag=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,tmp,root/.ssh,usr/bin}
chmod 1777 "$root/tmp"
chmod 700 "$root/root" "$root/root/.ssh"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
copy_with_libs() {
  local bin=$1 lib
  cp "$bin" "$root/usr/bin/"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
copy_with_libs "$(command -v restic)"
copy_with_libs "$(command -v ssh)"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
tar -C "$root" -c . | docker import \
  -c 'CMD ["restic","version"]' \
  -c 'ENV PATH=/usr/bin:/bin' -c 'ENV HOME=/root' - "$repo:$tag" >/dev/null
