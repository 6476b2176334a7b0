#!/usr/bin/env bash
# Regenerates the README's figures in docs/images/ with this build's cowpin:
#   cve-2020-29374.svg   cowpin draw of counterexamples/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json
#   long-trace.svg       cowpin draw of the 20-step trace of docs/images/vmsplice-unmap-in-child-
#                        after-workers.json under linux-5.7 (checked into a temporary directory)
#   report.png           headless Chromium's screenshot of cowpin report --html over ten shipped
#                        scenarios (needs the Debian package chromium)
#
# usage: gen-charts.sh COWPIN           write them into docs/images
#        gen-charts.sh --check COWPIN   exit 1, naming the chart, if a checked-in SVG differs from
#                                       what this build draws (the ctest docs/charts-up-to-date);
#                                       the screenshot depends on the browser and its fonts, so it
#                                       is not compared
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
check=false
if [ "${1:-}" = --check ]; then check=true; shift; fi
[ $# -ge 1 ] || { echo "usage: $0 [--check] COWPIN" >&2; exit 2; }
cowpin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
images=$here/docs/images
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$here"  # traces name their spec by directory and file: images/..., specs/...

"$cowpin" draw counterexamples/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json \
  -o "$tmp/cve-2020-29374.svg" > /dev/null
"$cowpin" check docs/images/vmsplice-unmap-in-child-after-workers.json --policy linux-5.7 \
  --out "$tmp/traces" > /dev/null
"$cowpin" draw "$tmp/traces/vmsplice-unmap-in-child-after-workers.linux-5.7.get_no_leak.json" \
  -o "$tmp/long-trace.svg" > /dev/null

if $check; then
  status=0
  for svg in cve-2020-29374.svg long-trace.svg; do
    if ! cmp -s "$tmp/$svg" "$images/$svg"; then
      echo "docs/images/$svg is not what this build draws: run scripts/gen-charts.sh $1" >&2
      status=1
    fi
  done
  exit $status
fi

mkdir -p "$images"
for svg in cve-2020-29374.svg long-trace.svg; do
  cp "$tmp/$svg" "$images/$svg.tmp" && mv "$images/$svg.tmp" "$images/$svg"
done

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "chromium is not installed (apt-get install chromium): docs/images/report.png left as it was" >&2
  exit 0
fi
mkdir "$tmp/specs"
for s in vmsplice-unmap-in-child swapped-out-vmsplice-unmap-in-child fork-with-rw-longterm-pin \
         ro-pin-on-ro-mapped-shared-page o-direct-read-before-fork rw-foll-get-before-fork \
         paper-test1-seq2-ro-ref-before-fork hugetlb-fork-with-iouring-fixed-buffer \
         get-on-previously-shared-page-then-write write-after-swap-in; do
  cp "specs/$s.json" "$tmp/specs/"
done
"$cowpin" report "$tmp/specs" --html "$tmp/site" > /dev/null
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile" \
  --window-size=1600,1150 --screenshot="$tmp/report.png" "file://$tmp/site/index.html" 2> /dev/null
cp "$tmp/report.png" "$images/report.png.tmp" && mv "$images/report.png.tmp" "$images/report.png"
echo "wrote docs/images/cve-2020-29374.svg, docs/images/long-trace.svg, docs/images/report.png"
