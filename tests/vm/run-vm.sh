#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots one test VM (QEMU, Debian kernel KREL, busybox initramfs) and collects its results.
#
#   tests/vm/run-vm.sh --krel KREL --modules DIR --payload DIR --tap OUT.tap --console OUT.log
#                      [--timeout SEC] [--expect-blocks N] [--mem 1G] [--smp 2] [--vm-module NAME]...
#                      [--host-bin PATH]... [--append "ARGS"] [--raw] [--keep] [--live]
#
#   --modules DIR    our *.ko files (may be empty); they go to /lib/modules/KREL/extra/.
#   --payload DIR    copied to /tests/; /tests/run.sh (executable) is run as the test and prints TAP.
#   --vm-module NAME also put kernel module NAME and its dependencies in the VM (repeatable).
#   --host-bin PATH  also copy host program PATH to /usr/bin/ with its shared libraries (repeatable).
#   --expect-blocks N  the payload must print at least N TAP plans (one per test program): a
#                    program that crashed before its plan, or never ran, fails the run.
#   --append ARGS    extra kernel command line.
#   --raw            run.sh's output is not TAP (a demo): do not check it for a TAP plan.
#   --keep           keep the temporary directory (initramfs, raw serial files) and print it.
#   --live           also copy run.sh's output to stdout while the VM runs (a demo's transcript).
# Env: BIOUNIT_CACHE (kernel cache, see scripts/vm-kernel.sh), BIOUNIT_QEMU (qemu binary),
#      BIOUNIT_QEMU_ARGS (extra qemu arguments), BIOUNIT_VM_TCG_THREAD (single, the default, or
#      multi: see the boot section), BIOUNIT_VM_RETRY (1, the default: boot again after a bench
#      fault; 0: do not, for measuring how often one happens), BIOUNIT_VM_NO_EVDEV (1: KREL is
#      built without INPUT_EVDEV, so evdev may be missing; the VM's tests then get
#      BIOUNIT_NO_EVDEV=1 and skip the input tests. Only make check-debug sets it, when it could
#      not build an evdev.ko for its kernel).
#
# A boot on which Debian's own kernel dies before /init starts the payload (so before any module
# of ours is loaded) is a fault of the test bench: it is said so in the TAP, with the first
# console's copy in OUT.log.boot1, and the VM boots once more (BIOUNIT_VM_RETRY). Twice in a row
# fails the run.
#
# In the VM, /init mounts proc, sysfs, devtmpfs, debugfs, configfs (after modprobe configfs), tmpfs
# /tmp, then runs `cd /tests && ./run.sh` with stdout+stderr on /dev/ttyS1 (host: the TAP file) and
# the kernel console on ttyS0 (host: the console log), then powers off. run.sh gets
# BIOUNIT_KREL=KREL, PATH=/tests:/usr/bin:/bin:/usr/sbin:/sbin and BIOUNIT_NO_EVDEV=1 when the
# kernel has no evdev and BIOUNIT_VM_NO_EVDEV=1 allowed it.
#
# Afterwards OUT.tap holds run.sh's output followed by one TAP block of our own:
#   1..3 / vm booted and powered off / payload TAP complete / vm console clean
# Exit status: 0 only if OUT.tap has no top-level `not ok`; 2 on usage or setup errors.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOTDIR=$(cd "$HERE/../.." && pwd)

# Modules our driver needs in any case (plus whatever `modinfo -F depends` of our .ko says).
VM_MODULES_REQUIRED=(configfs videobuf2-common videobuf2-memops videobuf2-vmalloc
	videobuf2-dma-contig videobuf2-dma-sg videodev mc)
# evdev, through which tests/kernel's input tests read the unit's input devices, is required
# (INPUT_EVDEV=m in Debian's kernels; make check-debug brings an evdev.ko of its own among
# --modules) unless BIOUNIT_VM_NO_EVDEV=1 says the kernel is without it (those tests then skip).
# Modules put in when the kernel has them: the benchmark's reference driver (and evdev there).
VM_MODULES_OPTIONAL=(vivid)
if [ "${BIOUNIT_VM_NO_EVDEV:-0}" = 1 ]; then
	VM_MODULES_OPTIONAL+=(evdev)
else
	VM_MODULES_REQUIRED+=(evdev)
fi

# Console lines that fail the run.
CONSOLE_BAD='BUG:|WARNING:|Oops|Call Trace|refcount_t|general protection|[Kk]ernel panic|UBSAN:|KASAN:|INFO: task .* blocked for more than|rcu: INFO|soft lockup|hard LOCKUP|list_(add|del) corruption'

