# SPDX-License-Identifier: GPL-2.0-or-later
# nat64d -- userspace NAT64 / SIIT / CLAT translator

VERSION = 0.1.0

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/nat64d
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
RUNSTATEDIR ?= /var/lib/nat64d

CC ?= cc
CLANG ?= clang
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	  -Wmissing-prototypes -Wno-unused-parameter -fno-strict-aliasing
WERROR ?= 1
ifeq ($(WERROR),1)
CFLAGS += -Werror
endif
CPPFLAGS += -D_GNU_SOURCE -DNAT64D_VERSION='"$(VERSION)"' \
	    -DCONFIG_DEFAULT_SYSCONFDIR='"$(SYSCONFDIR)"'
LDLIBS += -lconfuse

SAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=all

ifeq ($(V),1)
Q =
else
Q = @
endif

B = build
A = build/asan

# Every src/*.c but main.c is a module; the daemon links them all.
MODULES := $(filter-out main,$(basename $(notdir $(wildcard src/*.c))))
OBJS := $(MODULES:%=$(B)/obj/%.o)
ASAN_OBJS := $(MODULES:%=$(A)/obj/%.o)

# Unit tests: tests/unit/test_X.c, linked with the modules named in
# tests/unit/test_X.deps (one file per test, so tests stay independent).
UNIT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
UNIT_BINS := $(UNIT_TESTS:%=$(A)/tests/%)

all: $(B)/nat64d

$(B)/obj/%.o: src/%.c $(wildcard src/*.h) | $(B)/obj
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(A)/obj/%.o: src/%.c $(wildcard src/*.h) | $(A)/obj
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<

# Test helpers (tests/unit/NAME.c without a test_ prefix) may be named in
# a .deps file like modules.
$(A)/obj/%.o: tests/unit/%.c $(wildcard tests/unit/*.h) $(wildcard src/*.h) | $(A)/obj
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/nat64d: $(B)/obj/main.o $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(A)/nat64d: $(A)/obj/main.o $(ASAN_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj $(A)/obj $(A)/tests:
	$(Q)mkdir -p $@

.SECONDEXPANSION:
$(A)/tests/%: tests/unit/%.c tests/unit/%.deps $(wildcard tests/unit/*.h) \
	      $$(addprefix $(A)/obj/,$$(addsuffix .o,$$(shell cat tests/unit/$$*.deps))) | $(A)/tests
	@$(if $(Q),echo "  TEST-LD $@")
	$(Q)$(CC) $(CPPFLAGS) -Isrc -Itests/unit $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ \
		$< $(patsubst %,$(A)/obj/%.o,$(shell cat tests/unit/$*.deps)) -lcmocka $(LDLIBS)

unit: $(UNIT_BINS)

# Unit tests under ASan/UBSan; cmocka prints its own summary per group.
check-unit: unit
	$(Q)fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		  $$t || fail=1; \
	done; exit $$fail

# Integration tests need root (network namespaces, TUN).  They run the
# normal build and the ASan/UBSan build of the daemon.
check-integration: $(B)/nat64d $(A)/nat64d
	$(Q)tests/integration/run-all.sh $(B)/nat64d $(A)/nat64d

check: check-unit check-integration

FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TIME ?= 60
fuzz: $(B)/fuzz/fuzz_xlat $(B)/fuzz/fuzz_config
	$(Q)tests/fuzz/run.sh $(B)/fuzz/fuzz_xlat $(FUZZ_TIME)
	$(Q)tests/fuzz/run-config.sh $(B)/fuzz/fuzz_config $(FUZZ_TIME)

$(B)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard src/*.h)
	$(Q)mkdir -p $(B)/fuzz
	@$(if $(Q),echo "  FUZZ-LD $@")
	$(Q)$(CLANG) $(CPPFLAGS) -Isrc -std=gnu11 $(FUZZ_FLAGS) -o $@ \
		tests/fuzz/fuzz_config.c $(filter-out src/main.c,$(wildcard src/*.c)) $(LDLIBS)

$(B)/fuzz/fuzz_xlat: tests/fuzz/fuzz_xlat.c $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard src/*.h)
	$(Q)mkdir -p $(B)/fuzz
	@$(if $(Q),echo "  FUZZ-LD $@")
	$(Q)$(CLANG) $(CPPFLAGS) -Isrc -std=gnu11 $(FUZZ_FLAGS) -o $@ \
		tests/fuzz/fuzz_xlat.c $(filter-out src/main.c,$(wildcard src/*.c)) $(LDLIBS)

bench: $(B)/nat64d
	$(Q)bench/run.sh $(B)/nat64d

bench-profile: $(B)/nat64d
	$(Q)bench/profile.sh $(B)/nat64d

# systemd units with the real SBINDIR and SYSCONFDIR (build/systemd/, so `make clean`
# removes them and a changed SBINDIR always takes effect).
UNITS = nat64d.service nat64d@.service
EXAMPLES = $(wildcard conf/*.conf conf/*.nft)

units:
	$(Q)mkdir -p $(B)/systemd
	$(Q)for u in $(UNITS); do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' \
		    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' systemd/$$u.in \
		    > $(B)/systemd/$$u.tmp && \
		mv $(B)/systemd/$$u.tmp $(B)/systemd/$$u || exit 1; \
	done

# The config is installed only if none is there (it is the user's file);
# packagers get it in DESTDIR as usual.
install: $(B)/nat64d units
	install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(SYSCONFDIR)
	install -m 0755 $(B)/nat64d $(DESTDIR)$(SBINDIR)/nat64d
	install -m 0644 man/nat64d.8 $(DESTDIR)$(MANDIR)/man8/nat64d.8
	install -m 0644 man/nat64d.conf.5 $(DESTDIR)$(MANDIR)/man5/nat64d.conf.5
	install -m 0644 $(UNITS:%=$(B)/systemd/%) $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	test -e $(DESTDIR)$(SYSCONFDIR)/nat64d.conf || \
		install -m 0644 conf/nat64d.conf $(DESTDIR)$(SYSCONFDIR)/nat64d.conf

# An edited /etc/nat64d.conf is kept; an untouched one is removed.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/nat64d $(DESTDIR)$(MANDIR)/man8/nat64d.8 \
		$(DESTDIR)$(MANDIR)/man5/nat64d.conf.5 \
		$(UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%) \
		$(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(EXAMPLES)))
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null
	cmp -s conf/nat64d.conf $(DESTDIR)$(SYSCONFDIR)/nat64d.conf && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/nat64d.conf || true

clean:
	rm -rf $(B)

.PHONY: all unit check check-unit check-integration fuzz bench bench-profile install uninstall units clean

# tests/integration/test_discover.sh: src/discover.c in a poll loop of its own.
$(B)/discover-probe: tests/tools/discover-probe.c $(B)/obj/discover.o $(B)/obj/addr.o $(B)/obj/log.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(LDFLAGS) -o $@ $^

$(A)/discover-probe: tests/tools/discover-probe.c $(A)/obj/discover.o $(A)/obj/addr.o $(A)/obj/log.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^

# Objects built only for tests (tests/unit/fixture.o) are intermediate to
# make; keep them, so nothing is deleted (or printed) after the tests.
.SECONDARY:
