#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hand-off benchmark of issue 9 (`make bench-handoff`, part of `make bench`):
#   tests/bench/handoff-bench.sh [N [SCALE]]
# Builds the userspace (build/userspace, with biounit-refservice) and
# tests/bench/handoff_bench.c into build/bench/, runs it and prints the table:
# time from the last capture to the acknowledged hand-off (build and sign,
# commit, deliver + ack + wipe; p50, p99, max over N packages, default 1000)
# and packages per second. The table is also written to build/bench/handoff.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=$BUILD/bench
LIBO=$BUILD/userspace

make -s -C "$ROOT/userspace" O="$LIBO" all >&2
mkdir -p "$OUT"
${CC:-cc} -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOT/userspace" -I"$ROOT/userspace/include" \
	-I"$ROOT/tests/userspace" -o "$OUT/handoff_bench" "$ROOT/tests/bench/handoff_bench.c" \
	"$LIBO/liboutbox.a" "$LIBO/libpackage.a" "$LIBO/librecords.a" "$LIBO/libwsq.a" \
	"$LIBO/libsignature.a" "$LIBO/libimage.a" "$LIBO/libutil.a" -lsqlite3 -lcurl -lsodium -lopenjp2 -ljpeg -lpng -lm

{
	echo "# biounit hand-off bench, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m)," \
		"$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(df -T /tmp | awk 'NR==2{print $2}') /tmp"
	BIOUNIT_TOOLS="$LIBO/bin" "$OUT/handoff_bench" "${1:-1000}" "${2:-40}"
} | tee "$OUT/handoff.txt.tmp"
rc=${PIPESTATUS[0]}
mv "$OUT/handoff.txt.tmp" "$OUT/handoff.txt"
echo "written to $OUT/handoff.txt" >&2
exit "$rc"