die() {
	echo "run-vm.sh: $*" >&2
	exit 2
}
usage() {
	sed -n "4,40p" "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

KREL='' MODDIR='' PAYLOAD='' TAP='' CONSOLE='' EXPECT_BLOCKS=0 TIMEOUT=600 MEM=1G SMP=2 APPEND='' KEEP=0 RAW=0 LIVE=0
EXTRA_MODULES=() HOST_BINS=()
while [ $# -gt 0 ]; do
	case $1 in
	--krel) KREL=$2; shift 2 ;;
	--modules) MODDIR=$2; shift 2 ;;
	--payload) PAYLOAD=$2; shift 2 ;;
	--tap) TAP=$2; shift 2 ;;
	--console) CONSOLE=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--expect-blocks) EXPECT_BLOCKS=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--smp) SMP=$2; shift 2 ;;
	--vm-module) EXTRA_MODULES+=("$2"); shift 2 ;;
	--host-bin) HOST_BINS+=("$2"); shift 2 ;;
	--append) APPEND=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--raw) RAW=1; shift ;;
	--live) LIVE=1; shift ;;
	-h | --help) usage ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
for v in "$KREL" "$MODDIR" "$PAYLOAD" "$TAP" "$CONSOLE"; do
	[ -n "$v" ] || usage
done
[ -d "$MODDIR" ] || die "--modules $MODDIR: no such directory"
[ -x "$PAYLOAD/run.sh" ] || die "--payload $PAYLOAD: no executable run.sh"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout wants seconds"
[[ $EXPECT_BLOCKS =~ ^[0-9]+$ ]] || die "--expect-blocks wants a number"
BUSYBOX=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
# A static ELF has no program interpreter (readelf is binutils', which build-essential brings;
# `file` is not on a minimal system and `ldd` exits 1 for a static binary).
interp=$(LC_ALL=C readelf -lW "$BUSYBOX" 2>&1) || die "$BUSYBOX: readelf failed: ${interp%%$'\n'*}"
! grep -q 'Requesting program interpreter' <<<"$interp" || die "$BUSYBOX is not static (busybox-static)"
QEMU=${BIOUNIT_QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || die "$QEMU not found (apt-get install qemu-system-x86)"

KDIR=$("$ROOTDIR/scripts/vm-kernel.sh" "$KREL") || die "no kernel image for $KREL"
KMODS=$KDIR/modules

WORK=$(mktemp -d "${TMPDIR:-/tmp}/biounit-vm.XXXXXX")
if [ "$KEEP" = 1 ]; then
	echo "run-vm.sh: keeping $WORK" >&2
else
	trap 'rm -rf "$WORK"' EXIT
fi
ROOT=$WORK/root
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,tests,lib/modules/"$KREL"/extra}

# ---- busybox with its applet links -------------------------------------------------------------
cp "$BUSYBOX" "$ROOT/bin/busybox"
while read -r applet; do
	[ -e "$ROOT/$applet" ] && continue
	mkdir -p "$ROOT/$(dirname "$applet")"
	ln -s /bin/busybox "$ROOT/$applet"
done < <("$BUSYBOX" --list-full)

# ---- kernel modules: closure from the kernel's modules.dep, decompressed -----------------------
# A base directory with lib/modules/KREL lets the host's kmod resolve the dependencies.
mkdir -p "$WORK/kbase/lib/modules"
ln -s "$(readlink -f "$KMODS")" "$WORK/kbase/lib/modules/$KREL"

