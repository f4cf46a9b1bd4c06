#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The simulator's desk gpiochip (driver/sim-gpio.c) against Debian's libgpiod 1.6 tools as the
# independent client: gpiodetect, gpioinfo, gpiofind, gpioget, gpioset, gpiomon. Runs in the
# test VM (busybox sh) after run.sh has loaded biounit-sim and mounted configfs. Prints TAP.
G=/sys/kernel/config/biounit-sim/gpio
C=$G/bu-gpio-test
PLAN=43
T=/tmp/gpio_test
mkdir -p $T

. ./tap.sh
used_by() { # used_by OFFSET CONSUMER: gpioinfo shows the line held by CONSUMER
	gpioinfo "$DEV" | grep -E "line +$1:" | grep -q "\"$2\""
}

# ---- set-up in configfs ---------------------------------------------------------------------
mkdir $C
ok "mkdir a chip under $G"
echo bu-desk-test > $C/label && echo 6 > $C/num_lines &&
	for i in 0 1 2 3 5; do mkdir $C/line$i || exit 1; done &&
	echo pedal > $C/line0/name && echo privacy > $C/line1/name &&
	echo lamp-green > $C/line2/name && echo busy > $C/line3/name &&
	echo spare > $C/line5/name
ok "label, num_lines and line names written"
fails "mkdir line64 (beyond the most lines) is refused" mkdir $C/line64
fails "mkdir line01 (not canonical) is refused" mkdir $C/line01
fails "a pull that is no pull is refused" sh -c "echo sideways > $C/line0/pull"
mkdir $C/line7 && echo beyond > $C/line7/name
fails "live with a name beyond num_lines is refused" sh -c "echo 1 > $C/live"
rmdir $C/line7
echo 1 > $C/live
ok "live 1"
DEV=$(cat $C/dev_name)
echo "$DEV" | grep -qE '^gpiochip[0-9]+$' && [ -c "/dev/$DEV" ]
ok "dev_name is gpiochipN ($DEV) and /dev/$DEV is a character device"
fails "label cannot change while live (EBUSY)" sh -c "echo other > $C/label"
fails "a line name cannot change while live (EBUSY)" sh -c "echo other > $C/line0/name"

# ---- gpiodetect, gpioinfo, gpiofind -------------------------------------------------------------
gpiodetect | grep -q "^$DEV \[bu-desk-test\] (6 lines)"
ok "gpiodetect: $DEV [bu-desk-test] (6 lines)"
gpioinfo "$DEV" >$T/info
grep -qE 'line +0: +"pedal" +unused +input' $T/info && grep -qE 'line +3: +"busy" +unused +input' $T/info &&
	grep -qE 'line +4: +unnamed +unused +input' $T/info
ok "gpioinfo: names, unused inputs, line 4 unnamed"
eq "gpiofind privacy" "$(gpiofind privacy)" "$DEV 1"
eq "gpioinfo by label" "$(gpioinfo bu-desk-test | head -n1 | cut -d' ' -f1)" "$DEV"

# ---- gpioget: the world's pull, the consumer's bias, active-low --------------------------------
echo pull-up > $C/line0/pull
eq "gpioget of a line pulled up reads 1" "$(gpioget bu-desk-test 0)" 1
echo pull-down > $C/line0/pull
eq "gpioget of a line pulled down reads 0" "$(gpioget bu-desk-test 0)" 0
eq "gpioget -l (active-low) of a line pulled down reads 1" "$(gpioget -l bu-desk-test 0)" 1
echo none > $C/line1/pull
eq "a floating line with bias pull-up reads 1" "$(gpioget -B pull-up bu-desk-test 1)" 1
eq "a floating line with bias pull-down reads 0" "$(gpioget -B pull-down bu-desk-test 1)" 0
eq "a line let go of has no bias" "$(cat $C/line1/bias)" "as-is"
echo pull-up > $C/line1/pull
eq "the world's pull wins over the bias" "$(gpioget -B pull-down bu-desk-test 1)" 1

# ---- gpioset: what an output drives, read back through configfs -----------------------------
gpioset -m signal bu-desk-test 2=1 3=0 &
setpid=$!
wait_for 5 used_by 2 gpioset
ok "gpioset holds lines 2 and 3"
eq "line 2 drives 1 (configfs value)" "$(cat $C/line2/value)" 1
eq "line 3 drives 0 (configfs value)" "$(cat $C/line3/value)" 0
eq "line 2 is an output (configfs direction)" "$(cat $C/line2/direction)" output
gpioinfo "$DEV" | grep -qE 'line +2: +"lamp-green" +"gpioset" +output'
ok "gpioinfo: line 2 output, consumer gpioset"
kill $setpid
wait $setpid 2>/dev/null
eq "after gpioset exits line 2 is an input again" "$(cat $C/line2/direction)" input
gpioset -l -m signal bu-desk-test 3=1 &
setpid=$!
wait_for 5 used_by 3 gpioset
eq "gpioset -l 3=1 drives the line low" "$(cat $C/line3/value)" 0
kill $setpid
wait $setpid 2>/dev/null
echo pull-up > $C/line2/pull
gpioset bu-desk-test 2=0 # mode exit: sets, then lets go
eq "gpioset 2=0 and exit leaves the line to the world's pull-up" "$(cat $C/line2/value)" 1

