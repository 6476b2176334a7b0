#!/usr/bin/env bash
# ctest: `cowpin report --html` renders in a real browser. Headless Chromium (Debian package
# `chromium`, scripts/install-deps.sh) loads the index from file:// and dumps the DOM it built;
# the DOM must hold the matrix (a row per spec, the violating cells' links), and every link and
# image of every page must resolve to a file the report wrote. One explain page and the CVE's
# chart are loaded too (a Chromium start takes about two seconds: not one per chart); every
# chart must be well-formed XML with an <svg> root. Skipped (exit 77, SKIP_RETURN_CODE) without
# chromium.
# Usage: check_html_report.sh COWPIN SOURCE_DIR
set -euo pipefail
cowpin=$1 src=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "chromium is not installed (apt-get install chromium): skipped"
  exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/specs"
# Small and fast: three scenarios with violations, consequences and needless copies.
for s in vmsplice-unmap-in-child fork-with-rw-longterm-pin write-after-swap-in; do
  cp "$src/specs/$s.json" "$tmp/specs/"
done
"$cowpin" report "$tmp/specs" --html "$tmp/site" > "$tmp/out.txt"

# As root Chromium needs --no-sandbox; a fresh profile keeps the run from touching $HOME.
browse() {
  "$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
    --dump-dom "file://$1" 2>"$tmp/chromium.err"
}
cve=vmsplice-unmap-in-child.linux-5.7.get_no_leak
browse "$tmp/site/index.html" > "$tmp/index.dom"
browse "$tmp/site/explain/$cve.html" > "$tmp/explain.dom"
browse "$tmp/site/charts/$cve.svg" > "$tmp/chart.dom"

python3 - "$tmp/site" "$tmp" <<'PY'
import html.parser, os, sys, urllib.parse, xml.etree.ElementTree as ET
site, tmp = sys.argv[1], sys.argv[2]
cve = "vmsplice-unmap-in-child.linux-5.7.get_no_leak"

class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.tags, self.matrix_rows, self.in_matrix = [], [], 0, False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self.in_matrix = a.get("class") == "matrix"
        if self.in_matrix and tag == "tr":
            self.matrix_rows += 1
        for key in ("href", "src"):
            if key in a:
                self.links.append(a[key])

def check_links(page, text):
    p = Links(); p.feed(text)
    for link in p.links:
        if urllib.parse.urlsplit(link).scheme or link.startswith("/"):
            sys.exit(f"{page}: link {link} is not relative")
        target = os.path.normpath(os.path.join(os.path.dirname(page), urllib.parse.unquote(link)))
        if not os.path.isfile(target):
            sys.exit(f"{page}: link {link} does not resolve ({target})")
    return p

dom = open(os.path.join(tmp, "index.dom"), encoding="utf-8").read()
if "<h1>cowpin report</h1>" not in dom:
    sys.exit("Chromium did not load index.html: no <h1>cowpin report</h1> in its DOM")
p = check_links(os.path.join(site, "index.html"), dom)
# The header row and a row per spec.
if p.matrix_rows != 4:
    sys.exit(f"the matrix in Chromium's DOM has {p.matrix_rows} rows, not 4")
# fork-with-rw-longterm-pin violates PE and PR under 4 policies, vmsplice-unmap-in-child GNL
# under 2, write-after-swap-in copies needlessly under 2: 12 traces, 3 links each.
if len(p.links) != 12 * 3:
    sys.exit(f"index.html links {len(p.links)} files, not {12 * 3}")
explain = open(os.path.join(tmp, "explain.dom"), encoding="utf-8").read()
if f'<img src="../charts/{cve}.svg"' not in explain or "Violation after step 4: get_no_leak" not in explain:
    sys.exit(f"Chromium did not load explain/{cve}.html with its chart and its text")
chart = open(os.path.join(tmp, "chart.dom"), encoding="utf-8").read()
if "<svg" not in chart or "parsererror" in chart or "get_no_leak violated after step 4" not in chart:
    sys.exit(f"Chromium did not render charts/{cve}.svg as SVG")
pages = 0
for name in sorted(os.listdir(os.path.join(site, "explain"))):
    page = os.path.join(site, "explain", name)
    check_links(page, open(page, encoding="utf-8").read())
    pages += 1
charts = 0
for name in sorted(os.listdir(os.path.join(site, "charts"))):
    if ET.parse(os.path.join(site, "charts", name)).getroot().tag != "{http://www.w3.org/2000/svg}svg":
        sys.exit(f"charts/{name} is not an SVG document")
    charts += 1
if pages != 12 or charts != 12:
    sys.exit(f"{pages} explain pages and {charts} charts, not 12 each")
print(f"index.html loads in Chromium; its {len(p.links)} links, the links of {pages} explain pages "
      f"and {charts} charts resolve and render")
PY
