# SPDX-License-Identifier: GPL-2.0-only
#
# edualloc: build, test and demo entry points.
#
#   make            build module/edualloc.ko and the selftests
#   make check      deps, build, lint, host tests, then the selftests in the VM
#   make demo       boot the test VM with the module and run the guided tour
#   make lint       checkpatch --strict, sparse and check-docs, all clean
#   make install    install the module for $(KVER) (out-of-tree, extra/)
#   make bench      benchmarks against the kernel's allocators, in the VM
#   make check-debug  tests on a KASAN/lockdep/kmemleak kernel, in the VM
#   make check-mutations  mutated modules the tests must fail, in the VM
#   make check-kernels    the VM suite on Debian's 6.1, 6.12 and 6.12-rt
#
# Nothing here loads a module into the machine it runs on: every module test
# runs inside the QEMU test VM (scripts/vm).

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

# One kernel for the build and the test VM (scripts/kver): the running
# kernel's when its headers are installed, else Debian's default
# (linux-image-amd64's, 6.1 on Debian 12) whatever else is installed.
# KVER=RELEASE picks another installed kernel; KDIR=DIR builds against a
# headers tree, and the VM boots that tree's release.  Deferred (=) so that
# they are read only after scripts/deps has had the chance to install them.
ifeq ($(origin KDIR),undefined)
KVER ?= $(shell $(TOP)/scripts/kver)
KDIR = $(shell $(TOP)/scripts/kdir $(KVER))
else
KVER ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
endif

# Files taken from Debian's linux-source-6.1 at build time, never committed.
LINUX_SRC := $(BUILD)/linux
# Named after what it holds: a new file list extracts again.
KSRC_STAMP := $(LINUX_SRC)/.extracted-ksft

VM := $(TOP)/scripts/vm

.PHONY: all deps module selftests host-tests lint checkpatch sparse check \
	check-debug check-mutations check-kernels docs-check bench demo tools install uninstall clean help

all: module selftests tools

help:
	@sed -n '3,16p' $(TOP)/Makefile

deps:
	@$(TOP)/scripts/deps

module: deps
	$(MAKE) -C $(KDIR) M=$(TOP) modules

$(KSRC_STAMP): | deps
	$(TOP)/scripts/extract-kernel-files $(LINUX_SRC)
	@touch $@

selftests: deps $(KSRC_STAMP)
	$(MAKE) -C $(TOP)/selftests OUTPUT=$(BUILD)/selftests \
		KSFT_DIR=$(LINUX_SRC)/tools/testing/selftests

# The lab command-line front end, build/tools/edu, and the lab handouts'
# C programs, build/labs/.
tools:
	$(MAKE) -C $(TOP)/tools OUTPUT=$(BUILD)/tools
	$(MAKE) -C $(TOP)/docs/labs OUTPUT=$(BUILD)/labs

host-tests: deps
	$(MAKE) -C $(TOP)/selftests/host OUTPUT=$(BUILD)/host

# Our sources, not Kbuild's generated *.mod.c.
LINT_FILES = $(filter-out %.mod.c,$(sort $(wildcard $(TOP)/module/*.[ch] \
	$(TOP)/selftests/*.[ch] $(TOP)/selftests/host/*.[ch] \
	$(TOP)/tools/*.[ch] $(TOP)/docs/labs/*.c $(TOP)/include/*.h) \
	$(TOP)/include/uapi/linux/edualloc.h))

TRACE_HDRS = $(wildcard $(TOP)/module/trace*.h)
# The one file that tests kernel versions (LINUX_VERSION_CODE).
COMPAT_HDR = $(TOP)/module/compat.h

lint: checkpatch sparse docs-check

# README.md and docs/ name only files and headings that exist.
docs-check: deps
	$(TOP)/scripts/check-docs

checkpatch: $(KSRC_STAMP)
	@echo "  CHECKPATCH --strict $(words $(LINT_FILES)) files"
	@$(LINUX_SRC)/scripts/checkpatch.pl --strict --no-tree --quiet \
		--ignore FILE_PATH_CHANGES \
		-f $(filter-out $(TRACE_HDRS) $(COMPAT_HDR),$(LINT_FILES))
	@$(LINUX_SRC)/scripts/checkpatch.pl --strict --no-tree --quiet \
		--ignore FILE_PATH_CHANGES,LINUX_VERSION_CODE,CONSTANT_COMPARISON \
		-f $(COMPAT_HDR)
	@# Tracepoint headers follow the TRACE_EVENT() layout, not call style.
	@$(LINUX_SRC)/scripts/checkpatch.pl --strict --no-tree --quiet \
		--ignore FILE_PATH_CHANGES,PARENTHESIS_ALIGNMENT,OPEN_ENDED_LINE \
		-f $(TRACE_HDRS)

# sparse runs over every object of the module (C=2 rechecks even when up
# to date); any warning fails the target.
sparse: deps
	@echo "  SPARSE module"
	@mkdir -p $(BUILD)
	@$(MAKE) -s -C $(KDIR) M=$(TOP) C=2 modules > $(BUILD)/sparse.log 2>&1; \
		rc=$$?; ! grep -E 'warning:|error:' $(BUILD)/sparse.log && \
		[ $$rc = 0 ]

check: all host-tests lint
	EDU_KVER=$(KVER) $(TOP)/scripts/check

# The selftests, stress and fuzzing on a KASAN/lockdep/kmemleak kernel built
# once per machine from linux-source-6.1 (scripts/build-debug-kernel).
check-debug: selftests
	$(TOP)/scripts/check-debug

# Mutated modules (scripts/mutations/list) that the tests must fail.
check-mutations: selftests
	EDU_KVER=$(KVER) $(TOP)/scripts/mutation-test

# The kernel matrix (KERNELS="RELEASE..." for others): each one installed
# if missing, the module built against it, the VM suite run on it.
check-kernels: selftests tools
	$(TOP)/scripts/check-kernels $(KERNELS)

demo: all
	$(VM) --kver $(KVER) --append "$(VM_APPEND)" -- scripts/demo

# Benchmarks against the kernel's allocators: build/bench/{results.json,
# results.csv,bench.png,report.md}.
bench: all
	EDU_KVER=$(KVER) $(TOP)/scripts/bench

install: module
	$(MAKE) -C $(KDIR) M=$(TOP) modules_install
	depmod -a $(KVER)

uninstall:
	rm -f /lib/modules/$(KVER)/updates/edualloc.ko \
		/lib/modules/$(KVER)/extra/edualloc.ko
	depmod -a $(KVER)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf $(BUILD)
