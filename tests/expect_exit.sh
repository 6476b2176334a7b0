#!/usr/bin/env bash
# ctest: run a command and require one exit code. A kernel test that must find a disagreement
# needs exit 1 exactly: ctest's WILL_FAIL also passed on a skip (exit 4) or a crash. Exit 4 from
# the command (a missing facility) is passed on as ctest's skip.
want=$1; shift
"$@"
rc=$?
[ "$rc" = "$want" ] && exit 0
[ "$rc" = 4 ] && { echo "skipped (exit 4): see the reason above"; exit 4; }
echo "expected exit $want, got $rc"
exit 1
