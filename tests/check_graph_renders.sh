#!/bin/sh
# ctest: what `cowpin graph` writes by default, dot lays out within ten seconds: the whole graph
# of a small scenario (8 states), an exhaustive spec bounded to just under the default limit of
# 60 states (56 states, 261 edges: the densest graphs cowpin draws), and the CVE-2020-29374 trace
# with its alternatives. The limit was chosen from such measurements (views/graph_export.hpp);
# this fails if the pictures grow past what it promises. Skipped (exit 77) without dot.
binary="$1"
source_dir="$2"
command -v dot >/dev/null 2>&1 || { echo "no dot (Debian package graphviz): skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$source_dir" || exit 1
draw() {  # name, then cowpin graph's arguments
    name=$1; shift
    "$binary" graph "$@" -o "$tmp/$name.dot" || { echo "$name: cowpin graph failed"; exit 1; }
    start=$(date +%s%N)
    timeout 10 dot -Tsvg "$tmp/$name.dot" -o "$tmp/$name.svg"
    rc=$?
    end=$(date +%s%N)
    [ "$rc" = 124 ] && { echo "$name: dot did not finish in 10 s"; exit 1; }
    [ "$rc" = 0 ] || { echo "$name: dot failed (exit $rc)"; exit 1; }
    grep -q '<svg' "$tmp/$name.svg" || { echo "$name: no SVG"; exit 1; }
    echo "$name: dot took $(( (end - start) / 1000000 )) ms"
}
draw vmsplice specs/vmsplice-unmap-in-child.json --policy linux-5.7
draw exhaustive-pins-gets-depth-2 specs/exhaustive-pins-gets.json --policy linux-5.7 --bound depth=2
draw cve-trace --trace counterexamples/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json
