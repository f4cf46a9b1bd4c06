#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests the closing summary of `make check` (tests/tap-summary.sh) and the VM harness's own counts
# (tests/vm/run-vm.sh): a stage that dies before writing its TAP, and a kernel whose payload runs
# fewer test programs than it should, must turn the summary red. Prints TAP.
#   tests/summary/summary-test.sh        (boots one tiny VM with the first kernel of scripts/kernels.sh)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SUMMARY=$ROOT/tests/tap-summary.sh
RUNVM=$ROOT/tests/vm/run-vm.sh
T=$(mktemp -d "${TMPDIR:-/tmp}/biounit-summary.XXXXXX")
trap 'rm -rf "$T"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
# summary_red OUT: the summary printed a last line with at least one failure and exited 1
summary_red() {
	[ "$2" -eq 1 ] && tail -n1 "$1" | grep -Eq '^[0-9]+ passed, [1-9][0-9]* failed'
}

echo "TAP version 13"
echo "1..6"

good=$T/good.tap
printf 'TAP version 13\n1..2\nok 1 - one\nok 2 - two\n' >"$good"

# 1. a required stage's file that is not there
"$SUMMARY" --require "$T/vm-9.9.tap" "$good" >"$T/s1" 2>&1
rc=$?
if summary_red "$T/s1" $rc && grep -q 'vm-9.9.tap: missing' "$T/s1" && tail -n1 "$T/s1" | grep -qx '2 passed, 1 failed'; then
	ok "a required TAP file that is missing counts as a failure"
else
	nok "a required TAP file that is missing counts as a failure (exit $rc)"; diag <"$T/s1"
fi

# 2. a stage's file without any TAP in it; and the control: the same summary without it is green
: >"$T/empty.tap"
"$SUMMARY" "$good" "$T/empty.tap" >"$T/s2" 2>&1
rc=$?
"$SUMMARY" "$good" >"$T/s2b" 2>&1
rc2=$?
if summary_red "$T/s2" $rc && [ $rc2 -eq 0 ] && tail -n1 "$T/s2b" | grep -qx '2 passed, 0 failed'; then
	ok "a TAP file with no TAP is a failure; a clean one is green"
else
	nok "a TAP file with no TAP is a failure (exit $rc), a clean one green (exit $rc2)"; diag <"$T/s2" ; diag <"$T/s2b"
fi

# 3. a VM stage that dies before it writes TAP (QEMU missing): no TAP file, and the summary is red
mkdir -p "$T/mods" "$T/payload"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "ok 1 - tiny payload"\n' >"$T/payload/run.sh"
chmod +x "$T/payload/run.sh"
krel=$("$ROOT/scripts/kernels.sh" 2>/dev/null | head -n1)
BIOUNIT_QEMU=/nonexistent/qemu "$RUNVM" --krel "${krel:-6.1.0-0-amd64}" --modules "$T/mods" --payload "$T/payload" \
	--tap "$T/vm-dead.tap" --console "$T/dead.log" --timeout 60 >"$T/s3.run" 2>&1
rc_vm=$?
"$SUMMARY" --require "$T/vm-dead.tap" "$good" >"$T/s3" 2>&1
rc=$?
if [ $rc_vm -ne 0 ] && [ ! -e "$T/vm-dead.tap" ] && summary_red "$T/s3" $rc; then
	ok "a VM stage that dies before its TAP turns the summary red"
else
	nok "a VM stage that dies before its TAP turns the summary red (run-vm exit $rc_vm, summary exit $rc)"
	diag <"$T/s3.run"; diag <"$T/s3"
fi

# 4-6. a real boot: a payload that prints one TAP block where two were expected fails the run
if [ -z "$krel" ]; then
	for d in "fewer TAP blocks than expected fail the VM run" "the VM run with the expected blocks passes" \
		"the summary counts the kernel's tests"; do
		ok "$d # SKIP no kernel headers (scripts/kernels.sh)"
	done
	exit 0
fi
"$RUNVM" --krel "$krel" --modules "$T/mods" --payload "$T/payload" --expect-blocks 2 \
	--tap "$T/vm-short.tap" --console "$T/short.log" --timeout 120 >"$T/s4.run" 2>&1
rc_vm=$?
"$SUMMARY" "$T/vm-short.tap" >"$T/s4" 2>&1
rc=$?
if [ $rc_vm -eq 1 ] && grep -q '^not ok 2 - .*1 TAP blocks of the 2 expected' "$T/vm-short.tap" && summary_red "$T/s4" $rc; then
	ok "fewer TAP blocks than expected fail the VM run and the summary"
else
	nok "fewer TAP blocks than expected fail the VM run and the summary (run-vm exit $rc_vm, summary exit $rc)"
	diag <"$T/vm-short.tap"; diag <"$T/s4.run"
fi
"$RUNVM" --krel "$krel" --modules "$T/mods" --payload "$T/payload" --expect-blocks 1 \
	--tap "$T/vm-$krel.tap" --console "$T/full.log" --timeout 120 >"$T/s5.run" 2>&1
rc_vm=$?
if [ $rc_vm -eq 0 ] && grep -q '^ok 2 - .*payload TAP complete' "$T/vm-$krel.tap"; then
	ok "the VM run with the expected blocks passes"
else
	nok "the VM run with the expected blocks passes (run-vm exit $rc_vm)"; diag <"$T/vm-$krel.tap"; diag <"$T/s5.run"
fi
"$SUMMARY" "$T/vm-$krel.tap" >"$T/s6" 2>&1
if grep -q "kernel $krel ran 4 tests: 4 passed, 0 failed" "$T/s6"; then
	ok "the summary says how many tests the kernel ran"
else
	nok "the summary says how many tests the kernel ran"; diag <"$T/s6"
fi
