#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds biounit's kernel modules out of tree, never writing into the repository.
#   scripts/kmod.sh build  KDIR OUT   copy Kbuild, driver/, uapi/ to OUT/src (fresh), then
#                                     make -C KDIR M=OUT/src W=1 modules  -> OUT/build.log,
#                                     OUT/ko/*.ko, OUT/build.status ("ok" or the failure).
#                                     Fails on a build error or on any line with "warning:".
#   scripts/kmod.sh sparse KDIR OUT   after build: make ... W=1 C=2 (sparse on every file)
#                                     -> OUT/sparse.log, OUT/sparse.status; fails on any sparse
#                                     warning or error.
#   scripts/kmod.sh krel   KDIR       prints the kernel release of the tree KDIR.
# Env: KMAKEFLAGS (extra make arguments), JOBS (default: number of CPUs).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SOURCES=(Kbuild driver uapi)

usage() {
	sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
[ $# -ge 2 ] || usage
cmd=$1 KDIR=$2 OUT=${3:-}
[ -f "$KDIR/Makefile" ] || {
	echo "kmod.sh: $KDIR is not a kernel build tree (no Makefile)" >&2
	exit 1
}
JOBS=${JOBS:-$(nproc)}
read -r -a kmakeflags <<<"${KMAKEFLAGS:-}"

# The release modules built here are for (their vermagic): UTS_RELEASE. Debian's 6.1 headers say
# 6.1.NNN in include/config/kernel.release but 6.1.0-NN-amd64 in UTS_RELEASE.
krel() {
	local uts=$KDIR/include/generated/utsrelease.h
	if [ -f "$uts" ]; then
		sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$uts"
	elif [ -f "$KDIR/include/config/kernel.release" ]; then
		cat "$KDIR/include/config/kernel.release"
	else
		make -s -C "$KDIR" kernelrelease
	fi
}

status() { # file, message
	echo "$2" >"$1"
	[ "$2" = ok ]
}

case $cmd in
krel)
	krel
	;;
build)
	[ -n "$OUT" ] || usage
	for s in "${SOURCES[@]}"; do
		[ -e "$ROOT/$s" ] || {
			mkdir -p "$OUT"
			echo "kmod.sh: $ROOT/$s is missing" >&2
			status "$OUT/build.status" "no $s in the repository yet" || exit 1
		}
	done
	# A fresh copy every time: a full W=1 build takes seconds and shows every warning again.
	rm -rf "$OUT/src" "$OUT/ko"
	mkdir -p "$OUT/src" "$OUT/ko"
	cp -a "${SOURCES[@]/#/$ROOT/}" "$OUT/src/"
	echo "kmod.sh: building against $KDIR ($(krel)) in $OUT/src"
	set +e
	make -C "$KDIR" M="$OUT/src" W=1 -j"$JOBS" "${kmakeflags[@]}" modules >"$OUT/build.log" 2>&1
	rc=$?
	set -e
	nwarn=$(grep -ci 'warning:' "$OUT/build.log" || true)
	find "$OUT/src" -name '*.ko' -exec cp {} "$OUT/ko/" \;
	if [ $rc -ne 0 ]; then
		grep -iE 'error|warning:' "$OUT/build.log" | head -n 20 >&2 || true
		status "$OUT/build.status" "build failed (make exit $rc, see $OUT/build.log)" || exit 1
	elif [ "$nwarn" -ne 0 ]; then
		grep -i -A3 'warning:' "$OUT/build.log" | head -n 40 >&2
		status "$OUT/build.status" "$nwarn warning(s): $(grep -i -m1 'warning:' "$OUT/build.log" | sed "s|$OUT/src/||")" ||
			exit 1
	elif ! compgen -G "$OUT/ko/*.ko" >/dev/null; then
		status "$OUT/build.status" "no .ko built" || exit 1
	else
		status "$OUT/build.status" ok
		echo "kmod.sh: built $(cd "$OUT/ko" && echo *.ko)"
	fi
	;;
sparse)
	[ -n "$OUT" ] || usage
	command -v sparse >/dev/null || {
		mkdir -p "$OUT"
		status "$OUT/sparse.status" "sparse is not installed" || exit 1
	}
	[ -d "$OUT/src" ] || {
		mkdir -p "$OUT"
		status "$OUT/sparse.status" "no build in $OUT (run the build first)" || exit 1
	}
	set +e
	# Same flags as the build, so only sparse runs (C=2 checks every file, built or not).
	make -C "$KDIR" M="$OUT/src" W=1 C=2 -j"$JOBS" "${kmakeflags[@]}" modules >"$OUT/sparse.log" 2>&1
	rc=$?
	set -e
	# Sparse's own lines: file:line:col: warning|error: ... (gcc's end in [-Wname]).
	grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$OUT/sparse.log" |
		grep -vE '\[-W[^]]*\]$' >"$OUT/sparse.found" || true
	n=$(wc -l <"$OUT/sparse.found")
	if [ $rc -ne 0 ]; then
		status "$OUT/sparse.status" "make C=2 failed (exit $rc, see $OUT/sparse.log)" || exit 1
	elif [ "$n" -ne 0 ]; then
		cat "$OUT/sparse.found" >&2
		status "$OUT/sparse.status" "$n sparse report(s): $(head -n1 "$OUT/sparse.found" | sed "s|$OUT/src/||")" ||
			exit 1
	else
		status "$OUT/sparse.status" ok
	fi
	;;
*)
	usage
	;;
esac
