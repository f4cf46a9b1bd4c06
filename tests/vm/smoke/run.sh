#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke payload used by tests/vm/check-vm.sh while tests/kernel/ has no payload: loads every module
# of ours (/lib/modules/KREL/extra) with modprobe, lists the device nodes, unloads them again (rmmod, dependents first).
krel=$(uname -r)
mods=""
for ko in /lib/modules/"$krel"/extra/*.ko; do
	[ -e "$ko" ] || continue
	mods="$mods $(basename "$ko" .ko)"
done
# shellcheck disable=SC2086 # split into words on purpose
set -- $mods
echo "TAP version 13"
if [ $# -eq 0 ]; then
	echo "1..0 # SKIP no modules of ours in the VM"
	exit 0
fi
echo "1..$(($# * 2))"
n=0
for m in "$@"; do
	n=$((n + 1))
	if out=$(modprobe "$m" 2>&1); then echo "ok $n - modprobe $m"; else echo "not ok $n - modprobe $m: $out"; fi
done
for d in /dev/biounit*; do [ -e "$d" ] && echo "# device node $d"; done
# unload: dependents first (retry whatever is still in use until nothing moves)
left="$*"
while [ -n "$left" ]; do
	again="" moved=0
	for m in $left; do
		if rmmod "$m" 2>/dev/null; then
			n=$((n + 1)); moved=1; echo "ok $n - rmmod $m"
		else
			again="$again $m"
		fi
	done
	left=$again
	if [ $moved = 0 ]; then
		for m in $left; do
			n=$((n + 1)); echo "not ok $n - rmmod $m: $(rmmod "$m" 2>&1)"
		done
		break
	fi
done
