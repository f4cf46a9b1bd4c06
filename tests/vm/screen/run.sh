#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The applicant's screen on a real KMS device, in the VM (tests/vm/screen/check-screen.sh): QEMU's
# bochs-display, the bochs DRM driver, biounit-screen. Prints TAP; "# SCREENDUMP NAME" and
# "# HOTPLUG del|add" ask the host (driver.py, reading this output as it comes) for a screendump
# or a device change; the screen holds still meanwhile (HOLD seconds; the host has no way back into
# the VM but the devices). The host then compares each screendump with the scene drawn in memory.
cd /tests || exit 1
mkdir -p /usr/share/fonts/truetype/dejavu && cp fonts/*.ttf /usr/share/fonts/truetype/dejavu/
HOLD=5
n=0
check() { # check DESCRIPTION COMMAND...: one TAP line from the command's exit status
	d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi
}
ask() { # ask WHAT: a line to the host, and time for it to act
	echo "# $*"
	sleep $HOLD
}
comment() { sed 's/^/# /' "$@"; }
echo "TAP version 13"
echo "1..10"

# no display card at all: a state, not an error
./biounit-screen status >/tmp/st.out 2>&1
comment /tmp/st.out
check "no display card: status says none" grep -q '^none: no display card' /tmp/st.out
./biounit-screen show --hold 0 one.txt >/tmp/o.out 2>/tmp/o.err
rc=$?
comment /tmp/o.out /tmp/o.err
check "no display card: a scene is drawn for nobody, exit 0" \
	sh -c "[ $rc = 0 ] && grep -q '^screen 01-welcome none' /tmp/o.out"

# the display's driver: bochs, or what check-screen.sh put on the command line
module=bochs
for w in $(cat /proc/cmdline); do
	case $w in
	biounit_screen_module=*) module=${w#*=} ;;
	biounit_screen_legacy=1) export BIOUNIT_SCREEN_LEGACY=1 ;;	# SetCrtc/PageFlip, not atomic
	esac
done
modprobe "$module"
i=0
while [ ! -e /dev/dri/card0 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
./biounit-screen status >/tmp/st.out 2>&1
comment /tmp/st.out
check "$module: status says showing, 1280x800" grep -q '^showing: /dev/dri/card0 .* 1280x800' /tmp/st.out

# DRM master held by another process: a clear line in the log, retried until it is free
./biounit-screen show --wait 5000 --hold 6000 one.txt >/tmp/h.out 2>/tmp/h.err &
holder=$!
# until the first one shows (it holds the scene 6 s from then); at most 20 s
i=0
while ! grep -q ' showing$' /tmp/h.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
./biounit-screen show --wait 20000 --hold 0 one.txt >/tmp/b.out 2>/tmp/b.err
rc=$?
wait $holder
comment /tmp/h.out /tmp/h.err /tmp/b.out /tmp/b.err
check "master held elsewhere: logged as busy, retried, shown once free" \
	sh -c "[ $rc = 0 ] && grep -q 'busy: .*another process holds DRM master' /tmp/b.err &&
		grep -q '^screen 01-welcome showing' /tmp/b.out"

# the scripted session: each scene on the screen, a screendump of each
: >/tmp/s.out
{
	./biounit-screen show --wait 5000 --hold $((HOLD * 1000)) scenes.txt 2>/tmp/s.err
	echo $? >/tmp/s.rc
} | while IFS= read -r l; do
	echo "$l" >>/tmp/s.out
	case "$l" in
	"screen "*" showing") set -- $l; echo "# SCREENDUMP $2" ;;
	*) echo "# $l" ;;
	esac
done
rc=$(cat /tmp/s.rc)
comment /tmp/s.err
check "scripted session: every scene shown (exit $rc)" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c ' showing\$' /tmp/s.out) = $(grep -c '^[a-z]' scenes.txt) ]"

# the camera's path on this display (docs/screen.md, "Which path a display takes"): frames in
# exported dma-bufs of the card; bochs-display and virtio-gpu have no overlay plane (the legacy
# calls no TEST_ONLY commit), so every frame is composed on the CPU and the probe says why
./biounit-screen planes --frames 2 --buffers 2 zc.txt >/tmp/z.out 2>/tmp/z.err
rc=$?
comment /tmp/z.out /tmp/z.err
check "$module: the camera's frames take the CPU path, the probe says why (exit $rc)" \
	sh -c "[ $rc = 0 ] && grep -q '^zero-copy: no' /tmp/z.out &&
		grep -q '^path: .*\(no overlay plane\|legacy modesetting\)' /tmp/z.out &&
		grep -q '^released: 2 of 2 frames' /tmp/z.out"

# the display removed and added back while a scene is up (QEMU 7.2 hot-plugs a bochs-display,
# not a virtio-gpu-pci: "expects a pluggable device type")
if [ "$module" != bochs ]; then
	for t in "display removed: status says none" "display removed: the shower logged it and did not stop" \
		"display added back: the shower shows on it again"; do
		n=$((n + 1))
		echo "ok $n - $t # SKIP $module: QEMU cannot hot-plug its device"
	done
else
	./biounit-screen show --wait 5000 --hold 40000 one.txt >/tmp/p.out 2>/tmp/p.err &
	shower=$!
	i=0
	while ! grep -q ' showing$' /tmp/p.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
	ask "SCREENDUMP 90-before-unplug"
	ask "HOTPLUG del"
	sleep 3
	./biounit-screen status >/tmp/st.out 2>&1
	comment /tmp/st.out
	check "display removed: status says none" grep -q '^none:' /tmp/st.out
	ask "HOTPLUG add"
	i=0
	while ! grep -q 'screen: showing' /tmp/p.err 2>/dev/null || [ $(grep -c 'screen: showing' /tmp/p.err) -lt 2 ]; do
		[ $i -ge 50 ] && break
		sleep 0.2
		i=$((i + 1))
	done
	sleep 1
	ask "SCREENDUMP 91-after-replug"
	kill $shower 2>/dev/null
	wait $shower
	comment /tmp/p.out /tmp/p.err
	check "display removed: the shower logged it and did not stop" grep -q 'went away' /tmp/p.err
	check "display added back: the shower shows on it again" \
		sh -c "[ \$(grep -c 'screen: showing' /tmp/p.err) -ge 2 ]"
fi
check "no biounit-screen crashed" sh -c "! grep -qi 'segfault\|sanitizer' /tmp/*.err"
