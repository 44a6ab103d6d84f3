#!/usr/bin/env bash
# A JDK base image from Debian's packages, for machines that cannot pull one from a registry
# (CI here reaches Debian's mirror and Maven Central, not Docker Hub): debootstrap of Debian 12
# with openjdk-17-jre-headless, turned into an image by docker import. Needs root, debootstrap
# and a running Docker engine. Kept in Docker's image store: run again, it does nothing.
#
#   scripts/debian-jre-image.sh [TAG]        default learn-rocketmq/jre:17-bookworm
#   ./rocketmq image --base learn-rocketmq/jre:17-bookworm
set -euo pipefail
tag=${1:-learn-rocketmq/jre:17-bookworm}
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag: already built"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "ERROR: debootstrap is missing: apt-get install debootstrap" >&2; exit 2; }
rootfs=$(mktemp -d "${TMPDIR:-/tmp}/jre-rootfs.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT
# minbase: Debian's essential packages and apt, no more; the JRE (headless) with its dependencies.
debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
# What a JDK image sets: java on PATH, JAVA_HOME, a UTF-8 locale.
java_home=/usr/lib/jvm/$(ls "$rootfs/usr/lib/jvm" | grep -m1 '^java-17-openjdk')
tar -C "$rootfs" -c . | docker import \
  --change "ENV JAVA_HOME=$java_home" \
  --change "ENV PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV LANG=C.UTF-8" \
  --change 'CMD ["bash"]' - "$tag" >/dev/null
echo "$tag: built from Debian's packages ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%d MB", $1 / 1e6}'))"
