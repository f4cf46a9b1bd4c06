#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs one build step and records it as a one-test TAP file:
#   scripts/tap-stage.sh OUT.tap LOG "description" CMD [ARG...]
# CMD's output goes to LOG (its last lines are repeated on failure). Exit status: CMD's.
set -euo pipefail
[ $# -ge 4 ] || {
	echo "usage: $0 OUT.tap LOG DESCRIPTION CMD [ARG...]" >&2
	exit 2
}
tap=$1 log=$2 desc=$3
shift 3
mkdir -p "$(dirname "$tap")" "$(dirname "$log")"
set +e
"$@" >"$log" 2>&1
rc=$?
set -e
{
	echo "TAP version 13"
	echo "1..1"
	if [ $rc -eq 0 ]; then
		echo "ok 1 - $desc"
	else
		echo "not ok 1 - $desc (exit $rc, log: $log)"
		tail -n 15 "$log" | sed 's/^/# /'
	fi
} >"$tap"
if [ $rc -ne 0 ]; then
	echo "tap-stage: FAILED: $desc (see $log)" >&2
	tail -n 15 "$log" >&2
fi
exit $rc
