#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The driver probes from a real device tree: Debian's arm64 kernel in QEMU's "virt" machine
# (software emulation, TCG), our modules cross-built for it, a unit node added to the machine's tree.
#
#   scripts/check-dt-vm.sh [OUTDIR]          TAP on stdout; logs in OUTDIR (default build/dt-vm)
#
# 1. Downloads (once, never installs) linux-image-KREL, linux-headers-KREL and busybox-static for
#    arm64 through the private arm64 apt state of scripts/check-dt.sh
#    (${BIOUNIT_CACHE:-~/.cache/biounit}/apt-arm64) and unpacks them to $CACHE/dt-vm/KREL/.
#    The headers' scripts/ and tools/ point at the host's amd64 linux-kbuild of the same version.
# 2. Cross-builds biounit.ko and biounit-sim.ko (W=1, aarch64-linux-gnu-, no warning allowed), and
#    tests/dt-vm/facelight.c and buttonevent.c (static) if the arm64 C library is installed.
# 3. Builds a busybox initramfs: our modules, the kernel's configfs/videobuf2/videodev/mc with their
#    modules.dep closure (decompressed), /init and tests/dt-vm/run.sh (the in-VM TAP).
# 4. Dumps the virt machine's tree (-M virt,dumpdtb), labels its PL061 GPIO controller &pl061
#    (found by its compatible), adds tests/dt-vm/unit-good.dtsi (boot 1) or unit-broken.dtsi
#    (boot 2) and boots each with qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 1G -dtb.
#    Boot 1: /dev/biounit0 with model, serial and channels from the tree, and the unit's
#    resources taken and powered as the tree says: reset/enable/button/presence on the PL061, a
#    regulator-fixed supply, two fixed-clocks, gpio-leds (in /sys/kernel/debug/gpio, the regulator
#    sysfs and clk debugfs); QEMU's power button (PL061 line 3, pressed through the QEMU monitor
#    when run.sh asks) gives the button's two edges, and BIOUNIT_EVENT_BUTTON pressed then
#    released to a file subscribed to it (buttonevent.c); the face light is on while the face channel
#    streams; the camera's CSI-2 endpoint (to a port added to the PL061) and the scanner's and
#    pad's ind,device (the PL061, gpio-leds) in debugfs; unbind powers it down, bind up again.
#    Boot 2: max-frame-size 320x240, a reset-gpios without its flags cell, data-lanes with 5
#    entries or lane 0, an ind,device or a camera remote-endpoint to a disabled node fail the
#    probe with the driver's dev_err_probe() messages on the console; a supply that never
#    probes, a line the PL061 lacks, an ind,device or a remote-endpoint whose device has no
#    driver defer it (devices_deferred, with the driver's reason), silently.
#    Every console is scanned for BUG/WARNING/Oops. The in-VM TAP is a subtest of each boot.
# Env: BIOUNIT_CACHE, BIOUNIT_DT_KREL (default: scripts/kernels.sh's newest, as -arm64; Debian's
#      6.1 works too: BIOUNIT_DT_KREL=6.1.0-56-arm64, with the host's linux-kbuild-6.1),
#      BIOUNIT_DTVM_TIMEOUT (seconds per boot, default 300).
# Needs: gcc-aarch64-linux-gnu qemu-system-arm device-tree-compiler kmod xz-utils cpio (and, for the
#        face-light and button-event checks, libc6-dev-arm64-cross), and
#        the host's amd64 linux-kbuild-6.12.117+deb12 and linux-headers-6.12.117+deb12-common.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/build/dt-vm}
CACHE=${BIOUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biounit}
KREL=${BIOUNIT_DT_KREL:-$("$ROOT/scripts/kernels.sh" | tail -n1 | sed 's/-amd64$/-arm64/')}
KVER=${KREL%-arm64} # 6.12.117+deb12; 6.1.0-56 for Debian's 6.1 (BIOUNIT_DT_KREL=6.1.0-56-arm64)
# Debian's kbuild package is per version (6.12.117+deb12), for 6.1 per series (6.1)
KBUILD=/usr/lib/linux-kbuild-$KVER
[ -d "$KBUILD" ] || KBUILD=/usr/lib/linux-kbuild-$(echo "$KVER" | cut -d. -f1,2)
TIMEOUT=${BIOUNIT_DTVM_TIMEOUT:-300}
KC=$CACHE/dt-vm/$KREL
QEMU_CPU=(-cpu cortex-a57 -smp 2 -m 1G) # with -M virt
VM_MODULES=(configfs videobuf2-common videobuf2-memops videobuf2-vmalloc videobuf2-dma-contig
	videobuf2-dma-sg videodev mc fixed leds-gpio)
