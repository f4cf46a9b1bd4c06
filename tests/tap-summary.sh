#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sums up TAP files: tests/tap-summary.sh [--require FILE]... FILE...
# --require names a TAP file a stage must have written: when it is not there the stage did not
# run or died before its TAP, and that counts as a failure like any other (`make check` requires
# every stage's file, so that a stage cannot drop out of the count silently). A file named both
# ways is counted once.
# Counts top-level result lines only (`ok N ...` / `not ok N ...` at the start of a line): kselftest
# prints one per test, and indented or `#`-prefixed lines (subtests, diagnostics, `# Totals`) would
# count tests twice. `# SKIP` counts as skipped, `# TODO` failures and `# XFAIL` as passed;
# `Bail out!`, a plan `1..N` not followed by N results (a crashed test), a file without any TAP
# and a missing file count as one failure each.
# Prints one line per file, then `N passed, N failed[, N skipped]` alone on the last line.
# Exit status 1 if anything failed or nothing was counted.
set -euo pipefail

files=()
declare -A listed=()
add() {
	[ -n "${listed[$1]:-}" ] && return 0
	listed[$1]=1
	files+=("$1")
}
while [ $# -gt 0 ]; do
	case $1 in
	--require) [ $# -ge 2 ] || { echo "$0: --require wants a file" >&2; exit 2; }; add "$2"; shift 2 ;;
	*) # an unmatched glob (DIR/*.tap with no file) is no file
		if [ -e "$1" ] || [[ $1 != *'*'* ]]; then add "$1"; fi
		shift ;;
	esac
done
if [ ${#files[@]} -eq 0 ]; then
	echo "usage: $0 [--require FILE]... FILE.tap..." >&2
	exit 2
fi

tp=0 tf=0 ts=0
for f in "${files[@]}"; do
	if [ ! -r "$f" ]; then
		echo "${f}: missing: the stage did not run or died before writing its TAP (1 failure)"
		tf=$((tf + 1))
		continue
	fi
	read -r p fl s note < <(awk '
		function close_block() {
			if (plan >= 0 && n != plan) { f++; bad = bad sprintf(" plan 1..%d has %d results;", plan, n) }
			plan = -1; n = 0
		}
		BEGIN { plan = -1 }
		/^1\.\.[0-9]+/ {
			k = substr($1, 4) + 0; plans++
			if (plan < 0 && n > 0) { if (n != k) { f++; bad = bad sprintf(" trailing plan 1..%d has %d results;", k, n) } n = 0; next }
			close_block(); plan = k; next
		}
		/^ok([ \t]|$)/ {
			n++
			if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) s++; else p++
			next
		}
		/^not ok([ \t]|$)/ {
			n++
			if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) s++
			else if ($0 ~ /#[ \t]*[Tt][Oo][Dd][Oo]/) p++
			else f++
			next
		}
		/^Bail out!/ { f++; bad = bad " bailed out;" }
		END {
			close_block()
			if (!plans && !p && !f && !s) { f++; bad = " no TAP in the file;" }
			printf "%d %d %d%s\n", p, f, s, bad
		}' "$f")
	line="${f}: $p passed, $fl failed"
	# the kernel tests: how many each kernel ran
	case ${f##*/} in vm-[0-9]*.tap) k=${f##*/vm-}; line="${f}: kernel ${k%.tap} ran $((p + fl + s)) tests: $p passed, $fl failed" ;; esac
	[ "$s" -eq 0 ] || line+=", $s skipped"
	[ -z "$note" ] || line+=" (${note# }"; [ -z "$note" ] || line="${line%;})"
	echo "$line"
	tp=$((tp + p)) tf=$((tf + fl)) ts=$((ts + s))
done

line="$tp passed, $tf failed"
[ "$ts" -eq 0 ] || line+=", $ts skipped"
echo "$line"
[ "$tf" -eq 0 ] && [ $((tp + tf + ts)) -gt 0 ]
