#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The udev rules (userspace/udev/60-biounit.rules, 70-biounit.rules) with Debian 12's own
# systemd-udevd (252, copied into the payload with its libraries by tests/kernel/Makefile), in the
# test VM: the links /dev/biounit/by-serial/SERIAL/{unit,pad-input,buttons-input} of simulated
# units, group and mode of each node, the input devices as udev's input_id classifies them (Debian's
# 60-input-id.rules), a serial that is no file name, a unit without a serial, and the links going
# with the unit. Runs after run.sh has loaded biounit-sim and mounted configfs. Prints TAP.
S=/sys/kernel/config/biounit-sim
U=$S/udev-test
G=$S/gpio/udev-keys
PLAN=28
UDEVADM=$PWD/udev/udevadm

. ./tap.sh
settle() { "$UDEVADM" settle -t 30; }
udevd_pids() { # udevd and its workers (the payload's busybox has no pgrep)
	for d in /proc/[0-9]*; do
		grep -q systemd-udevd "$d/cmdline" 2>/dev/null && echo "${d#/proc/}"
	done
}

if [ ! -x "$UDEVADM" ]; then
	while [ $n -lt $PLAN ]; do n=$((n + 1)); echo "ok $n - udev # SKIP no udevadm in the payload"; done
	exit 0
fi

