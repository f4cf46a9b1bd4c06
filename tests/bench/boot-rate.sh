#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How reliably Debian's kernels boot in the test VM: BOOTS boots per kernel (default 50) with a
# one-line payload and no module of ours, no second boot after a fault (BIOUNIT_VM_RETRY=0).
#   tests/bench/boot-rate.sh [KREL...]      (default: scripts/kernels.sh)
# Env: BOOTS, BIOUNIT_VM_TCG_THREAD (single or multi, see tests/vm/run-vm.sh), BOOT_JOBS (VMs at
# once, default 1). Prints one line per kernel: clean boots, bench faults (the kernel died before
# /init ran the payload), other failures, and the median and slowest boot in seconds; the first
# console of each fault is kept under build/bench/boot-rate/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BOOTS=${BOOTS:-50}
JOBS=${BOOT_JOBS:-1}
OUT=$ROOT/build/bench/boot-rate
krels=("$@")
[ ${#krels[@]} -gt 0 ] || mapfile -t krels < <("$ROOT/scripts/kernels.sh")
T=$(mktemp -d "${TMPDIR:-/tmp}/biounit-boot.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/mods" "$T/payload" "$OUT"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "ok 1 - booted"\n' >"$T/payload/run.sh"
chmod +x "$T/payload/run.sh"
mode=${BIOUNIT_VM_TCG_THREAD:-single}

one() { # one KREL I
	local d=$T/$1/$2
	mkdir -p "$d"
	BIOUNIT_VM_RETRY=0 "$ROOT/tests/vm/run-vm.sh" --krel "$1" --modules "$T/mods" --payload "$T/payload" \
		--expect-blocks 1 --tap "$d/tap" --console "$d/console.log" --timeout 180 >"$d/out" 2>&1 || true
	if grep -q '^ok 1 - vm .*booted and powered off' "$d/tap" && ! grep -q '^not ok' "$d/tap"; then
		echo clean >"$d/result"
	elif grep -q 'bench fault' "$d/tap"; then
		echo fault >"$d/result"
		cp "$d/console.log" "$OUT/$1-$mode-$2.console.log"
	else
		echo other >"$d/result"
		cp "$d/console.log" "$OUT/$1-$mode-$2.console.log"
	fi
	grep -o 'booted and powered off in [0-9.]*s' "$d/tap" | grep -o '[0-9.]*' >"$d/secs" || true
}

for k in "${krels[@]}"; do
	"$ROOT/scripts/vm-kernel.sh" "$k" >/dev/null
	i=0
	while [ $i -lt "$BOOTS" ]; do
		for _ in $(seq "$JOBS"); do
			[ $i -lt "$BOOTS" ] || break
			i=$((i + 1))
			one "$k" $i &
		done
		wait
	done
	clean=$(cat "$T/$k"/*/result | grep -c clean || true)
	fault=$(cat "$T/$k"/*/result | grep -c fault || true)
	other=$(cat "$T/$k"/*/result | grep -c other || true)
	times=$(cat "$T/$k"/*/secs | sort -n)
	med=$(echo "$times" | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}')
	max=$(echo "$times" | tail -n1)
	echo "boot-rate $k tcg thread=$mode jobs=$JOBS: $clean of $BOOTS clean, $fault bench faults, $other other failures; boot median ${med}s, slowest ${max:-?}s"
done
