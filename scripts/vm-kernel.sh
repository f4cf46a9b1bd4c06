#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Provides the kernel image and module tree of Debian kernel KREL for the test VM, without
# installing the image package:
#   scripts/vm-kernel.sh KREL          -> prints the directory, which holds
#     vmlinuz        the kernel
#     modules/       its /lib/modules/KREL tree (modules.dep, kernel/...)
# Directory: ${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}/kernels/KREL/
# If linux-image-KREL is installed (/boot/vmlinuz-KREL and /lib/modules/KREL/modules.dep) it is used
# in place (symlinks); otherwise `apt-get download linux-image-KREL` + `dpkg-deb -x`.
# Idempotent: a stamp file marks a complete directory.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 KREL   (e.g. $0 6.1.0-56-amd64)" >&2
	exit 2
fi
KREL=$1
CACHE=${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}
DIR=$CACHE/kernels/$KREL
stamp=$DIR/.stamp

complete() {
	[ -f "$stamp" ] && [ -r "$DIR/vmlinuz" ] && [ -f "$DIR/modules/modules.dep" ]
}

if complete; then
	echo "$DIR"
	exit 0
fi

rm -rf "$DIR"
mkdir -p "$DIR"

if [ -r "/boot/vmlinuz-$KREL" ] && [ -f "/lib/modules/$KREL/modules.dep" ] &&
	[ "${BIOUNIT_VM_KERNEL_DOWNLOAD:-0}" != 1 ]; then
	echo "vm-kernel.sh: using the installed linux-image-$KREL" >&2
	ln -s "/boot/vmlinuz-$KREL" "$DIR/vmlinuz"
	ln -s "/lib/modules/$KREL" "$DIR/modules"
else
	pkg=linux-image-$KREL
	# apt's _apt user must be able to write the download directory (a home directory is often
	# private), or apt warns and downloads unsandboxed: download into a temporary directory.
	dl=$(mktemp -d "${TMPDIR:-/tmp}/biounit-kernel.XXXXXX")
	trap 'rm -rf "$dl"' EXIT
	chmod 0755 "$dl"
	[ "$(id -u)" -ne 0 ] || chown _apt "$dl" 2>/dev/null || true
	echo "vm-kernel.sh: downloading $pkg (not installing it)" >&2
	if ! (cd "$dl" && apt-get download "$pkg" >&2); then
		echo "vm-kernel.sh: apt-get download $pkg failed; refreshing the package lists" >&2
		if [ "$(id -u)" -eq 0 ]; then apt-get update >&2; else sudo apt-get update >&2; fi
		(cd "$dl" && apt-get download "$pkg" >&2)
	fi
	deb=$(find "$dl" -maxdepth 1 -name "${pkg}_*.deb" | sort -V | tail -n1)
	[ -n "$deb" ] || {
		echo "vm-kernel.sh: no .deb of $pkg downloaded" >&2
		exit 1
	}
	echo "vm-kernel.sh: extracting $(basename "$deb")" >&2
	dpkg-deb -x "$deb" "$DIR/root"
	rm -rf "$dl"
	# Debian keeps modules in /lib/modules (usr-merge moves them later; accept both).
	mods=
	for m in "$DIR/root/lib/modules/$KREL" "$DIR/root/usr/lib/modules/$KREL"; do
		[ -d "$m" ] && mods=$m
	done
	[ -n "$mods" ] || {
		echo "vm-kernel.sh: $pkg has no modules/$KREL" >&2
		exit 1
	}
	# The package does not ship modules.dep (postinst runs depmod): make it here.
	if [ ! -f "$mods/modules.dep" ]; then
		depmod -b "$DIR/root" "$KREL" 2>/dev/null ||
			depmod -b "$DIR/root/usr" "$KREL"
	fi
	ln -s "root/boot/vmlinuz-$KREL" "$DIR/vmlinuz"
	ln -s "${mods#"$DIR"/}" "$DIR/modules"
fi

if ! [ -r "$DIR/vmlinuz" ] || ! [ -f "$DIR/modules/modules.dep" ]; then
	echo "vm-kernel.sh: incomplete kernel in $DIR" >&2
	exit 1
fi
date -u +%FT%TZ >"$stamp"
echo "$DIR"
