#!/usr/bin/env python3
"""Write cowpin's man page (cowpin.1) and bash completion (cowpin.bash) from the binary's own
--help, so both name every subcommand and option the build has: the build runs this after it
links cowpin (CMakeLists.txt), and `cmake --install` installs the results.

usage: gen-docs.py COWPIN OUTDIR
"""
import re
import subprocess
import sys

COMMAND_RE = re.compile(r"^  (\S+)\s{2,}(.*)$")        # "  check   check specs ..."
OPTION_RE = re.compile(r"^  (-[^ ].*?)(?:\s{2,}(.*))?$")  # "  --policy TEXT   check only ..."
CONTINUATION_RE = re.compile(r"^\s{10,}(\S.*)$")


def run(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True, check=False)
    return out.stdout


def sections(text):
    """{'Positionals': [(names, help)], 'Options': [...], 'Subcommands': [...]} and the first line."""
    result, current, first = {}, None, None
    for line in text.splitlines():
        if first is None and line.strip():
            first = line.strip()
        if re.match(r"^[A-Z][A-Za-z ]*:$", line):
            current = result.setdefault(line[:-1], [])
            continue
        if current is None or not line.strip():
            continue
        cont = CONTINUATION_RE.match(line)
        m = COMMAND_RE.match(line) or OPTION_RE.match(line)
        if m and not cont:
            current.append([m.group(1).strip(), (m.group(2) or "").strip()])
        elif cont and current:
            current[-1][1] = (current[-1][1] + " " + cont.group(1)).strip()
    return result, first or ""


def roff(text):
    return text.replace("\\", "\\e").replace("-", "\\-").replace("'", "\\(aq")


def main():
    binary, outdir = sys.argv[1], sys.argv[2]
    top, summary = sections(run(binary, "--help"))
    version = run(binary, "--version").strip()
    commands = [name for name, _ in top.get("Subcommands", [])]
    if not commands:
        sys.exit(f"gen-docs.py: {binary} --help lists no subcommands")
    man = [
        f'.TH COWPIN 1 "" "{roff(version)}" "User Commands"',
        ".SH NAME",
        "cowpin \\- explicit\\-state model checker for copy\\-on\\-write and page pinning",
        ".SH SYNOPSIS",
        ".B cowpin",
        "[\\fB\\-\\-version\\fR] [\\fB\\-v\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]",
        ".SH DESCRIPTION",
        "cowpin is " + roff(summary.split(": ", 1)[-1]) + ".",
        "It enumerates every interleaving of fork, faults, pin, unpin, swap-out, migration and DMA "
        "over a small VM model (order\\-0 pages, THP and hugetlb) under each historical COW "
        "policy (Linux 5.7 to 6.18, the precise Copy\\-on\\-Pin, FreeBSD, NetBSD), checks that "
        "pinned and COW\\-shared pages stay exclusive and that every process sees its own "
        "memory, and writes the shortest counterexample of each violated invariant as a "
        "replayable JSON trace.",
        ".SH COMMANDS",
    ]
    completion_cases = []
    for name in commands:
        sub, first = sections(run(binary, name, "--help"))
        man += [".SS " + roff(name), roff(first)]
        words = []
        for heading in ("Positionals", "Options"):
            for names, helptext in sub.get(heading, []):
                man += [".TP", "\\fB" + roff(names) + "\\fR", roff(helptext)]
                words += [w.rstrip(",") for w in re.findall(r"--?[A-Za-z][\w-]*", names)]
        completion_cases.append(f'    {name}) opts="{" ".join(dict.fromkeys(words))}" ;;')
    man += [
        ".SH EXIT STATUS",
        ".TP", "0", "Every verdict as the specs expect (or the command succeeded).",
        ".TP", "1", "A verdict differs from its expectation: a violation, or a kernel disagreement.",
        ".TP", "2", "Bad input: one line names the file, the field and what was expected.",
        ".TP", "4", "A limit stopped a run (\\-\\-max\\-states, \\-\\-memory, a depth bound).",
        ".SH FILES",
        ".TP", "/usr/share/cowpin/specs",
        "The shipped scenario and exhaustive specs, and the built\\-in policies as policy files "
        "(\\fIpolicies/\\fR).",
        ".TP", "/usr/share/doc/cowpin",
        "The README, the semantics (\\fIsemantics/\\fR: the state, the steps, the policies' "
        "decision points, the invariants, the spec and trace formats) and the kernel evidence "
        "behind each policy decision.",
        ".SH EXAMPLES",
        ".nf",
        "cowpin check /usr/share/cowpin/specs/basic\\-cow\\-after\\-fork.json",
        "cowpin check specs \\-\\-policy linux\\-6.18 \\-\\-out /tmp/traces",
        "cowpin explain /tmp/traces/vmsplice\\-unmap\\-in\\-child.linux\\-5.7.get_no_leak.json",
        "cowpin policies \\-\\-json linux\\-5.19 > my\\-idea.json",
        "cowpin policies \\-\\-describe fork",
        "cowpin steps",
        "cowpin check specs/my\\-spec.json \\-\\-bless",
        ".fi",
    ]
    with open(f"{outdir}/cowpin.1", "w") as f:
        f.write("\n".join(man) + "\n")
    bash = f"""# bash completion for cowpin (generated from `cowpin --help` by scripts/gen-docs.py)
_cowpin() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} cmd="" opts i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${{COMP_WORDS[i]}} in -*) ;; *) cmd=${{COMP_WORDS[i]}}; break ;; esac
  done
  if [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "{' '.join(commands)} --help --version -v --verbose" -- "$cur"))
    return
  fi
  case $cmd in
{chr(10).join(completion_cases)}
    *) opts="" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
complete -o filenames -F _cowpin cowpin
"""
    with open(f"{outdir}/cowpin.bash", "w") as f:
        f.write(bash)


if __name__ == "__main__":
    main()
