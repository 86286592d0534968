# Makefile - build, test and install netverify (GNU make).
# SPDX-License-Identifier: Apache-2.0

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
PYTHON ?= python3
SHARED ?= ../shared
CORPUS ?= $(SHARED)/corpus

DEPS := z3 yaml-0.1 jansson libcgraph libgvc
TEST_DEPS := cmocka

CSTD := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wvla -Wcast-qual -Wundef -Wpointer-arith -Wwrite-strings
TEST_WARN := $(filter-out -Wmissing-prototypes,$(WARN))
OPT ?= -O2 -g

ifdef SAN
BUILD ?= build-san
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SAN) -fno-sanitize-recover=all
SANLD := -fsanitize=$(SAN)
else
BUILD ?= build
SANLD :=
endif

ifneq ($(filter-out run deps check check-san clean format format-check help,$(MAKECMDGOALS))$(if $(MAKECMDGOALS),,all),)
ifneq ($(shell $(PKG_CONFIG) --exists $(DEPS) 2>/dev/null && echo yes),yes)
$(error missing libraries ($(DEPS)); run 'make deps' (or scripts/install-deps.sh) first)
endif
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_DEPS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs $(TEST_DEPS) 2>/dev/null)

CPPFLAGS += -Iinclude -DNV_VERSION='"$(VERSION)"'
CFLAGS += $(CSTD) $(WARN) $(OPT) $(PKG_CFLAGS) -pthread -MMD -MP
LDFLAGS += $(SANLD)
LDLIBS := $(PKG_LIBS) -lm -pthread

ifndef V
Q := @
E = @printf '  %-6s %s\n' $(1) $(2);
else
Q :=
E =
endif

LIB_SRCS := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
NV := $(BUILD)/netverify

.PHONY: all run deps check check-san unit golden corpus conformance errors tiers bench valgrind format format-check \
	lint install uninstall clean help tools
.PHONY: fuzz fuzz-build fuzz-regress hostile valgrind-quick
.SECONDARY:

all: $(NV) netverify

netverify: $(NV)
ifeq ($(BUILD),build)
	$(Q)ln -sf $(NV) netverify
endif

