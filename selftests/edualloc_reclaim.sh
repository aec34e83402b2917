#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Reclaim with small pools: reloads edualloc with pool_mb=16 and swap_mb=64
# (EDU_RECLAIM_PARAMS), so that an area twice a node's pool is 8192 pages
# and the lesson's loops take seconds, not minutes, under emulation; runs
# edualloc_reclaim_test, whose KTAP is this test's; then loads the module
# again with its defaults, as the tests after it expect.  SKIP (exit 4)
# without root or the module file.  EDU_RECLAIM_ARGS: options for the
# program; EDU_RECLAIM_ONLY=NAME runs only the tests whose name contains
# NAME (6.1's harness has no option for that).
# kselftest timeout: 1200
set -u
. "$(dirname "$0")/edualloc_lib.sh"
# shellcheck disable=SC2086 # options of the test program, as words
run_reloaded "${EDU_RECLAIM_PARAMS:-pool_mb=16 swap_mb=64}" \
	edualloc_reclaim_test ${EDU_RECLAIM_ARGS:-}