ours=()
for ko in "$MODDIR"/*.ko; do
	[ -e "$ko" ] || continue
	ours+=("$(modinfo -F name "$ko")")
done
is_ours() {
	local n=${1//-/_} o
	for o in "${ours[@]}"; do [ "${o//-/_}" = "$n" ] && return 0; done
	return 1
}
wanted=("${VM_MODULES_REQUIRED[@]}" "${EXTRA_MODULES[@]}")
for ko in "$MODDIR"/*.ko; do
	[ -e "$ko" ] || continue
	IFS=, read -r -a deps <<<"$(modinfo -F depends "$ko")"
	for d in "${deps[@]}"; do
		[ -n "$d" ] && ! is_ours "$d" && wanted+=("$d")
	done
done
for m in "${VM_MODULES_OPTIONAL[@]}"; do
	if is_ours "$m" || modprobe -d "$WORK/kbase" -S "$KREL" --show-depends "$m" >/dev/null 2>&1; then
		wanted+=("$m")
	else
		echo "run-vm.sh: note: $KREL has no module $m" >&2
		# the VM's tests read it (/init exports what /etc/biounit-vm.env sets)
		[ "$m" = evdev ] && echo "BIOUNIT_NO_EVDEV=1" >>"$ROOT/etc/biounit-vm.env"
	fi
done

declare -A seen=()
nmods=0
for m in "${wanted[@]}"; do
	# a module we bring (make check-debug's evdev.ko) goes in with ours, below
	is_ours "$m" && continue
	out=$(modprobe -d "$WORK/kbase" -S "$KREL" --show-depends "$m" 2>&1) ||
		die "$KREL: cannot resolve module '$m': $out"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue # "builtin NAME" needs nothing
		[ -n "${seen[$path]:-}" ] && continue
		seen[$path]=1
		rel=${path#"$WORK/kbase/lib/modules/$KREL/"}
		dst=$ROOT/lib/modules/$KREL/${rel%.*}
		case $rel in
		*.ko.xz) dst=$ROOT/lib/modules/$KREL/${rel%.xz}; mkdir -p "$(dirname "$dst")"; xz -dc "$path" >"$dst" ;;
		*.ko.zst) dst=$ROOT/lib/modules/$KREL/${rel%.zst}; mkdir -p "$(dirname "$dst")"; zstd -qdc "$path" >"$dst" ;;
		*.ko.gz) dst=$ROOT/lib/modules/$KREL/${rel%.gz}; mkdir -p "$(dirname "$dst")"; gzip -dc "$path" >"$dst" ;;
		*.ko) dst=$ROOT/lib/modules/$KREL/$rel; mkdir -p "$(dirname "$dst")"; cp "$path" "$dst" ;;
		*) die "unexpected module path $path" ;;
		esac
		nmods=$((nmods + 1))
	done <<<"$out"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$KMODS/$f" ] && cp "$KMODS/$f" "$ROOT/lib/modules/$KREL/"
done
# modules.order names .ko.xz on 6.12; the initramfs holds plain .ko.
[ -f "$ROOT/lib/modules/$KREL/modules.order" ] &&
	sed -i -E 's/\.ko\.(xz|zst|gz)$/.ko/' "$ROOT/lib/modules/$KREL/modules.order"
nours=0
for ko in "$MODDIR"/*.ko; do
	[ -e "$ko" ] || continue
	cp "$ko" "$ROOT/lib/modules/$KREL/extra/"
	nours=$((nours + 1))
done
depmod -b "$ROOT" "$KREL" || die "depmod failed for the initramfs"

# ---- payload and host programs -----------------------------------------------------------------
cp -a "$PAYLOAD/." "$ROOT/tests/"
for b in "${HOST_BINS[@]}"; do
	p=$(command -v "$b") || die "--host-bin $b: not found"
	cp -L "$p" "$ROOT/usr/bin/"
done
# Dynamically linked programs get their shared libraries (static ones need nothing).
find "$ROOT/tests" "$ROOT/usr/bin" -type f -perm -u+x -print0 | while IFS= read -r -d '' f; do
	head -c4 "$f" | grep -q 'ELF' || continue
	{ ldd "$f" 2>/dev/null || true; } | { grep -oE '(/[^ ]+)' || true; } | while read -r lib; do
		[ -e "$lib" ] || continue
		[ -e "$ROOT$lib" ] && continue
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
done
# The loader path in ELF headers is /lib64/...; on usr-merged hosts it is a link into /usr/lib.
if [ -e "$ROOT/usr/lib64" ] && [ ! -e "$ROOT/lib64" ]; then ln -s usr/lib64 "$ROOT/lib64"; fi

# ---- /init -------------------------------------------------------------------------------------
cat >"$ROOT/init" <<'INIT'
#!/bin/sh
export PATH=/tests:/usr/bin:/bin:/usr/sbin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
modprobe configfs && mount -t configfs configfs /sys/kernel/config
# Hung tasks show up in the console within a test run.
echo 30 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
BIOUNIT_KREL=$(uname -r)
export BIOUNIT_KREL
if [ -f /etc/biounit-vm.env ]; then
	set -a
	. /etc/biounit-vm.env
	set +a
fi
echo "biounit-vm: running /tests/run.sh on $BIOUNIT_KREL" >/dev/kmsg
stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null
(cd /tests && ./run.sh) >/dev/ttyS1 2>&1 </dev/null
rc=$?
echo "# biounit-vm: run.sh exit status $rc" >/dev/ttyS1
echo "biounit-vm: run.sh exit status $rc" >/dev/kmsg
echo "biounit-vm: done" >/dev/kmsg
sync
poweroff -f
INIT
chmod +x "$ROOT/init"

(cd "$ROOT" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$WORK/initrd.gz"

# ---- boot --------------------------------------------------------------------------------------
# oops=panic: an oops stops the VM at once (its text is in the console log) instead of leaving a
# hung test to the wall-clock timeout; panic=-1 + -no-reboot make a panic end QEMU. WARN()s do not
# panic: they are found in the log.
CMDLINE="console=ttyS0,115200 panic=-1 oops=panic loglevel=7 printk.time=1 $APPEND"
read -r -a qemu_extra <<<"${BIOUNIT_QEMU_ARGS:-}"
# TCG runs the vCPUs in one host thread by default: with one thread per vCPU (thread=multi) a
# Debian kernel sometimes dies while booting, an int3 hit on the other vCPU while the kernel patches
# its own text (static keys, alternatives). BIOUNIT_VM_TCG_THREAD=multi brings the old way back.
TCG_THREAD=${BIOUNIT_VM_TCG_THREAD:-single}
mkdir -p "$(dirname "$TAP")" "$(dirname "$CONSOLE")"

# boot_once: one QEMU run; sets qrc and secs, leaves console.raw, tap.raw and qemu.out in $WORK.
boot_once() {
	local start qpid tpid
	rm -f "$WORK/console.raw" "$WORK/tap.raw" "$WORK/qemu.out"
	start=$(date +%s.%N)
	set +e
	qemu_cmd=(timeout -k 5 "$TIMEOUT" "$QEMU" -nodefaults -display none -no-reboot
		-accel "tcg,thread=$TCG_THREAD" -m "$MEM" -smp "$SMP"
		-kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd.gz" -append "$CMDLINE"
		-serial "file:$WORK/console.raw" -serial "file:$WORK/tap.raw"
		"${qemu_extra[@]}")
	if [ "$LIVE" = 1 ]; then
		# run.sh's output as it comes (line by line into a pipe too: tests/vm/screen/driver.py
		# answers it while the VM runs); tail ends (after a last read) once QEMU has exited
		: >"$WORK/tap.raw"
		"${qemu_cmd[@]}" >"$WORK/qemu.out" 2>&1 &
		qpid=$!
		tail -n +1 -s 0.5 -F --pid=$qpid "$WORK/tap.raw" 2>/dev/null | stdbuf -oL tr -d '\r' &
		tpid=$!
		# background jobs ignore the terminal's ^C: pass INT/TERM on to QEMU (through timeout)
		trap 'kill $qpid 2>/dev/null' INT TERM
		wait $qpid
		qrc=$?
		while [ $qrc -gt 128 ] && kill -0 $qpid 2>/dev/null; do # wait was interrupted by the trap
			wait $qpid
			qrc=$?
		done
		trap - INT TERM
		wait $tpid
	else
		"${qemu_cmd[@]}" >"$WORK/qemu.out" 2>&1
		qrc=$?
	fi
	set -e
	secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
	tr -d '\r' <"$WORK/console.raw" >"$CONSOLE" 2>/dev/null || : >"$CONSOLE"
	if [ -s "$WORK/qemu.out" ]; then
		{ echo "---- qemu stdout/stderr ----"; cat "$WORK/qemu.out"; } >>"$CONSOLE"
	fi
}

# bench_fault: prints why, when Debian's kernel died (or hung) before /init started our payload,
# so before any module of ours was loaded. A fault of the test bench, not of the driver.
bench_fault() {
	local marker bad
	marker=$(grep -n -m1 'biounit-vm: running /tests/run.sh' "$CONSOLE" | cut -d: -f1 || true)
	bad=$(grep -nE -m1 "$CONSOLE_BAD" "$CONSOLE" || true)
	if [ -n "$bad" ] && { [ -z "$marker" ] || [ "${bad%%:*}" -lt "$marker" ]; }; then
		echo "${bad#*:}" | sed -E 's/^\[ *[0-9.]+\] //' | tr -d '#' | cut -c1-160
	elif [ -z "$marker" ] && [ "$qrc" -ne 0 ]; then
		echo "QEMU exit status $qrc before /init ran the payload"
	fi
}

boot_once
fault=$(bench_fault)
retry_note=''
if [ -n "$fault" ] && [ "${BIOUNIT_VM_RETRY:-1}" = 1 ]; then
	cp "$CONSOLE" "$CONSOLE.boot1"
	retry_note="bench fault on the first boot, Debian's kernel died before our modules were loaded ($fault; console in $CONSOLE.boot1); booted again"
	echo "run-vm.sh: $KREL: $retry_note" >&2
	boot_once
	fault=$(bench_fault)
fi
tr -d '\r' <"$WORK/tap.raw" >"$TAP" 2>/dev/null || : >"$TAP"
[ -z "$(tail -c1 "$TAP")" ] || echo >>"$TAP"

# ---- our own results ---------------------------------------------------------------------------
boot_ok=1 boot_msg="vm $KREL: booted and powered off in ${secs}s"
if [ -n "$fault" ]; then
	boot_ok=0 boot_msg="vm $KREL: bench fault, not a driver fault: Debian's kernel died before our modules were loaded${retry_note:+, on both boots} ($fault)"
elif [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	boot_ok=0 boot_msg="vm $KREL: timed out after ${TIMEOUT}s, QEMU killed"
elif [ $qrc -ne 0 ]; then
	boot_ok=0 boot_msg="vm $KREL: QEMU exit status $qrc: $(head -n1 "$WORK/qemu.out")"
elif ! grep -q 'biounit-vm: done' "$CONSOLE"; then
	boot_ok=0 boot_msg="vm $KREL: did not reach the end of /init (panic or early poweroff)"
fi

# Top-level TAP: each `1..N` plan opens a block that must hold N results (kselftest prints the plan
# first); results before any plan, or a missing plan, are errors.
tap_msg=$(awk '
	function close_block() {
		if (plan >= 0 && n != plan && !err) err = sprintf("block %d: plan 1..%d but %d results", blocks, plan, n)
	}
	/^1\.\.[0-9]+/ { close_block(); blocks++; plan = substr($1, 4) + 0; n = 0; next }
	/^(not )?ok([ \t]|$)/ {
		if (plan < 0 && !err) err = "result before any plan: " $0
		n++; total++; next
	}
	/^Bail out!/ { if (!err) err = $0 }
	BEGIN { plan = -1 }
	END {
		close_block()
		if (!blocks && !err) err = "no TAP plan printed"
		if (!err && blocks < want) err = sprintf("%d TAP blocks of the %d expected (a test program printed no plan: crashed or never ran), %d results", blocks, want, total)
		if (err) print "ERR " err; else printf "OK %d blocks, %d results\n", blocks, total
	}' want="$EXPECT_BLOCKS" "$TAP")
rc_line=$(grep -o 'run.sh exit status [0-9]*' "$TAP" | tail -n1 || true)
if [ "$RAW" = 1 ]; then
	tap_ok=1 tap_msg="vm $KREL: payload output not TAP (--raw), ${rc_line:-run.sh did not finish}"
	[ -n "$rc_line" ] || tap_ok=0
elif [[ $tap_msg == OK* ]]; then
	tap_ok=1 tap_msg="vm $KREL: payload TAP complete (${tap_msg#OK }, ${rc_line:-run.sh did not finish})"
else
	tap_ok=0 tap_msg="vm $KREL: payload TAP incomplete: ${tap_msg#ERR }"
fi

bad=$(grep -E -m1 "$CONSOLE_BAD" "$CONSOLE" || true)
if [ -z "$bad" ]; then
	con_ok=1 con_msg="vm $KREL: console clean"
else
	con_ok=0 con_msg="vm $KREL: console: $(echo "$bad" | sed -E 's/^\[ *[0-9.]+\] //' | tr -d '#' | cut -c1-160)"
fi

result() { if [ "$1" = 1 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fi; }
{
	echo "# vm $KREL: $nours module(s) of ours, $nmods kernel module(s), qemu ${secs}s, tcg thread=$TCG_THREAD"
	[ -z "$retry_note" ] || echo "# vm $KREL: $retry_note"
	echo "TAP version 13"
	echo "1..3"
	result $boot_ok 1 "$boot_msg"
	result $tap_ok 2 "$tap_msg"
	result $con_ok 3 "$con_msg"
} >>"$TAP"

echo "run-vm.sh: $KREL: qemu ${secs}s; TAP in $TAP, console in $CONSOLE" >&2
if grep '^not ok' "$TAP" | grep -vq '# *TODO'; then
	grep '^not ok' "$TAP" | grep -v '# *TODO' | sed 's/^/run-vm.sh: /' >&2
	exit 1
fi
exit 0
