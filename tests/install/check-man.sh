#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The manual page of an installed tool: it renders without a warning (groff -ww, man --warnings)
# and names every command and option its --help names.
#   tests/install/check-man.sh PAGE TOOL [HELP-ARGS...]
# Prints "ok" or the problems, one a line; exit 0 when there are none.
set -uo pipefail
page=$1 tool=$2
shift 2
bad=0
say() { echo "$*"; bad=1; }

warn=$(groff -mdoc -ww -z "$page" 2>&1)
[ -z "$warn" ] || say "groff -ww: $(head -n 3 <<<"$warn" | tr '\n' ' ')"
warn=$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l "$page" 2>&1 >/dev/null)
[ -z "$warn" ] || say "man --warnings: $(head -n 3 <<<"$warn" | tr '\n' ' ')"

# the page as plain ASCII text on long lines, blanks squeezed
text=$(groff -mdoc -Tascii -rLL=300n -P-cbou "$page" 2>/dev/null | tr -s ' \t' '  ')
help=$("$tool" "$@" 2>&1) || say "$tool $* exits $?"
[ -n "$help" ] || say "$tool $* prints nothing"
# the help documents itself: it never sends the reader to a source file
src=$(grep -oE '[A-Za-z0-9_/-]+\.[ch]\b' <<<"$help" | head -n 1)
[ -z "$src" ] || say "$tool $* sends the reader to the source file $src"

# commands: the leading lower-case words of the lines indented by two spaces
# ("  session start CODE AGE NEEDS" -> "session start"); options: every --long and -x
while read -r cmd; do
	[ -z "$cmd" ] && continue
	grep -qwF -- "$cmd" <<<"$text" || say "command '$cmd' of --help is not in $page"
done < <(sed -n 's/^  \([a-z][a-z0-9-]*\( [a-z][a-z0-9+-]*\)*\).*/\1/p' <<<"$help" | sort -u)
while read -r opt; do
	grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$text" || say "option '$opt' of --help is not in $page"
done < <(grep -oE -- '(^|[ [|])--?[a-z][a-z-]*' <<<"$help" | sed 's/^[ [|]//' | sort -u)
[ $bad = 0 ] && echo ok
exit $bad
