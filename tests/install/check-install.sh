#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make install-userspace` into a scratch DESTDIR, then what an integrator relies on: every file
# in its place with its mode, the unit file pointing at the installed daemon, the sysusers file
# accepted by systemd-sysusers, a program built with `pkg-config libbiounit` against the
# installed header and library that runs, and a manual page for each installed program that
# renders without warnings and names every command of its --help (check-man.sh). Prints TAP.
#   tests/install/check-install.sh BUILD_DIR
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
DEST=$BUILD/install-test
PREFIX=/usr/local
rm -rf "$DEST"
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }

echo "TAP version 13"
echo "1..10"
if make -s -C "$ROOT" install-userspace DESTDIR="$DEST" PREFIX="$PREFIX" >"$BUILD/log/install-test.log" 2>&1; then
	ok "make install-userspace DESTDIR=... PREFIX=$PREFIX"
else
	nok "make install-userspace failed"; sed 's/^/# /' "$BUILD/log/install-test.log" | tail -n 20
fi

bad=""
while read -r mode path; do
	f=$DEST$path
	if [ ! -e "$f" ]; then bad+=" $path(missing)"; continue; fi
	m=$(stat -c %a "$f")
	[ "$m" = "$mode" ] || bad+=" $path($m, want $mode)"
done <<LIST
755 $PREFIX/sbin/biounitd
755 $PREFIX/bin/biounitctl
755 $PREFIX/bin/biounit-quality
644 $PREFIX/lib/libbiounit.so.1
644 $PREFIX/lib/pkgconfig/libbiounit.pc
644 $PREFIX/include/biounit/biounit.h
644 $PREFIX/include/biounit/image.h
644 $PREFIX/include/linux/biounit.h
644 $PREFIX/share/man/man1/biounitctl.1
644 $PREFIX/share/man/man1/biounit-quality.1
644 $PREFIX/share/man/man8/biounitd.8
644 /etc/systemd/system/biounitd.service
644 /etc/biounit/biounitd.conf
644 /usr/lib/sysusers.d/biounit.conf
644 /etc/udev/rules.d/70-biounit.rules
LIST
[ -z "$bad" ] && ok "every file installed with its mode" || nok "installed files:$bad"

unit=$DEST/etc/systemd/system/biounitd.service
if grep -qx "ExecStart=$PREFIX/sbin/biounitd -c /etc/biounit/biounitd.conf" "$unit" &&
   grep -qx 'Type=notify' "$unit" && grep -qx 'User=biounitd' "$unit"; then
	ok "the unit file runs the installed daemon (Type=notify, User=biounitd)"
else
	nok "the unit file: $(grep -E '^(ExecStart|Type|User)=' "$unit" | tr '\n' ' ')"
fi

mkdir -p "$DEST/sysroot/etc"
if out=$(systemd-sysusers --dry-run --root="$DEST/sysroot" "$DEST/usr/lib/sysusers.d/biounit.conf" 2>&1) &&
   grep -q "biounitd" <<<"$out"; then
	ok "systemd-sysusers accepts the sysusers file (group biounit, user biounitd)"
else
	nok "systemd-sysusers: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
fi

prog=$DEST/enumerate
cat >"$prog.c" <<'C'
#include <stdio.h>
#include <biounit/biounit.h>
int main(void)
{
	struct biounit_unit_list *list;
	int r = biounit_enumerate(&list);

	if (r < 0)
		return 1;
	printf("%zu\n", biounit_unit_list_count(list));
	biounit_unit_list_free(list);
	return 0;
}
C
export PKG_CONFIG_PATH=$DEST$PREFIX/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$DEST
if cc -std=c11 -Wall -Werror -o "$prog" "$prog.c" $(pkg-config --cflags --libs libbiounit) \
	>"$DEST/cc.log" 2>&1 && units=$(LD_LIBRARY_PATH=$DEST$PREFIX/lib "$prog"); then
	ok "a program built with pkg-config libbiounit runs against the installed library ($units units here)"
else
	nok "building or running against the installed libbiounit"; sed 's/^/# /' "$DEST/cc.log" | tail -n 10
fi

# the public API: userspace/include/biounit/ is what is installed, nothing more or less, and
# each installed header compiles alone (C11, -Wall -Wextra -Werror) and in C++
want=$(cd "$ROOT/userspace/include/biounit" && ls *.h | sort | tr '\n' ' ')
got=$(cd "$DEST$PREFIX/include/biounit" 2>/dev/null && ls *.h | sort | tr '\n' ' ')
alone=""
for h in $got; do
	printf '#include <biounit/%s>\n#include <biounit/%s>\nint main(void) { return 0; }\n' "$h" "$h" \
		>"$DEST/alone.c"
	cc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$DEST$PREFIX/include" "$DEST/alone.c" \
		>"$DEST/alone.log" 2>&1 || alone+=" $h(C: $(head -n 1 "$DEST/alone.log"))"
	cp "$DEST/alone.c" "$DEST/alone.cc"
	c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I"$DEST$PREFIX/include" "$DEST/alone.cc" \
		>"$DEST/alone.log" 2>&1 || alone+=" $h(C++: $(head -n 1 "$DEST/alone.log"))"
done
if [ -n "$got" ] && [ "$want" = "$got" ] && [ -z "$alone" ]; then
	ok "the installed headers are userspace/include/biounit/ ($got) and each compiles alone"
else
	nok "installed headers '$got', userspace/include/biounit/ '$want';$alone"
fi

# every installed program has its manual page, and the page says what its --help says
man_check() {
	local page=$1 what=$2 out
	shift 2
	if out=$("$ROOT/tests/install/check-man.sh" "$DEST$PREFIX/share/man/$page" "$@" 2>&1); then
		ok "$page: renders without warnings and names every command and option of $what"
	else
		nok "$page: $what"; sed 's/^/# /' <<<"$out"
	fi
}
man_check man1/biounitctl.1 "biounitctl --help" "$DEST$PREFIX/bin/biounitctl" --help
man_check man1/biounitctl.1 "biounitctl session --help" "$DEST$PREFIX/bin/biounitctl" session --help
man_check man1/biounit-quality.1 "biounit-quality --help" "$DEST$PREFIX/bin/biounit-quality" --help
man_check man8/biounitd.8 "biounitd --help" "$DEST$PREFIX/sbin/biounitd" --help
exit $failed
