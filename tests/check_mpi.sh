#!/usr/bin/env bash
# ctest (label mpi): `mpirun -np 1`, `2` and `3` with 2 threads a rank (and -np 2 with one)
# give the threaded run's verdicts, state and transition counts and byte-identical
# counterexample files (diff -r of the --out directories), on the exhaustive specs named (NAME,
# or NAME:POLICY for one policy). Only the run time differs in stdout. Each rank's --stats line
# must name the threads it ran on (ranks unbound, --bind-to none, so that they can run).
# Usage: check_mpi.sh COWPIN SRC SPEC-NAME[:POLICY]...
set -uo pipefail
cowpin=$1 src=$2; shift 2
command -v mpirun >/dev/null || { echo "mpirun not found (install openmpi-bin)"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The verdict lines and the matrix, without the seconds.
untimed() { sed -E 's/ [0-9]+\.[0-9]+s / <s> /' "$1"; }
fail=0
for arg in "$@"; do
  name=${arg%%:*} policy=()
  [ "$arg" != "$name" ] && policy=(--policy "${arg#*:}")
  spec=$src/specs/$name.json
  name=${name//\//-}  # bench/bench-pins-2121: one file name in $tmp
  "$cowpin" check "$spec" "${policy[@]}" --threads 2 --out "$tmp/$name.threads" >"$tmp/$name.threads.txt" 2>"$tmp/$name.threads.err"
  want=$?
  grep -q "states=" "$tmp/$name.threads.txt" || { cat "$tmp/$name.threads.txt" "$tmp/$name.threads.err"; exit 1; }
  for nt in 1x2 2x2 3x2 2x1; do
    n=${nt%x*} t=${nt#*x} run=$tmp/$name.np$nt
    mpirun --oversubscribe --bind-to none -np "$n" "$cowpin" check "$spec" "${policy[@]}" --threads "$t" \
      --stats --out "$run" >"$run.txt" 2>"$run.err"
    got=$?
    if [ "$got" != "$want" ]; then
      echo "$name, -np $n --threads $t: exit $got, threaded $want"; cat "$run.err"; fail=1
    fi
    threads="$t thread"; [ "$t" != 1 ] && threads="$t threads"
    runs=$(grep -c 'states=' "$tmp/$name.threads.txt")
    if [ "$(grep -c ", $threads," "$run.err")" != "$runs" ]; then
      echo "$name, -np $n --threads $t: --stats does not say $threads for each of $runs runs"
      cat "$run.err"; fail=1
    fi
    if ! diff <(untimed "$tmp/$name.threads.txt") <(untimed "$run.txt"); then
      echo "$name, -np $n --threads $t: stdout differs from the threaded run's"; fail=1
    fi
    if ! diff -r "$tmp/$name.threads" "$run"; then
      echo "$name, -np $n --threads $t: counterexample files differ from the threaded run's"; fail=1
    fi
  done
  traces=$(find "$tmp/$name.threads" -type f | wc -l)
  echo "$arg: -np 1, 2, 3 with 2 threads a rank and -np 2 with 1 as threaded: $(grep -c 'states=' "$tmp/$name.threads.txt") runs, $traces trace files identical"
done
exit $fail
