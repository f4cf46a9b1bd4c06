# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the VM payloads that run biounitd (tests/vm/screen/session.sh, tests/demo/vm-session.sh;
# their builders copy it in beside run.sh).
# biounitd_up BINARY CONF LOG: BINARY -c CONF in the background (its output in LOG, its pid in
# DAEMON) until its control socket answers (`biounitctl session list`, $BIOUNITD_SOCKET); returns 1
# with the reason in UP_WHY if it exits first or does not answer in 60 s.
biounitd_up() {
	"$1" -c "$2" >"$3" 2>&1 &
	DAEMON=$!
	up_i=0
	until biounitctl session list >/dev/null 2>&1; do
		up_i=$((up_i + 1))
		if [ $up_i -ge 300 ]; then
			UP_WHY="$1 did not answer in 60 s"
			return 1
		fi
		if ! kill -0 $DAEMON 2>/dev/null; then
			UP_WHY="$1 exited"
			return 1
		fi
		sleep 0.2
	done
}