$(NV): $(BUILD)/main.o $(BUILD)/libnetverify.a
	$(call E,LINK,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libnetverify.a: $(LIB_OBJS)
	$(call E,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(call E,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/dot.o: CFLAGS += -Wno-write-strings

$(BUILD)/tests/%: tests/%.c tests/oracle.h tests/randcluster.h $(BUILD)/libnetverify.a
	@mkdir -p $(@D)
	$(call E,CC,$<)$(CC) $(CPPFLAGS) $(CSTD) $(TEST_WARN) $(OPT) $(PKG_CFLAGS) $(CMOCKA_CFLAGS) \
		-o $@ $< $(BUILD)/libnetverify.a $(LDFLAGS) $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(call E,CC,$<)$(CC) $(CSTD) $(WARN) $(OPT) -o $@ $< $(LDFLAGS) -lm

tools: $(TOOL_BINS)

-include $(wildcard $(BUILD)/*.d)

# The README's first command: install what is missing, build, check the reference model.
run: deps
	$(MAKE) all
	./netverify check models/ai-inference

deps:
	@sh scripts/install-deps.sh

# The README's second command: the whole test suite.
check: deps
	$(MAKE) unit golden corpus hostile fuzz-regress

unit: $(TEST_BINS)
	@fail=0; for t in $(TEST_BINS); do echo "== $$t"; $$t || fail=1; done; test $$fail = 0

golden: $(NV) $(BUILD)/tools/gencluster
	@sh tests/run-golden.sh $(NV)
	@$(PYTHON) tests/check-help.py $(NV) docs/netverify.1
	@$(PYTHON) tests/check-formats.py tests/golden
	@$(PYTHON) tests/check-emit.py $(NV) tests/golden/check-forms/cluster.yaml \
		tests/golden/check-forms/claims.yaml
	@$(PYTHON) tests/check-emit.py $(NV) tests/golden/shop-text/cluster.yaml \
		tests/golden/check-hostile-text/claims.yaml
	@$(PYTHON) tests/check-emit.py $(NV) tests/golden/ipv6-text/cluster.yaml \
		tests/golden/ipv6-check/claims.yaml
	@$(PYTHON) tests/check-emit.py $(NV) tests/golden/check-tiers/cluster.yaml \
		tests/golden/check-tiers/claims.yaml
	@$(PYTHON) tests/check-tiers-claims.py $(NV) 2 30 --reaches --cross-check
	@$(PYTHON) tests/check-tiers-claims.py $(NV) 5 30 --reaches --ties --cross-check
	@$(PYTHON) tests/check-tiers-expose.py $(NV) 1 40
	@$(PYTHON) tests/check-tiers-lint.py $(NV) 1 30
	@sh tests/check-dot.sh $(NV)
	@$(PYTHON) tests/check-injection.py $(NV)
	@$(PYTHON) tests/check-diff.py $(NV) 150
	@$(PYTHON) tests/check-view.py $(NV) 40
	@$(PYTHON) tests/check-pods.py $(NV)
	@sh tests/check-examples.sh $(NV)
	@sh tests/check-jobs.sh $(NV) $(BUILD)/tools/gencluster
	@$(PYTHON) tests/check-pulumi.py $(NV)

# The corpus (ground truth nobody here wrote) lies beside the repository in its home layout;
# elsewhere its tests say, in one line, how to point CORPUS= at it.
CORPUS_HINT = no corpus at $(CORPUS): run them with 'make check CORPUS=DIR', DIR holding \
	the corpus's index.json and errors/

corpus: $(NV)
	@if [ -f $(CORPUS)/index.json ] || [ -d $(CORPUS)/errors ]; then \
		$(MAKE) --no-print-directory conformance errors tiers; \
	else echo "conformance, errors, tiers: skipped: $(CORPUS_HINT)"; fi

conformance: $(NV)
	@if [ -f $(CORPUS)/index.json ]; then \
		$(PYTHON) tests/conformance.py $(NV) $(CORPUS); \
	else echo "conformance: skipped: $(CORPUS_HINT)"; fi

# The policy tiers against tests/check-tiers.py, an evaluator written from the API's text: the
# conformance-derived and hand-made cases, and fixed-seed random clusters (with and without
# same-priority ties). It compares through the corpus's normalize.py.
tiers: $(NV)
	@if [ -f $(CORPUS)/normalize.py ]; then \
		d=$$(mktemp -d) && \
		CORPUS=$(CORPUS) $(PYTHON) tests/check-tiers.py conformance --netverify $(NV) && \
		CORPUS=$(CORPUS) $(PYTHON) tests/check-tiers.py conformance tests/tiers-cases \
			--netverify $(NV) && \
		CORPUS=$(CORPUS) $(PYTHON) tests/check-tiers.py random 1 25 $$d/a --netverify $(NV) && \
		CORPUS=$(CORPUS) $(PYTHON) tests/check-tiers.py random 2 25 $$d/b --ties \
			--netverify $(NV); rc=$$?; rm -rf $$d; exit $$rc; \
	else echo "tiers: skipped: $(CORPUS_HINT)"; fi

# The bad-input corpus: every case must pass (tests/errors.py lists the few that Kubernetes accepts).
errors: $(NV)
	@if [ -d $(CORPUS)/errors ]; then \
		$(PYTHON) tests/errors.py $(NV) $(CORPUS)/errors; \
	else echo "errors: skipped: $(CORPUS_HINT)"; fi

check-san: deps
	$(MAKE) SAN=address,undefined unit golden conformance fuzz-regress \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp

valgrind: $(NV)
	@sh tests/run-golden.sh "valgrind -q --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite --error-exitcode=99 $(CURDIR)/$(NV)"

# Fuzzing with clang's libFuzzer (tests/fuzz/): every harness runs FUZZ_TIME seconds,
# starting from seeds gathered at run time; new corpus and crashes stay in build-fuzz/.
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_BUILD := build-fuzz
FUZZ_HARNESSES := load claim
FUZZ_CFLAGS := $(CSTD) $(WARN) -Wno-write-strings -O1 -g -fno-omit-frame-pointer $(PKG_CFLAGS) \
	-pthread -MMD -MP
FUZZ_DEFS := -DNV_FUZZ_CLUSTER='"$(CURDIR)/tests/fuzz/cluster.yaml"'
FUZZ_LIB_OBJS := $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(filter-out src/cmd_%.c,$(LIB_SRCS)))
REPLAY_BINS := $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/replay-%)

$(FUZZ_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(call E,CC,$<)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(FUZZ_BUILD)/libnetverify.a: $(FUZZ_LIB_OBJS)
	$(call E,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libnetverify.a
	$(call E,LINK,$@)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_DEFS) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_BUILD)/libnetverify.a $(LDLIBS)

-include $(wildcard $(FUZZ_BUILD)/obj/*.d)

fuzz-build: $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/fuzz_%)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(CORPUS) $(FUZZ_HARNESSES)

# The same harnesses without libFuzzer (tests/fuzz/replay.c), to replay past crashes.
$(BUILD)/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h \
		$(BUILD)/libnetverify.a
	@mkdir -p $(@D)
	$(call E,CC,$<)$(CC) $(CPPFLAGS) $(FUZZ_DEFS) $(CSTD) $(TEST_WARN) $(OPT) $(PKG_CFLAGS) \
		-o $@ $< tests/fuzz/replay.c $(BUILD)/libnetverify.a $(LDFLAGS) $(LDLIBS)

fuzz-regress: $(NV) $(REPLAY_BINS)
	@sh tests/fuzz/regress.sh $(NV) $(BUILD)/fuzz

# A few golden cases under valgrind, one or more per command and an error of each kind, and
# the fuzz regressions: what CI can afford on every run (about 20 s; 'valgrind' runs them all).
VALGRIND_QUICK_CASES := shop-text shop-json stdin-json check-forms check-forms-sarif \
	check-err-parse graph-shop graph-claims err-yaml err-policy err-usage model-ai-inference
VG := valgrind -q --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite \
	--error-exitcode=99

valgrind-quick: $(NV) $(REPLAY_BINS)
	@sh tests/run-golden.sh "$(VG) $(CURDIR)/$(NV)" \
		$(VALGRIND_QUICK_CASES:%=$(CURDIR)/tests/golden/%)
	@for h in $(FUZZ_HARNESSES); do \
		[ -z "$$(ls tests/fuzz/regress/$$h 2>/dev/null)" ] || \
		$(VG) $(BUILD)/fuzz/replay-$$h tests/fuzz/regress/$$h || exit 1; \
	done; echo "valgrind-quick: fuzz regressions clean"

# Inputs built to hurt (tests/hostile.py): each with an expected outcome, a time and a
# memory bound. About 15 s, most of it writing and reading 200 MB files.
hostile: $(NV)
	@$(PYTHON) tests/hostile.py $(NV)

bench: $(NV) tools
	@sh tests/bench.sh $(NV) $(BUILD)/tools/gencluster

format:
	clang-format -i src/*.c include/netverify/*.h tests/*.c tests/*.h

format-check:
	clang-format --dry-run --Werror src/*.c include/netverify/*.h tests/*.c tests/*.h

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 -Iinclude src

install: $(NV)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(NV) $(DESTDIR)$(BINDIR)/netverify
	install -m 644 docs/netverify.1 $(DESTDIR)$(MANDIR)/man1/netverify.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/netverify $(DESTDIR)$(MANDIR)/man1/netverify.1

clean:
	rm -rf build build-san $(FUZZ_BUILD) netverify

help:
	@echo "targets: run deps all check unit golden conformance errors hostile fuzz-regress"
	@echo "         check-san valgrind valgrind-quick fuzz bench format format-check lint"
	@echo "         install uninstall clean"
