#!/usr/bin/env bash
# Build a tiny web image from Debian's busybox-static with `docker import`
# (no image registry is needed): every applet symlinked, /www/version, and
# /www/healthy unless the third argument is "unhealthy".
#   scripts/build-image.sh <repository> <tag> [healthy|unhealthy]
set -euo pipefail
repo=$1 tag=$2 health=${3:-healthy}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,www,tmp,data}
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
echo "$repo $tag" >"$root/www/version"
[ "$health" = unhealthy ] || echo ok >"$root/www/healthy"
tar -C "$root" -c . | docker import \
  -c 'CMD ["httpd","-f","-p","8080","-h","/www"]' \
  -c 'ENV PATH=/bin' - "$repo:$tag" >/dev/null
