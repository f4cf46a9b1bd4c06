#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs one stage of `make check` and records its wall time:
#   scripts/stage-time.sh TIMES STAGE CMD [ARG...]
# appends "STAGE SECONDS" (one decimal) to TIMES once CMD has ended, however it ended; CMD's
# output passes through. Exit status: CMD's. `make check` prints TIMES before its summary
# (build/tap/times.txt), so that a run shows where its time went.
set -uo pipefail
[ $# -ge 3 ] || {
	echo "usage: $0 TIMES STAGE CMD [ARG...]" >&2
	exit 2
}
times=$1 stage=$2
shift 2
mkdir -p "$(dirname "$times")"
t0=$EPOCHREALTIME
"$@"
rc=$?
t1=$EPOCHREALTIME
# EPOCHREALTIME is seconds.microseconds: tenths of a second without a subprocess but awk
awk -v s="$stage" -v a="$t0" -v b="$t1" 'BEGIN { printf "%s %.1f\n", s, b - a }' >>"$times"
exit $rc
