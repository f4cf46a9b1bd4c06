# SPDX-License-Identifier: GPL-2.0
#
# libbiounit. The module rules of ../Makefile make liblib.a (linked into the tools
# and tests like every module); here the same objects also become libbiounit.a,
# the shared libbiounit.so.1 with the symbol version map, and libbiounit.pc.
# Objects are built with -fPIC so that one set serves both.

LIBBIOUNIT_VERSION := 1.0.0
LDLIBS   += -ludev
# util/deadline.c (poll with a deadline) is the one shared helper the library uses
LIBBIOUNIT_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard lib/*.c)) $(O)/util/deadline.o

# Named first so that `all' stays the default goal.
all: $(O)/libbiounit.a $(O)/libbiounit.so.1 $(O)/libbiounit.pc

$(O)/lib/%.o $(O)/util/%.o: CFLAGS += -fPIC

$(O)/libbiounit.a: $(LIBBIOUNIT_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(O)/libbiounit.so.1: $(LIBBIOUNIT_OBJS) lib/libbiounit.map
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libbiounit.so.1 \
		-Wl,--version-script=lib/libbiounit.map -Wl,-z,defs -o $@ $(LIBBIOUNIT_OBJS) \
		-ludev -pthread

$(O)/libbiounit.pc: lib/libbiounit.pc.in lib/module.mk
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(or $(PREFIX),/usr/local)|' \
	    -e 's|@LIBDIR@|$(or $(LIBDIR),$${prefix}/lib)|' \
	    -e 's|@VERSION@|$(LIBBIOUNIT_VERSION)|' $< > $@
