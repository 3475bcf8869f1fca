# echolot: `make` builds build/echolot and its links; `make check` runs every
# test.  Plain make: the tree is small and the rules are few.

CC      ?= cc
HOSTCC  ?= cc
CFLAGS  ?= -O2 -g
# sqrt() as one instruction: no errno, so no libm to load at start-up.
override CFLAGS += -fno-math-errno
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CPPFLAGS += -D_GNU_SOURCE -MMD -MP
# ncurses (mtr's screen) linked in statically: a shared library would be
# loaded at every start of every command, ping's included.
LDLIBS  := -Wl,-Bstatic -lncursesw -ltinfo -Wl,-Bdynamic

BUILD   ?= build
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man

SRC     := $(wildcard src/wire/*.c src/sock/*.c src/engine/*.c \
                      src/analysis/*.c src/report/*.c src/cli/*.c)
OBJ     := $(SRC:%.c=$(BUILD)/%.o)
LIBOBJ  := $(filter-out $(BUILD)/src/cli/main.o,$(OBJ))
LINKS   := ping ping4 ping6 traceroute traceroute6 mtr fping fping6 echolot-exporter

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Drivers the network tests run (tests/net/tools/engine_*.c), built on
# the library.
TOOL_SRC := $(wildcard tests/net/tools/engine_*.c)
TOOL_BIN := $(TOOL_SRC:tests/net/tools/%.c=$(BUILD)/tests/%)

.PHONY: all clean check unit net asan install uninstall bench fuzz soak soak-exporter bench-exporter valgrind FORCE

all: $(BUILD)/echolot $(LINKS:%=$(BUILD)/%)

$(BUILD)/echolot: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LINKS:%=$(BUILD)/%): $(BUILD)/echolot
	ln -sf echolot $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -I$(BUILD)/gen -c -o $@ $<

# The seccomp filters, compiled by libseccomp here rather than at run time.
# VALGRIND_SANDBOX=1 (make valgrind's build, never a production one) adds
# the calls only valgrind makes; the stamp regenerates them when it changes.
SECCOMP_GEN_FLAGS := $(if $(filter 1,$(VALGRIND_SANDBOX)),--valgrind,)
$(BUILD)/gen/seccomp_flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SECCOMP_GEN_FLAGS)' | cmp -s - $@ 2>/dev/null || echo '$(SECCOMP_GEN_FLAGS)' > $@

$(BUILD)/gen/seccomp_filters.h: tools/gen_seccomp.c $(BUILD)/gen/seccomp_flags
	@mkdir -p $(dir $@)
	$(HOSTCC) -O2 -Wall -Wextra -o $(BUILD)/gen/gen_seccomp $< -lseccomp
	$(BUILD)/gen/gen_seccomp $(SECCOMP_GEN_FLAGS) > $@.tmp && mv $@.tmp $@

$(BUILD)/src/sock/sandbox.o: $(BUILD)/gen/seccomp_filters.h

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -Isrc -I$(BUILD)/gen -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/engine_%: tests/net/tools/engine_%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_BIN)
	@sh tests/unit/run.sh $(UNIT_BIN)

net: all $(TOOL_BIN)
	@bash tests/net/run.sh

# Every test: unit and network, then both again under ASan + UBSan.
check: all $(UNIT_BIN) $(TOOL_BIN)
	@bash tests/run.sh

asan:
	$(MAKE) BUILD=build-asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" all $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%) \
	  $(TOOL_SRC:tests/net/tools/%.c=build-asan/tests/%)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/echolot $(DESTDIR)$(BINDIR)/echolot
	for l in $(LINKS); do ln -sf echolot $(DESTDIR)$(BINDIR)/$$l; done
	install -m 0644 man/echolot.8 $(DESTDIR)$(MANDIR)/man8/echolot.8
	# An ordinary user may open a raw socket through this capability only.
	setcap cap_net_raw+ep $(DESTDIR)$(BINDIR)/echolot || \
	  echo "setcap failed: allow ping sockets instead: sysctl -w net.ipv4.ping_group_range='0 2147483647'"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/echolot $(LINKS:%=$(DESTDIR)$(BINDIR)/%) \
	      $(DESTDIR)$(MANDIR)/man8/echolot.8

clean:
	rm -rf build build-asan build-fuzz build-valgrind

-include $(OBJ:.o=.d)

FUZZ_SECONDS ?= 10
fuzz:
	@bash fuzz/run.sh $(FUZZ_SECONDS)

bench: all
	@bash bench/run.sh

soak: all
	@bash bench/soak.sh

# The exporter: 1,000 targets at 10 probes/s each for 10 minutes, and its
# benchmark against smokeping_prober.
soak-exporter: all
	@bash bench/exporter_soak.sh

bench-exporter: all
	@bash bench/exporter.sh

# VG_TESTS: network tests or @default, @trace, @all (tests/valgrind.sh).
# A build of its own, build-valgrind, whose seccomp filters also allow the
# calls valgrind makes inside the client (VALGRIND_SANDBOX=1).
valgrind:
	$(MAKE) BUILD=build-valgrind VALGRIND_SANDBOX=1 all $(UNIT_SRC:tests/unit/%.c=build-valgrind/tests/%)
	@BUILD=build-valgrind bash tests/valgrind.sh $(VG_TESTS)

# Debian packages: what the build and the tests need.
.PHONY: deps
deps:
	sh scripts/deps.sh
