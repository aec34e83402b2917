#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The pools under the kernel's memory pressure (module/shrinker.c): reloads
# edualloc with pool_mb=16 swap_mb=16 (EDU_SHRINKER_PARAMS), so that a pool
# is four chunks and the chunks given back can be counted one by one; runs
# edualloc_shrinker_test, whose KTAP is this test's; then loads the module
# again with its defaults, as the tests after it expect.  SKIP (exit 4)
# without root or the module file.
# kselftest timeout: 900
set -u
. "$(dirname "$0")/edualloc_lib.sh"
run_reloaded "${EDU_SHRINKER_PARAMS:-pool_mb=16 swap_mb=16}" \
	edualloc_shrinker_test
