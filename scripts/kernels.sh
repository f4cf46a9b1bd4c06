#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints the kernel releases biounit is tested on, one per line: for each Debian kernel series
# (BIOUNIT_SERIES, default "6.1 6.12") the highest ABI whose headers are installed under /usr/src
# (linux-headers-<KREL>, e.g. 6.1.0-56-amd64, 6.12.117+deb12-amd64).
# Exits 1 when a series has no headers installed (run scripts/deps.sh).
set -euo pipefail

SRC=${BIOUNIT_HEADERS_DIR:-/usr/src}
ARCH=${BIOUNIT_KARCH:-amd64}
read -r -a series <<<"${BIOUNIT_SERIES:-6.1 6.12}"

rc=0
for s in "${series[@]}"; do
	best=$(
		for d in "$SRC"/linux-headers-"$s".*-"$ARCH"; do
			[ -d "$d" ] || continue
			[ -e "$d/Makefile" ] || continue
			k=${d##*/linux-headers-}
			# only this series: 6.1.x must not match 6.12.x
			[[ $k == "$s".* ]] || continue
			echo "$k"
		done | sort -V | tail -n1
	)
	if [ -z "$best" ]; then
		echo "kernels.sh: no linux-headers-$s.*-$ARCH under $SRC" >&2
		rc=1
		continue
	fi
	echo "$best"
done
exit $rc