need_evdev
mkdir -p /etc/udev/rules.d /run/udev
cp udev/*.rules /etc/udev/rules.d/
grep -q '^biounit:' /etc/group 2>/dev/null || printf 'root:x:0:\ninput:x:105:\nbiounit:x:990:\n' >>/etc/group
# In the foreground (backgrounded here), so that what it says about the rules lands in a file
"$PWD/udev/systemd-udevd" --debug >/tmp/udevd.log 2>&1 &
udevd=$!
wait_for 10 test -S /run/udev/control
ok "systemd-udevd $("$UDEVADM" --version) runs with the rules"
settle
# udevd names a rule it does not like by FILE:LINE
if grep -E '^/[^ ]*-biounit\.rules:[0-9]+ ' /tmp/udevd.log; then false; else true; fi
ok "udevd reads 60-biounit.rules and 70-biounit.rules without a complaint"

# ---- a unit with a pad and the button and presence on a desk gpiochip ----------------------------
mkdir $G $G/line0 $G/line1 && echo 2 > $G/num_lines && echo 1 > $G/live &&
	mkdir $U && echo "SN-UDEV-1" > $U/serial && echo "udev-keys 0" > $U/button_gpio &&
	echo "udev-keys 1" > $U/presence_gpio && echo 1 > $U/live
ok "a unit SN-UDEV-1 with a pad, button and presence"
settle
node=$(cat $U/dev_name)
L=/dev/biounit/by-serial/SN-UDEV-1
eq "unit -> /dev/$node" "$(readlink -f $L/unit)" "/dev/$node"
pen=$(event_of "$node" pen)
keys=$(event_of "$node" buttons)
eq "pad-input -> the pen tablet /dev/input/$pen" "$(readlink -f $L/pad-input)" "/dev/input/$pen"
eq "buttons-input -> /dev/input/$keys" "$(readlink -f $L/buttons-input)" "/dev/input/$keys"
eq "/dev/$node: group biounit, mode 660" "$(stat -c '%G %a' /dev/$node)" "biounit 660"
eq "pen tablet: group biounit, mode 660" "$(stat -c '%G %a' /dev/input/$pen)" "biounit 660"
eq "buttons: group biounit, mode 660" "$(stat -c '%G %a' /dev/input/$keys)" "biounit 660"
# the V4L2 nodes and the media device are children of the unit's class device (docs/v4l2.md)
face=$(vnode_of "$node" "face camera")
finger=$(vnode_of "$node" "finger scanner")
media=$(basename "$(ls -d /sys/class/biounit/$node/media* 2>/dev/null | head -n 1)")
eq "video-face -> the face camera's node /dev/$face" "$(readlink -f $L/video-face)" "/dev/${face:-none}"
eq "video-finger -> the scanner's node /dev/$finger" "$(readlink -f $L/video-finger)" "/dev/${finger:-none}"
eq "media -> the unit's media device /dev/$media" "$(readlink -f $L/media)" "/dev/${media:-none}"
eq "video and media nodes: group biounit, mode 660" \
	"$(stat -c '%G %a' /dev/${face:-none} /dev/${finger:-none} /dev/${media:-none} | sort -u)" "biounit 660"
"$UDEVADM" info /dev/input/$pen >/tmp/pen.info
grep -qx 'E: ID_INPUT_TABLET=1' /tmp/pen.info
ok "input_id: the pen is a tablet (ID_INPUT_TABLET=1)"
grep -q 'ID_INPUT_KEY=1' /tmp/pen.info
[ $? -ne 0 ]
ok "input_id: the pen is not a key device"
"$UDEVADM" info /dev/input/$keys >/tmp/keys.info
grep -qx 'E: ID_INPUT_KEY=1' /tmp/keys.info
ok "input_id: the button device has keys (KEY_OK: ID_INPUT_KEY=1)"
grep -qx 'E: ID_INPUT_SWITCH=1' /tmp/keys.info
ok "input_id: the button device has a switch (ID_INPUT_SWITCH=1)"
grep -q 'ID_INPUT_KEYBOARD=1' /tmp/keys.info
[ $? -ne 0 ]
ok "input_id: the button device is no keyboard"

# ---- serial numbers that are no file name, and none ---------------------------------------------
mkdir $S/udev-odd && echo "AB 12" > $S/udev-odd/serial && echo 0 > $S/udev-odd/face/present &&
	echo 1 > $S/udev-odd/live
ok "a unit with serial 'AB 12'"
mkdir $S/udev-slash && echo "C/../D" > $S/udev-slash/serial && echo 1 > $S/udev-slash/live &&
	mkdir $S/udev-dots && echo ".." > $S/udev-dots/serial && echo 1 > $S/udev-dots/live
ok "units with serials 'C/../D' and '..'"
mkdir $S/udev-none && echo "" > $S/udev-none/serial && echo 1 > $S/udev-none/live
ok "a unit without a serial"
settle
odd=$(cat $S/udev-odd/dev_name)
eq "'AB 12' becomes AB_12" "$(readlink -f /dev/biounit/by-serial/AB_12/unit)" "/dev/$odd"
eq "no links but those of the units with a usable serial" "$(ls /dev/biounit/by-serial | tr '\n' ' ')" "AB_12 SN-UDEV-1 "
eq "nothing else under /dev/biounit" "$(ls /dev/biounit | tr '\n' ' ')" "by-serial "

# ---- unplugged: the links go ---------------------------------------------------------------------
for u in $U $S/udev-odd $S/udev-slash $S/udev-dots $S/udev-none; do echo 0 > $u/live; done
settle
[ ! -e $L/unit ] && [ ! -e $L/pad-input ] && [ ! -e $L/buttons-input ] && [ ! -L $L/unit ] &&
	[ ! -e $L/video-face ] && [ ! -e $L/video-finger ] && [ ! -e $L/media ]
ok "unplugged: SN-UDEV-1's links are gone"
[ ! -e /dev/biounit/by-serial/AB_12 ]
ok "unplugged: AB_12's directory is gone"
rmdir $U $S/udev-odd $S/udev-slash $S/udev-dots $S/udev-none && echo 0 > $G/live && rmdir $G/line0 $G/line1 $G
ok "units and chip removed"
"$UDEVADM" control --exit
if wait_for 30 exited $udevd; then
	ok "systemd-udevd exits"
else
	false
	ok "systemd-udevd exits within 30 s of udevadm control --exit"
	# what it waits for, then it goes: the tests after this one must not hang on it
	for p in $( (echo $udevd; udevd_pids) | sort -u); do
		echo "# pid $p: $( { tr -d '\0' <"/proc/$p/cmdline"; } 2>/dev/null) state $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) wchan $(cat "/proc/$p/wchan" 2>/dev/null)"
		sed 's/^/#   /' "/proc/$p/stack" 2>/dev/null
	done
	tail -n 30 /tmp/udevd.log | sed 's/^/# udevd: /'
	kill -9 $udevd $(udevd_pids) 2>/dev/null
fi
# reaped once gone (one stuck in the kernel even after SIGKILL is left, rather than wait forever)
wait_for 5 exited $udevd && wait $udevd 2>/dev/null
# The tests after this one find no udevd, as before it ran (libbiounit and biounitd look for
# /run/udev/control to choose between udevd's events and the kernel's)
rm -rf /run/udev
