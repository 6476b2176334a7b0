#!/usr/bin/env bash
# ctest: `cmake --install` gives a working tool away from the source tree: the binary names its
# version and commit, checks an installed spec from another directory, its man page names every
# subcommand, and its bash completion completes subcommands and options. With "deb", `cpack`
# builds a .deb holding the same files, with its library dependencies.
set -euo pipefail
build=$1 mode=${2:-install}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
if [ "$mode" = deb ]; then
  (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" > cpack.log 2>&1) || { cat "$tmp/cpack.log"; fail "cpack"; }
  deb=$(ls "$tmp"/cowpin_*.deb) || fail "no .deb written"
  contents=$(dpkg-deb -c "$deb")
  for f in ./usr/bin/cowpin ./usr/share/man/man1/cowpin.1 ./usr/share/bash-completion/completions/cowpin \
           ./usr/share/cowpin/specs/basic-cow-after-fork.json ./usr/share/cowpin/specs/policies/linux-6.18.json \
           ./usr/share/doc/cowpin/semantics/steps.md; do
    grep -qF " $f" <<< "$contents" || fail "$f not in $(basename "$deb")"
  done
  depends=$(dpkg-deb -f "$deb" Depends)
  for lib in libfmt9 libspdlog1.10 libc6; do
    grep -q "$lib" <<< "$depends" || fail "Depends '$depends' lacks $lib"
  done
  echo "$(basename "$deb"): $(grep -c . <<< "$contents") entries; Depends: $depends"
  exit 0
fi
cmake --install "$build" --prefix "$tmp/usr" > /dev/null
bin=$tmp/usr/bin/cowpin
cd "$tmp"
version=$("$bin" --version)
[[ $version =~ ^cowpin\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [0-9a-f]{7,}(-dirty)?\)$|\(commit\ unknown\)$ ]] ||
  fail "--version says '$version'"
"$bin" check "$tmp/usr/share/cowpin/specs/basic-cow-after-fork.json" --no-write > check.txt ||
  fail "installed check: $(cat check.txt)"
grep -q "as expected, 0 not" check.txt || fail "installed check: $(tail -1 check.txt)"
page=$(MANWIDTH=100 man -P cat -l "$tmp/usr/share/man/man1/cowpin.1" 2>/dev/null)
commands=$("$bin" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')
[ -n "$commands" ] || fail "cowpin --help lists no subcommands"
for c in $commands; do
  grep -qE "^   $c\$" <<< "$page" || fail "the man page has no section for '$c'"
done
grep -q -- "--policy-file" <<< "$page" || fail "the man page lacks check's options"
complete() {  # the completion for the words given, the last being completed
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cowpin; echo "${COMPREPLY[*]}"' \
    _ "$tmp/usr/share/bash-completion/completions/cowpin" "$@"
}
[ "$(complete cowpin ch)" = check ] || fail "completion of 'ch': '$(complete cowpin ch)'"
[ "$(complete cowpin check --policy)" = "--policy --policy-file" ] ||
  fail "completion of 'check --policy': '$(complete cowpin check --policy)'"
echo "installed: $version; $(wc -w <<< "$commands") subcommands in the man page; completion works"
