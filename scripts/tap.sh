# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the check scripts: collect results with tap_add, print them with tap_finish.
#   tap_add ok|fail|skip DESCRIPTION [DETAIL]
#   tap_finish   prints "TAP version 13", the plan and the results; exits 1 if any failed
tap_results=()
tap_add() {
	case $1 in
	ok) tap_results+=("ok|$2") ;;
	fail) tap_results+=("not ok|$2${3:+: $3}") ;;
	skip) tap_results+=("ok|$2 # SKIP ${3:-}") ;;
	esac
}
tap_finish() {
	local rc=0 i=0 r
	echo "TAP version 13"
	echo "1..${#tap_results[@]}"
	for r in "${tap_results[@]}"; do
		i=$((i + 1))
		echo "${r%%|*} $i - ${r#*|}"
		[[ $r == "not ok|"* ]] && rc=1
	done
	exit $rc
}
