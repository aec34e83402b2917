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
ko=$(edu_module)
bin=$(edu_bin)
if [ ! -f "$ko" ] || [ "$(id -u)" != 0 ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP needs root and $ko"
	exit 4
fi
params=${EDU_RECLAIM_PARAMS:-pool_mb=16 swap_mb=64}
grep -q '^edualloc ' /proc/modules && rmmod edualloc
# shellcheck disable=SC2086 # the parameters are words
if ! insmod "$ko" $params; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 insmod $params"
	insmod "$ko"
	exit 1
fi
# shellcheck disable=SC2086 # options of the test program, as words
"$bin/edualloc_reclaim_test" ${EDU_RECLAIM_ARGS:-}
rc=$?
rmmod edualloc && insmod "$ko" || rc=1
exit "$rc"
