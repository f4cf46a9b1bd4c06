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
# - tests/uapi/layout.c prints the same sizes and offsets built with -m32 and with -m64 (it is run
#   natively, or, when the host cannot run i386 programs, in the test VM).
# Logs go to build/style/. Exit status 1 if anything is `not ok`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
LOG=$BUILD/style
mkdir -p "$LOG"
cd "$ROOT"

results=()
add() { # ok|fail|skip, description, [detail]
	case $1 in
	ok) results+=("ok|$2") ;;
	fail) results+=("not ok|$2${3:+: $3}") ;;
	skip) results+=("ok|$2 # SKIP ${3:-}") ;;
	esac
}

krels=("$@")
[ ${#krels[@]} -gt 0 ] || mapfile -t krels < <("$ROOT/scripts/kernels.sh")

# ---- W=1 build and sparse, per kernel -----------------------------------------------------------
for k in "${krels[@]}"; do
	out=$BUILD/kmod/$k
	if [ ! -f "$out/build.status" ]; then
		add fail "modules build with W=1 and no warning on $k" "not built (make modules)"
	elif [ "$(cat "$out/build.status")" = ok ]; then
		add ok "modules build with W=1 and no warning on $k"
	else
		add fail "modules build with W=1 and no warning on $k" "$(head -n1 "$out/build.status")"
	fi
done

# ---- checkpatch ---------------------------------------------------------------------------------
CP=$BUILD/linux-src/scripts/checkpatch.pl
mapfile -t files < <(compgen -G 'driver/*.[ch]'; compgen -G 'uapi/linux/*.h')
if [ ${#files[@]} -eq 0 ]; then
	add skip "checkpatch --strict reports nothing" "no driver/*.[ch] or uapi/linux/*.h yet"
elif [ ! -f "$CP" ]; then
	add fail "checkpatch --strict reports nothing" "$CP missing (scripts/linux-src.sh)"
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
		add ok "checkpatch --strict reports nothing (${#files[@]} files)"
	else
		sed 's/^/# /' "$LOG/checkpatch.log" | head -n 30 >&2
		add fail "checkpatch --strict reports nothing" "$n report(s), first: $(head -n1 "$LOG/checkpatch.log")"
	fi
fi

for k in "${krels[@]}"; do
	out=$BUILD/kmod/$k
	if [ ! -f "$out/build.status" ] || [ "$(cat "$out/build.status")" != ok ]; then
		add fail "sparse (C=2) reports nothing on $k" "no clean build to check"
	elif "$ROOT/scripts/kmod.sh" sparse "/usr/src/linux-headers-$k" "$out" >&2; then
		add ok "sparse (C=2) reports nothing on $k"
	else
		add fail "sparse (C=2) reports nothing on $k" "$(head -n1 "$out/sparse.status")"
	fi
done

# ---- uapi: the header alone, and the layout test ------------------------------------------------
HDR=uapi/linux/biounit.h
CC=${CC:-gcc}
if [ ! -f "$HDR" ]; then
	add skip "$HDR compiles alone with -m32 and -m64" "no $HDR yet"
else
	for m in 32 64; do
		if echo '#include <linux/biounit.h>' | $CC -m$m -std=c99 -Wall -Wextra -Werror -pedantic \
			-Iuapi -x c -fsyntax-only - >"$LOG/uapi-m$m.log" 2>&1; then
			add ok "$HDR compiles alone with -m$m"
		else
			add fail "$HDR compiles alone with -m$m" "$(grep -m1 -E 'error' "$LOG/uapi-m$m.log")"
		fi
	done
fi

LAYOUT=tests/uapi/layout.c
if [ ! -f "$LAYOUT" ]; then
	add skip "uapi layout identical with -m32 and -m64" "no $LAYOUT yet"
else
	ok=1 detail=
	for m in 32 64; do
		if ! $CC -m$m -static -std=c11 -O0 -Wall -Werror -Iuapi -o "$LOG/layout$m" "$LAYOUT" \
			>"$LOG/layout$m.build.log" 2>&1; then
			ok=0 detail="-m$m build failed: $(grep -m1 error "$LOG/layout$m.build.log")"
		fi
	done
	if [ $ok = 1 ]; then
		if "$LOG/layout64" >"$LOG/layout64.out" 2>&1 && "$LOG/layout32" >"$LOG/layout32.out" 2>/dev/null; then
			where="natively"
		else
			# This host cannot run i386 programs (no IA32 emulation): run both in the test VM.
			pl=$LOG/layout-payload
			rm -rf "$pl" && mkdir -p "$pl" "$LOG/empty-modules"
			cp "$LOG/layout32" "$LOG/layout64" "$pl/"
			cat >"$pl/run.sh" <<'RUN'
#!/bin/sh
echo "1..2"
for m in 32 64; do
	if ./layout$m >/tmp/out$m 2>&1; then echo "ok - layout$m ran"; else echo "not ok - layout$m ran"; fi
	sed "s/^/# L$m /" /tmp/out$m
done
RUN
			chmod +x "$pl/run.sh"
			if "$ROOT/tests/vm/run-vm.sh" --krel "${krels[0]}" --modules "$LOG/empty-modules" \
				--payload "$pl" --tap "$LOG/layout-vm.tap" --console "$LOG/layout-vm.log" \
				--timeout 300 >&2; then
				sed -n 's/^# L32 //p' "$LOG/layout-vm.tap" >"$LOG/layout32.out"
				sed -n 's/^# L64 //p' "$LOG/layout-vm.tap" >"$LOG/layout64.out"
			else
				ok=0 detail="could not run the layout test in the VM (see $LOG/layout-vm.tap)"
			fi
			where="in the ${krels[0]} VM"
		fi
	fi
	if [ $ok = 1 ]; then
		if [ ! -s "$LOG/layout64.out" ]; then
			ok=0 detail="layout printed nothing"
		elif ! diff -u "$LOG/layout64.out" "$LOG/layout32.out" >"$LOG/layout.diff"; then
			ok=0 detail="differs: $(grep -m1 '^[-+][^-+]' "$LOG/layout.diff")"
		fi
	fi
	if [ $ok = 1 ]; then
		add ok "uapi layout identical with -m32 and -m64 ($(wc -l <"$LOG/layout64.out") lines, run $where)"
	else
		add fail "uapi layout identical with -m32 and -m64" "$detail"
	fi
fi

# ---- TAP -----------------------------------------------------------------------------------------
echo "TAP version 13"
echo "1..${#results[@]}"
rc=0
i=0
for r in "${results[@]}"; do
	i=$((i + 1))
	echo "${r%%|*} $i - ${r#*|}"
	[[ $r == "not ok|"* ]] && rc=1
done
exit $rc