# ---- gpiomon: edges from the world's pull ---------------------------------------------------
echo pull-down > $C/line0/pull
gpiomon -b -n 3 -F '%e %o' bu-desk-test 0 >$T/mon 2>&1 &
monpid=$!
wait_for 5 used_by 0 gpiomon
ok "gpiomon holds line 0"
echo pull-up > $C/line0/pull
echo pull-up > $C/line0/pull # no change: no event
echo pull-down > $C/line0/pull
echo pull-up > $C/line0/pull
wait_for 5 exited $monpid
ok "gpiomon saw its 3 events and exited"
wait $monpid
eq "gpiomon: rising, falling, rising on line 0" "$(cat $T/mon | tr '\n' ,)" "1 0,0 0,1 0,"
echo pull-down > $C/line0/pull
gpiomon -b -r -n 2 -F '%e %o' bu-desk-test 0 >$T/mon 2>&1 &
monpid=$!
wait_for 5 used_by 0 gpiomon
echo pull-up > $C/line0/pull
echo pull-down > $C/line0/pull
echo pull-up > $C/line0/pull
wait_for 5 exited $monpid
wait $monpid
eq "gpiomon -r: only the rising edges" "$(cat $T/mon | tr '\n' ,)" "1 0,1 0,"
echo pull-up > $C/line0/pull
gpiomon -b -l -f -n 1 -F '%e %o' bu-desk-test 0 >$T/mon 2>&1 &
monpid=$!
wait_for 5 used_by 0 gpiomon
echo pull-down > $C/line0/pull # physically falling: rising when active-low
echo pull-up > $C/line0/pull   # physically rising: falling when active-low
wait_for 5 exited $monpid
wait $monpid
eq "gpiomon -l -f: the physical rise is the falling edge" "$(cat $T/mon | tr '\n' ,)" "0 0,"

# ---- the chip removed and added again ----------------------------------------------------------
echo pull-down > $C/line0/pull
gpiomon -b -F '%e %o' bu-desk-test 0 >$T/stale 2>&1 &
stalepid=$!
wait_for 5 used_by 0 gpiomon
echo 0 > $C/live
ok "live 0 while gpiomon holds an event line"
[ ! -e "/dev/$DEV" ] && ! gpiodetect | grep -q bu-desk-test
ok "the chip is gone (no /dev/$DEV, not in gpiodetect)"
fails "gpioget fails on the removed chip" gpioget bu-desk-test 0
echo 1 > $C/live
ok "live 1 again, the stale gpiomon still holding its line of the old chip"
DEV=$(cat $C/dev_name)
[ -c "/dev/$DEV" ] && gpioinfo bu-desk-test | grep -qE 'line +0: +"pedal" +unused +input'
ok "the chip is back ($DEV), line 0 unused"
gpiomon -b -n 1 -F '%e %o' bu-desk-test 0 >$T/mon 2>&1 &
monpid=$!
wait_for 5 used_by 0 gpiomon
echo pull-up > $C/line0/pull
wait_for 5 exited $monpid
wait $monpid
eq "a new gpiomon sees edges on the chip added again" "$(cat $T/mon | tr '\n' ,)" "1 0,"
kill $stalepid 2>/dev/null
wait $stalepid 2>/dev/null
eq "the stale gpiomon saw nothing of the new chip" "$(grep -c '^[01] ' $T/stale)" 0
# the retired interrupt domain goes once the stale consumer has let go (a work item)
sleep 0.5

# ---- removing the directory while live --------------------------------------------------------
gpioset -m signal bu-desk-test 3=1 &
setpid=$!
wait_for 5 used_by 3 gpioset
for i in 0 1 2 3 5; do rmdir $C/line$i; done
rmdir $C
ok "rmdir lines and chip while live and gpioset holds a line"
! gpiodetect | grep -q bu-desk-test
ok "the chip is gone"
kill $setpid 2>/dev/null
wait $setpid 2>/dev/null

[ "$n" -eq "$PLAN" ] || echo "# plan $PLAN but $n results"
