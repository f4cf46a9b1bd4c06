# SPDX-License-Identifier: GPL-2.0
#
# The outbox: SQLite for the queue, libcurl for the HTTPS hand-off.
# The reference document-ordering service (tools/biounit-refservice) also
# needs libmicrohttpd and GnuTLS (client certificates); only that tool links
# them. It decodes facial images with OpenJPEG, whose headers the records
# module finds (RECORDS_OPJ_CFLAGS, expanded when the tool's objects build).
LDLIBS += -lsqlite3 -lcurl
$(O)/bin/biounit-refservice: LDLIBS += -lmicrohttpd -lgnutls
$(O)/tools/biounit-refservice/%.o: CFLAGS += $(RECORDS_OPJ_CFLAGS)