CONSOLE_BAD='BUG:|WARNING:|Oops|Call Trace|refcount_t|general protection|[Kk]ernel panic|UBSAN:|KASAN:|INFO: task .* blocked for more than|rcu: INFO|soft lockup|hard LOCKUP|list_(add|del) corruption'
# What the core prints for unit-broken.dtsi (driver/biounit-core.c, biounit_read_camera(), through
# dev_err_probe(): "biounit-sim biometrics-unit: error -EINVAL: camera: ...").
BROKEN_MSG='biounit-sim biometrics-unit: (error -EINVAL: )?camera: max-frame-size 320x240 outside 640x480\.\.8192x8192'
# biounit_res_gpio() in driver/biounit-resources.c, for reset-gpios = <&pl061 0> (no flags cell).
BROKEN_GPIO_MSG='biounit-sim biometrics-unit-badgpio: (error -EINVAL: )?reset-gpios: cannot get the line'
# The camera's endpoint and ind,device (driver/biounit-resources.c), "DESCRIPTION|REGEX" each.
BROKEN_LINK_MSGS=(
	"data-lanes with 5 entries fails the probe|biounit-sim biometrics-unit-lanes5: (error -EINVAL: )?camera: port: data-lanes has 5 entries, 1\.\.4 allowed"
	"data-lanes lane 0 fails the probe|biounit-sim biometrics-unit-lane0: (error -EINVAL: )?camera: port: data-lanes: lane 0 outside 1\.\.4"
	"ind,device to a disabled node fails the probe|biounit-sim biometrics-unit-devoff: (error -ENODEV: )?scanner: ind,device: /regulator-biounit-never is disabled"
	"remote-endpoint to a disabled node fails the probe|biounit-sim biometrics-unit-camoff: (error -ENODEV: )?camera: port: remote-endpoint: /regulator-biounit-never is disabled"
)
PLAN=$((10 + ${#BROKEN_LINK_MSGS[@]}))

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
n=0 fails=0
result() { # result OK(0/1) DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}
bail() { # everything after a failed setup step fails
	result 0 "$1"
	while [ $n -lt $PLAN ]; do result 0 "skipped: $1"; done
	exit 1
}

echo "TAP version 13"
echo "1..$PLAN"
echo "# kernel $KREL (arm64), cache $KC, logs in $OUT"

# ---- 1. packages ----------------------------------------------------------------------------------
fetch() {
	[ -f "$KC/.stamp" ] && return 0
	local dl pkgs=("linux-image-$KREL" "linux-headers-$KREL" busybox-static) p deb
	dl=$(mktemp -d "${TMPDIR:-/tmp}/biounit-dtvm.XXXXXX")
	"$ROOT/scripts/arm64-download.sh" "$dl" "${pkgs[@]}" || { rm -rf "$dl"; return 1; }
	rm -rf "$KC" && mkdir -p "$KC"
	for p in "${pkgs[@]}"; do
		deb=$(find "$dl" -maxdepth 1 -name "${p}_*.deb" | head -n1)
		if [ -z "$deb" ] || ! dpkg-deb -x "$deb" "$KC/root"; then
			rm -rf "$dl"
			return 1
		fi
	done
	rm -rf "$dl"
	# Only what the VM needs of the image; modules.dep is made by the package's postinst: depmod.
	rm -rf "$KC/root/usr/lib/linux-image-$KREL" "$KC/root/usr/share"
	depmod -b "$KC/root" "$KREL" || return 1
	local h=$KC/root/usr/src/linux-headers-$KREL
	ln -sfn "$KBUILD/scripts" "$h/scripts"
	ln -sfn "$KBUILD/tools" "$h/tools"
	touch "$KC/.stamp"
}
fetch >"$OUT/fetch.log" 2>&1 || bail "download linux-image/-headers-$KREL, busybox-static (arm64): see $OUT/fetch.log"
KDIR=$KC/root/usr/src/linux-headers-$KREL
for need in "$KBUILD/scripts" "/usr/src/linux-headers-$KVER-common/Makefile"; do
	[ -e "$need" ] || bail "$need missing (apt-get install linux-headers-${KREL%-arm64}-amd64)"
done

# ---- 2. cross-build ---------------------------------------------------------------------------------
rm -rf "$OUT/src" && mkdir -p "$OUT/src"
cp -a "$ROOT/Kbuild" "$ROOT/driver" "$ROOT/uapi" "$OUT/src/"
make -C "$KDIR" M="$OUT/src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- W=1 modules \
	>"$OUT/build.log" 2>&1
brc=$?
mapfile -t KOS < <(find "$OUT/src" -name '*.ko' | sort)
if [ $brc -ne 0 ] || [ ${#KOS[@]} = 0 ]; then
	bail "cross-build for $KREL failed: see $OUT/build.log"
elif grep -q 'warning:' "$OUT/build.log"; then
	bail "cross-build for $KREL: $(grep -m1 'warning:' "$OUT/build.log")"
fi
# tests/dt-vm/facelight.c streams the face channel in the VM, buttonevent.c reads the button's
# events; they need the arm64 C library (libc6-dev-arm64-cross), without which their checks are
# skipped.
VM_PROGS=(facelight buttonevent)
rm -f "${VM_PROGS[@]/#/$OUT/}"
fl="; ${VM_PROGS[*]} skipped: no /usr/aarch64-linux-gnu/lib/libc.a (libc6-dev-arm64-cross)"
if [ -f /usr/aarch64-linux-gnu/lib/libc.a ]; then
	for p in "${VM_PROGS[@]}"; do
		aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -I"$ROOT/uapi" -o "$OUT/$p" \
			"$ROOT/tests/dt-vm/$p.c" >>"$OUT/build.log" 2>&1 ||
			bail "cross-build of tests/dt-vm/$p.c failed: see $OUT/build.log"
	done
	fl=" and ${VM_PROGS[*]}"
fi
result 1 "cross-built $(printf '%s ' "${KOS[@]##*/}")for $KREL (W=1, no warnings)$fl"

# ---- 3. initramfs -----------------------------------------------------------------------------------
build_initrd() {
	local r=$OUT/initrd m path rel dst ko
	rm -rf "$r" && mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,tests,lib/modules/"$KREL"/extra}
	cp "$KC/root/bin/busybox" "$r/bin/busybox"
	# The applet list of an arm64 busybox cannot be asked for here: the host's is the same version.
	for a in sh mount modprobe insmod sleep cat grep sed dmesg test poweroff mkdir echo uname ls; do
		ln -s busybox "$r/bin/$a"
	done
	local wanted=("${VM_MODULES[@]}")
	for ko in "${KOS[@]}"; do
		IFS=, read -r -a deps <<<"$(modinfo -F depends "$ko")"
		for m in "${deps[@]}"; do [ -n "$m" ] && [ "$m" != biounit ] && wanted+=("$m"); done
	done
	declare -A seen=()
	for m in "${wanted[@]}"; do
		out=$(modprobe -d "$KC/root" -S "$KREL" --show-depends "$m" 2>&1) ||
			{ echo "cannot resolve $m: $out"; return 1; }
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			[ -n "${seen[$path]:-}" ] && continue
			seen[$path]=1
			rel=${path#"$KC/root/lib/modules/$KREL/"}
			dst=$r/lib/modules/$KREL/${rel%.xz}
			mkdir -p "$(dirname "$dst")"
			case $rel in
			*.ko.xz) xz -dc "$path" >"$dst" ;;
			*.ko) cp "$path" "$dst" ;;
			*) echo "unexpected module $path"; return 1 ;;
			esac
		done <<<"$out"
	done
	cp "$KC/root/lib/modules/$KREL"/modules.{builtin,builtin.modinfo} "$r/lib/modules/$KREL/"
	cp "${KOS[@]}" "$r/lib/modules/$KREL/extra/"
	depmod -b "$r" "$KREL" || return 1
	cp "$ROOT/tests/dt-vm/run.sh" "$r/tests/run.sh"
	for p in "${VM_PROGS[@]}"; do
		[ ! -f "$OUT/$p" ] || cp "$OUT/$p" "$r/tests/$p"
	done
	cat >"$r/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
modprobe configfs && mount -t configfs configfs /sys/kernel/config
echo 30 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
echo "biounit-dtvm: running /tests/run.sh" >/dev/kmsg
# One UART on virt: the TAP shares the console, each line marked.
(cd /tests && ./run.sh) 2>&1 </dev/null | sed 's/^/@TAP@ /' >/dev/console
echo "biounit-dtvm: done" >/dev/kmsg
poweroff -f
INIT
	chmod +x "$r/init"
	(cd "$r" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$OUT/initrd.gz"
	echo "$(find "$r/lib/modules/$KREL/kernel" -name '*.ko' | wc -l) kernel modules"
}
imsg=$(build_initrd 2>&1 | tee "$OUT/initrd.log" | tail -n1)
if [ "${PIPESTATUS[0]}" != 0 ] || [ ! -s "$OUT/initrd.gz" ]; then
	bail "arm64 busybox initramfs: $imsg (see $OUT/initrd.log)"
fi
result 1 "arm64 busybox initramfs: our modules + $imsg ($(du -k "$OUT/initrd.gz" | cut -f1) KiB)"

# ---- 4. the trees and the boots ---------------------------------------------------------------------
qemu-system-aarch64 -M "virt,dumpdtb=$OUT/virt.dtb" "${QEMU_CPU[@]}" -nographic >"$OUT/dumpdtb.log" 2>&1 ||
	bail "qemu-system-aarch64 -M virt,dumpdtb: $(head -n1 "$OUT/dumpdtb.log")"
dtc -q -I dtb -O dts -o "$OUT/virt.dts" "$OUT/virt.dtb" || bail "dtc cannot read virt.dtb"
# The unit's GPIOs are on the machine's own PL061: QEMU's tree has no labels, so give it one.
pl061=$(awk '/^\t[^\t].*\{$/ { node = $1 } /compatible = "arm,pl061/ { print node; exit }' "$OUT/virt.dts")
[ -n "$pl061" ] || bail "no arm,pl061 node in QEMU's virt tree ($OUT/virt.dts)"
printf 'pl061: &{/%s} { };\n' "$pl061" >"$OUT/labels.dtsi"

# QEMU's power button is the virt machine's PL061 line 3 (a 100 ms pulse), which unit-good.dtsi
# makes the unit's button-gpios. press_button RAWCONSOLE MONITOR-FIFO: when run.sh asks on the
# console, push it through the QEMU monitor (a pipe chardev: MONITOR-FIFO.in/.out).
press_button() {
	local i
	for ((i = 0; i < 2 * TIMEOUT; i++)); do
		if grep -q 'biounit-dtvm: press the button' "$1" 2>/dev/null; then
			echo system_powerdown >"$2.in"
			return
		fi
		sleep 0.5
	done
}

boot() { # boot good|broken
	local mode=$1
	local dts=$OUT/virt-$mode.dts dtb=$OUT/virt-$mode.dtb con=$OUT/console-$mode.log
	local start secs qrc vmtap bad msg line
	cat "$OUT/virt.dts" "$OUT/labels.dtsi" "$ROOT/tests/dt-vm/unit-$mode.dtsi" >"$dts"
	# The virt tree as QEMU made it draws dtc warnings of its own; ours must compile.
	if ! dtc -q -I dts -O dtb -o "$dtb" "$dts" 2>"$OUT/dtc-$mode.log"; then
		result 0 "vm $mode: dtc: $(head -n1 "$OUT/dtc-$mode.log")"
		return
	fi
	local mon=$OUT/monitor-$mode presser=
	rm -f "$OUT/console-$mode.raw" "$mon.in" "$mon.out"
	mkfifo "$mon.in" "$mon.out" || { result 0 "vm $mode: mkfifo $mon.in"; return; }
	[ "$mode" != good ] || { press_button "$OUT/console-$mode.raw" "$mon" & presser=$!; }
	start=$(date +%s.%N)
	timeout -k 5 "$TIMEOUT" qemu-system-aarch64 -M virt "${QEMU_CPU[@]}" -nodefaults -display none \
		-no-reboot -dtb "$dtb" -kernel "$KC/root/boot/vmlinuz-$KREL" -initrd "$OUT/initrd.gz" \
		-append "console=ttyAMA0 panic=-1 oops=panic loglevel=7 biounit_dtvm=$mode" \
		-serial "file:$OUT/console-$mode.raw" -monitor "pipe:$mon" >"$OUT/qemu-$mode.log" 2>&1
	qrc=$?
	if [ -n "$presser" ]; then
		kill "$presser" 2>/dev/null
		wait "$presser" 2>/dev/null
	fi
	rm -f "$mon.in" "$mon.out"
	secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
	tr -d '\r' <"$OUT/console-$mode.raw" >"$con"
	if [ $qrc -ne 0 ]; then
		result 0 "vm $mode: QEMU exit status $qrc after ${secs}s: $(head -n1 "$OUT/qemu-$mode.log")"
	elif ! grep -q 'biounit-dtvm: done' "$con"; then
		result 0 "vm $mode: did not reach the end of /init (${secs}s)"
	else
		result 1 "vm $mode: booted Debian $KREL on virt/cortex-a57 (TCG) and powered off in ${secs}s"
	fi
	vmtap=$(sed -n 's/^.*@TAP@ //p' "$con")
	while IFS= read -r line; do echo "    $line"; done <<<"$vmtap"
	if [ -n "$vmtap" ] && ! echo "$vmtap" | grep -q '^not ok' &&
		[ "$(echo "$vmtap" | grep -c '^ok ')" = "$(echo "$vmtap" | sed -n 's/^1\.\.//p')" ]; then
		result 1 "vm $mode: in-VM checks ($(echo "$vmtap" | grep -c '^ok ') ok)"
	else
		result 0 "vm $mode: in-VM checks (see $con)"
	fi
	if [ "$mode" = broken ]; then
		# The kernel's own console lines, not the copy run.sh prints from dmesg.
		msg=$(grep -v '@TAP@' "$con" | grep -m1 -E "$BROKEN_MSG" | sed -E 's/^\[ *[0-9.]+\] //')
		if [ -n "$msg" ]; then
			result 1 "vm broken: probe failed, console: \"$msg\""
		else
			result 0 "vm broken: console lacks \"$BROKEN_MSG\""
		fi
		msg=$(grep -v '@TAP@' "$con" | grep -m1 -E "$BROKEN_GPIO_MSG" | sed -E 's/^\[ *[0-9.]+\] //')
		if [ -n "$msg" ]; then
			result 1 "vm broken: bad reset-gpios fails the probe, console: \"$msg\""
		else
			result 0 "vm broken: console lacks \"$BROKEN_GPIO_MSG\""
		fi
		for line in "${BROKEN_LINK_MSGS[@]}"; do
			msg=$(grep -v '@TAP@' "$con" | grep -m1 -E "${line#*|}" | sed -E 's/^\[ *[0-9.]+\] //')
			if [ -n "$msg" ]; then
				result 1 "vm broken: ${line%%|*}, console: \"$msg\""
			else
				result 0 "vm broken: console lacks \"${line#*|}\""
			fi
		done
	fi
	bad=$(grep -E -m1 "$CONSOLE_BAD" "$con")
	if [ -z "$bad" ]; then
		result 1 "vm $mode: console clean (no BUG/WARNING/Oops)"
	else
		result 0 "vm $mode: console: $(echo "$bad" | cut -c1-160)"
	fi
}
boot good
boot broken
[ "$n" = "$PLAN" ] || { echo "# plan $PLAN but $n results"; fails=$((fails + 1)); }
[ "$fails" = 0 ]
