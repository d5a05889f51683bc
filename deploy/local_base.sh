#!/bin/sh
# Build a stand-in for python:3.11-slim-bookworm from Debian's own packages, for machines
# that reach Debian's mirror but no image registry: debootstrap a minimal bookworm, import
# it, and add Python 3.11 with venv. `make image` calls this when the base cannot be pulled.
#
#   sh deploy/local_base.sh [TAG]      (default: localhost/python:3.11-slim-bookworm)
set -eu
TAG="${1:-localhost/python:3.11-slim-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log"; exit 1; }
tar -C "$WORK/rootfs" -c . | podman import - localhost/debian-bookworm-minbase >/dev/null
cat >"$WORK/Containerfile" <<'CONTAINERFILE'
FROM localhost/debian-bookworm-minbase
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.11 python3.11-venv ca-certificates \
    && ln -sf /usr/bin/python3.11 /usr/local/bin/python \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
CONTAINERFILE
podman build --quiet -t "$TAG" -f "$WORK/Containerfile" "$WORK" >/dev/null
echo "$TAG"
