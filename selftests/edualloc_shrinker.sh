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
ko=$(edu_module)
bin=$(edu_bin)
if [ ! -f "$ko" ] || [ "$(id -u)" != 0 ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP needs root and $ko"
	exit 4
fi
params=${EDU_SHRINKER_PARAMS:-pool_mb=16 swap_mb=16}
grep -q '^edualloc ' /proc/modules && rmmod edualloc
# shellcheck disable=SC2086 # the parameters are words
if ! insmod "$ko" $params; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 insmod $params"
	insmod "$ko"
	exit 1
fi
"$bin/edualloc_shrinker_test"
rc=$?
rmmod edualloc && insmod "$ko" || rc=1
exit "$rc"
