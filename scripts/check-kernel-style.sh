#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side kernel checks, as one TAP block on stdout:
#   scripts/check-kernel-style.sh KREL...
# - the W=1 module build of each KREL was clean (build/kmod/KREL/build.status, from scripts/kmod.sh)
# - checkpatch.pl --strict (linux-source-6.1) reports nothing on driver/*.[ch] uapi/linux/*.h
#   (driver/*compat*.h may test LINUX_VERSION_CODE)
# - sparse (make C=2) reports nothing, each KREL
# - uapi/linux/biounit.h compiles alone with -m32 and -m64
# - kernel-doc parses every file without a warning, and every exported symbol has kernel-doc
# - dkms.conf builds both modules for each KREL (private DKMS trees: nothing is installed)
# The uapi layout on -m32 against -m64 is compared by tests/kernel/run.sh in each test VM.
# Logs go to build/style/. Exit status 1 if anything is `not ok`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
LOG=$BUILD/style
mkdir -p "$LOG"
cd "$ROOT"

# shellcheck source=scripts/tap.sh
. "$ROOT/scripts/tap.sh"

krels=("$@")
[ ${#krels[@]} -gt 0 ] || mapfile -t krels < <("$ROOT/scripts/kernels.sh")

# ---- W=1 build and sparse, per kernel -----------------------------------------------------------
for k in "${krels[@]}"; do
	out=$BUILD/kmod/$k
	if [ ! -f "$out/build.status" ]; then
		tap_add fail "modules build with W=1 and no warning on $k" "not built (make modules)"
	elif [ "$(cat "$out/build.status")" = ok ]; then
		tap_add ok "modules build with W=1 and no warning on $k"
	else
		tap_add fail "modules build with W=1 and no warning on $k" "$(head -n1 "$out/build.status")"
	fi
done

# ---- checkpatch ---------------------------------------------------------------------------------
CP=$BUILD/linux-src/scripts/checkpatch.pl
mapfile -t files < <(compgen -G 'driver/*.[ch]'; compgen -G 'uapi/linux/*.h')
if [ ${#files[@]} -eq 0 ]; then
	tap_add skip "checkpatch --strict reports nothing" "no driver/*.[ch] or uapi/linux/*.h yet"
elif [ ! -f "$CP" ]; then
	tap_add fail "checkpatch --strict reports nothing" "$CP missing (scripts/linux-src.sh)"
else
	# Kernel-version tests are allowed in the one compat header (driver/*compat*.h) only.
	plain=() compat=()
	for f in "${files[@]}"; do
		case $f in driver/*compat*.h) compat+=("$f") ;; *) plain+=("$f") ;; esac
	done
	cpopts=(--no-tree --strict --terse --no-summary --show-types)
	{
		[ ${#plain[@]} -eq 0 ] || perl "$CP" "${cpopts[@]}" -f "${plain[@]}" || true
		[ ${#compat[@]} -eq 0 ] || perl "$CP" "${cpopts[@]}" \
			--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f "${compat[@]}" || true
	} >"$LOG/checkpatch.log" 2>&1
	n=$(grep -cE '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' "$LOG/checkpatch.log" || true)
	if [ "$n" -eq 0 ] && ! grep -qiE 'error|warning' "$LOG/checkpatch.log"; then
		tap_add ok "checkpatch --strict reports nothing (${#files[@]} files)"
	else
		sed 's/^/# /' "$LOG/checkpatch.log" | head -n 30 >&2
		tap_add fail "checkpatch --strict reports nothing" "$n report(s), first: $(head -n1 "$LOG/checkpatch.log")"
	fi
fi

# ---- DKMS: dkms.conf builds both modules, in private trees (nothing installed) ------------------
if ! command -v dkms >/dev/null; then
	tap_add fail "dkms builds the modules" "dkms is not installed (scripts/deps.sh)"
else
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	dt=$(mktemp -d)
	mkdir -p "$dt/src/biounit-$ver" "$dt/dkms" "$dt/inst"
	cp -r Kbuild dkms.conf driver uapi "$dt/src/biounit-$ver/"
	dk=(--sourcetree "$dt/src" --dkmstree "$dt/dkms" --installtree "$dt/inst")
	for k in "${krels[@]}"; do
		if { dkms add "biounit/$ver" "${dk[@]}" || true; } >"$LOG/dkms-$k.log" 2>&1 &&
			dkms build "biounit/$ver" -k "$k" "${dk[@]}" >>"$LOG/dkms-$k.log" 2>&1; then
			tap_add ok "dkms builds the modules for $k"
		else
			tap_add fail "dkms builds the modules for $k" "see $LOG/dkms-$k.log"
		fi
	done
	rm -rf "$dt"
fi

# ---- kernel-doc: every documented item well-formed, every exported or uapi item documented -------
KD=$BUILD/linux-src/scripts/kernel-doc
if [ ${#files[@]} -eq 0 ]; then
	tap_add skip "kernel-doc reports nothing" "no driver/*.[ch] or uapi/linux/*.h yet"
elif [ ! -f "$KD" ]; then
	tap_add fail "kernel-doc reports nothing" "$KD missing (scripts/linux-src.sh)"
else
	# -none parses and reports without writing documentation (6.1's kernel-doc has no -Wall).
	perl "$KD" -none "${files[@]}" >"$LOG/kernel-doc.log" 2>&1 || true
	# Non-static functions with no kernel-doc at all: kernel-doc is silent about these,
	# so list every exported symbol and ask for its comment.
	for f in driver/*.c; do
		sed -n 's/^EXPORT_SYMBOL_GPL(\(.*\));/\1/p' "$f" | while read -r sym; do
			grep -q "^ \* $sym() - " "$f" || echo "$f: $sym is exported without kernel-doc" >>"$LOG/kernel-doc.log"
		done
	done
	if [ ! -s "$LOG/kernel-doc.log" ]; then
		tap_add ok "kernel-doc reports nothing (${#files[@]} files)"
	else
		sed 's/^/# /' "$LOG/kernel-doc.log" | head -n 30 >&2
		tap_add fail "kernel-doc reports nothing" "$(head -n1 "$LOG/kernel-doc.log")"
	fi
fi

for k in "${krels[@]}"; do
	out=$BUILD/kmod/$k
	if [ ! -f "$out/build.status" ] || [ "$(cat "$out/build.status")" != ok ]; then
		tap_add fail "sparse (C=2) reports nothing on $k" "no clean build to check"
	elif "$ROOT/scripts/kmod.sh" sparse "/usr/src/linux-headers-$k" "$out" >&2; then
		tap_add ok "sparse (C=2) reports nothing on $k"
	else
		tap_add fail "sparse (C=2) reports nothing on $k" "$(head -n1 "$out/sparse.status")"
	fi
done

# ---- uapi: the header alone, and the layout test ------------------------------------------------
HDR=uapi/linux/biounit.h
CC=${CC:-gcc}
if [ ! -f "$HDR" ]; then
	tap_add skip "$HDR compiles alone with -m32 and -m64" "no $HDR yet"
else
	m32inc=$("$ROOT/scripts/m32-include.sh")
	for m in 32 64; do
		if echo '#include <linux/biounit.h>' | $CC -m$m -std=c99 -Wall -Wextra -Werror -pedantic \
			-Iuapi -idirafter "$m32inc" -x c -fsyntax-only - >"$LOG/uapi-m$m.log" 2>&1; then
			tap_add ok "$HDR compiles alone with -m$m"
		else
			tap_add fail "$HDR compiles alone with -m$m" "$(grep -m1 -E 'error' "$LOG/uapi-m$m.log")"
		fi
	done
fi

# The layout test (tests/uapi/layout.c, -m32 against -m64) runs inside each test VM: this host
# cannot run i386 programs, and the kernel tests' payload (tests/kernel/run.sh) boots anyway.

tap_finish
