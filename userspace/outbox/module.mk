# SPDX-License-Identifier: GPL-2.0
#
# The outbox: SQLite for the queue, libcurl for the HTTPS hand-off.
# The reference document-ordering service (tools/biounit-refservice) also
# needs libmicrohttpd; only that tool links it.
LDLIBS += -lsqlite3 -lcurl
$(O)/bin/biounit-refservice: LDLIBS += -lmicrohttpd
