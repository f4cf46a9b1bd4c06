#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds vkms.ko (the kernel's virtual KMS driver, with overlay planes, PRIME import and a
# writeback connector) for Debian kernel KREL, whose own build leaves it out
# (# CONFIG_DRM_VKMS is not set): the applicant's screen's zero-copy plane path needs a display
# with a second plane that imports a dma-buf, which QEMU's bochs-display and virtio-gpu are not
# (docs/screen.md, "Which path a display takes").
#   scripts/vkms.sh KREL     -> prints the directory that holds vkms.ko (and build.log)
# Source: drivers/gpu/drm/vkms/ of Debian's linux-source-SERIES (SERIES 6.1 or 6.12 from KREL;
# /usr/src/linux-source-SERIES.tar.xz, scripts/deps.sh installs both), built out of tree against
# linux-headers-KREL (make -C /usr/src/linux-headers-KREL M=... CONFIG_DRM_VKMS=m). The DRM
# helpers it needs (drm, drm_kms_helper, drm_shmem_helper) are modules of Debian's kernels:
# tests/vm/run-vm.sh --modules puts them in the VM from vkms.ko's own `depends`.
# Cache: ${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-~/.cache}/biounit}/vkms/KREL/ (src/, vkms.ko,
# build.log, .stamp naming the source package's version). Idempotent; fails on a build error, on
# a warning, or when modpost finds a symbol the kernel does not export.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 KREL   (e.g. $0 6.12.118+deb12-amd64)" >&2
	exit 2
fi
KREL=$1
case $KREL in
6.1.*) SERIES=6.1 ;;
6.12.*) SERIES=6.12 ;;
*)
	echo "vkms.sh: $KREL: no Debian linux-source series known for it (6.1, 6.12)" >&2
	exit 1
	;;
esac
CACHE=${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}
DIR=$CACHE/vkms/$KREL
KDIR=${BIOUNIT_HEADERS_DIR:-/usr/src}/linux-headers-$KREL
TARBALL=/usr/src/linux-source-$SERIES.tar.xz
[ -f "$KDIR/Makefile" ] || {
	echo "vkms.sh: no $KDIR (apt-get install linux-headers-$KREL)" >&2
	exit 1
}
[ -f "$TARBALL" ] || {
	echo "vkms.sh: no $TARBALL (apt-get install linux-source-$SERIES, scripts/deps.sh)" >&2
	exit 1
}
version=$(dpkg-query -W -f '${Version}' "linux-source-$SERIES" 2>/dev/null || stat -c %Y "$TARBALL")
key="linux-source-$SERIES $version"

if [ -f "$DIR/.stamp" ] && [ "$(cat "$DIR/.stamp")" = "$key" ] && [ -f "$DIR/vkms.ko" ]; then
	echo "$DIR"
	exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR/src"
echo "vkms.sh: extracting drivers/gpu/drm/vkms from $TARBALL ($version)" >&2
tar -xJf "$TARBALL" -C "$DIR/src" --strip-components=5 "linux-source-$SERIES/drivers/gpu/drm/vkms/"
[ -f "$DIR/src/Makefile" ] || {
	echo "vkms.sh: $TARBALL has no drivers/gpu/drm/vkms/" >&2
	exit 1
}
echo "vkms.sh: building vkms.ko against $KDIR" >&2
if ! make -C "$KDIR" M="$DIR/src" CONFIG_DRM_VKMS=m -j"${JOBS:-2}" modules >"$DIR/build.log" 2>&1; then
	grep -iE 'error|warning' "$DIR/build.log" | head -n 20 >&2 || true
	echo "vkms.sh: build failed, see $DIR/build.log" >&2
	exit 1
fi
# modpost's "undefined!" is a warning: a symbol the stock kernel does not export would only fail
# at modprobe time in the VM. Any warning fails here.
if grep -qi 'warning' "$DIR/build.log"; then
	grep -i 'warning' "$DIR/build.log" | head -n 20 >&2
	echo "vkms.sh: warnings in $DIR/build.log" >&2
	exit 1
fi
cp "$DIR/src/vkms.ko" "$DIR/vkms.ko"
echo "$key" >"$DIR/.stamp"
echo "vkms.sh: built $DIR/vkms.ko (depends: $(modinfo -F depends "$DIR/vkms.ko"))" >&2
echo "$DIR"
