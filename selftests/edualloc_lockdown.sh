#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs edualloc_lockdown_test, which raises the kernel's lockdown for good
# and unloads the module: kselftest runs TEST_PROGS after the programs, so
# as the last of them it is the very last test.
set -u
. "$(dirname "$0")/edualloc_lib.sh"
exec "$(edu_bin)/edualloc_lockdown_test" "$@"
