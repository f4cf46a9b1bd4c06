#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The unit's input devices (docs/input.md) as Debian's evtest, the independent client, sees them:
# the pen tablet's description (name, axes with ranges and resolution, keys, INPUT_PROP_DIRECT),
# the button and presence sensor of a unit wired to a simulated desk gpiochip, as a key press and
# release and a switch, with the switch's state queried. (tests/kernel/input_test.c reads the pen
# script's samples with a reader of its own.) Runs in the test VM after run.sh has loaded
# biounit-sim and mounted configfs. Prints TAP.
S=/sys/kernel/config/biounit-sim
U=$S/evtest-unit
G=$S/gpio/evtest-keys
PLAN=15

. ./tap.sh
has() { # has DESCRIPTION FILE PATTERN (grep -E)
	n=$((n + 1))
	if grep -qE "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed 's/^/# /' "$2" | head -40
	fi
}
capture() { # capture DEVICE OUT: evtest in the background until stop_capture
	evtest "$1" >"$2" 2>&1 &
	cap=$!
	i=0
	while ! grep -q '^Testing' "$2" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
stop_capture() {
	sleep 0.5
	kill $cap
	wait $cap 2>/dev/null
}

need_evdev
mkdir $G $G/line0 $G/line1 && echo 2 > $G/num_lines && echo pull-up > $G/line1/pull &&
	echo 1 > $G/live && mkdir $U && echo BU-Evtest > $U/model && echo SN-EVTEST > $U/serial &&
	echo "evtest-keys 0" > $U/button_gpio && echo "evtest-keys 1" > $U/presence_gpio &&
	echo 1 > $U/live
ok "a unit with a pad, button and presence (someone at the desk)"
node=$(cat $U/dev_name)
pen=/dev/input/$(event_of "$node" pen)
keys=/dev/input/$(event_of "$node" buttons)
wait_for 5 test -c "$pen" -a -c "$keys"

capture "$pen" /tmp/evtest-pen
stop_capture
has "pen: name" /tmp/evtest-pen '^Input device name: "BU-Evtest Pen"$'
tr '\n' ' ' </tmp/evtest-pen | sed 's/  */ /g' >/tmp/evtest-pen1
has "pen: ABS_X 0..1999, resolution 39 units/mm" /tmp/evtest-pen1 \
	'Event code 0 \(ABS_X\) Value +[0-9]+ Min 0 Max 1999 Resolution 39 '
has "pen: ABS_Y 0..799, resolution 39 units/mm" /tmp/evtest-pen1 \
	'Event code 1 \(ABS_Y\) Value +[0-9]+ Min 0 Max 799 Resolution 39 '
has "pen: ABS_PRESSURE 0..1023" /tmp/evtest-pen1 'Event code 24 \(ABS_PRESSURE\) Value +[0-9]+ Min 0 Max 1023 '
has "pen: BTN_TOOL_PEN" /tmp/evtest-pen 'Event code 320 \(BTN_TOOL_PEN\)'
has "pen: BTN_TOUCH" /tmp/evtest-pen 'Event code 330 \(BTN_TOUCH\)'
has "pen: INPUT_PROP_DIRECT" /tmp/evtest-pen 'Property type 1 \(INPUT_PROP_DIRECT\)'

evtest --query "$keys" EV_SW SW_FRONT_PROXIMITY
[ $? -eq 10 ]
ok "evtest --query: SW_FRONT_PROXIMITY is on (someone was at the desk when the unit appeared)"
capture "$keys" /tmp/evtest-keys
echo pull-up > $G/line0/pull && sleep 0.2 && echo pull-down > $G/line0/pull && sleep 0.2 &&
	echo pull-down > $G/line1/pull
stop_capture
has "buttons: KEY_OK" /tmp/evtest-keys 'Event code 352 \(KEY_OK\)'
has "the button: KEY_OK pressed" /tmp/evtest-keys 'type 1 \(EV_KEY\), code 352 \(KEY_OK\), value 1'
has "the button: KEY_OK released" /tmp/evtest-keys 'type 1 \(EV_KEY\), code 352 \(KEY_OK\), value 0'
has "presence: SW_FRONT_PROXIMITY off" /tmp/evtest-keys \
	'type 5 \(EV_SW\), code 11 \(SW_FRONT_PROXIMITY\), value 0'
evtest --query "$keys" EV_SW SW_FRONT_PROXIMITY
ok "evtest --query: SW_FRONT_PROXIMITY is off"

echo 0 > $U/live && rmdir $U && echo 0 > $G/live && rmdir $G/line0 $G/line1 $G
ok "unit and chip removed"
