#!/usr/bin/env bash
# ctest (label mpi): a rank that dies ends the job with a non-zero exit and a message naming it,
# never a `holds`: one rank killed (SIGKILL) mid-run, and an error on rank 0 alone (its --out
# cannot be made) while the other ranks wait in a collective (MPI_Abort, exit 2).
# Usage: check_mpi_rank_dies.sh COWPIN SRC SPEC-NAME (a spec that runs a few seconds)
set -uo pipefail
cowpin=$1 src=$2 spec=$src/specs/$3.json
command -v mpirun >/dev/null || { echo "mpirun not found (install openmpi-bin)"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0

# 1. Kill rank 1 once the ranks are exploring.
mpirun --oversubscribe -np 2 "$cowpin" check "$spec" --threads 1 --no-write >"$tmp/out" 2>"$tmp/err" &
job=$!
victim=
for _ in $(seq 100); do
  for p in $(pgrep -f "$cowpin check $spec"); do
    grep -qz '^OMPI_COMM_WORLD_RANK=1$' "/proc/$p/environ" 2>/dev/null && victim=$p
  done
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] || { echo "rank 1 never started"; kill "$job"; exit 1; }
sleep 1
kill -KILL "$victim"
wait "$job"; rc=$?
cat "$tmp/out" "$tmp/err"
if [ "$rc" = 0 ]; then echo "FAIL: the job exited 0 after rank 1 was killed"; fail=1; fi
if grep -q "holds" "$tmp/out"; then echo "FAIL: a verdict was printed after rank 1 was killed"; fail=1; fi
if ! grep -qi "rank 1" "$tmp/err"; then echo "FAIL: no message names rank 1"; fail=1; fi
echo "killed rank 1: exit $rc"

# 2. An error on rank 0 alone: --out is a path under a regular file.
touch "$tmp/file"
mpirun --oversubscribe -np 2 "$cowpin" check "$spec" --threads 1 --out "$tmp/file/sub" \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out" "$tmp/err"
if [ "$rc" != 2 ]; then echo "FAIL: exit $rc, expected 2 (bad input, MPI_Abort)"; fail=1; fi
if grep -q "holds" "$tmp/out"; then echo "FAIL: a verdict was printed"; fail=1; fi
if ! grep -q "$tmp/file/sub" "$tmp/err"; then echo "FAIL: the error does not name the path"; fail=1; fi
echo "error on rank 0: exit $rc"
exit $fail
