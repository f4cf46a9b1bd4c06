# SPDX-License-Identifier: GPL-2.0
#
# The standard biometric records (ISO/IEC 19794-4/-5:2005) and their readers.
# JPEG 2000 comes from OpenJPEG; its header directory is private to this module.

RECORDS_OPJ_CFLAGS := $(shell pkg-config --cflags libopenjp2 2>/dev/null || echo -I/usr/include/openjpeg-2.5)
LDLIBS   += -lopenjp2
$(O)/records/%.o: CFLAGS += $(RECORDS_OPJ_CFLAGS)
