#!/usr/bin/env python3
"""Each command's --help against the options its parser takes.

Usage: check-help.py NETVERIFY [MANPAGE]

For every command that 'netverify --help' lists: the options in the option
lists of 'netverify CMD --help' (lines that start with an option) are exactly
those that 'netverify CMD --list-options' says the parser takes, and the
usage line names every one of them but -h and the input options, which it
sums up as [INPUT OPTIONS] under a heading of their own. So a new option
cannot go undocumented, and a documented one cannot be gone. With MANPAGE
(docs/netverify.1), the man page has each command in its synopsis with the
options of its usage line, and each long option of each command.
"""
import re
import subprocess
import sys


def run(nv, *args):
    p = subprocess.run([nv, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("check-help: '%s' exited %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit("usage: check-help.py NETVERIFY [MANPAGE]")
    nv = argv[1]
    man = open(argv[2], encoding="utf-8").read().replace("\\-", "-") if len(argv) == 3 else None
    top = run(nv, "--help")
    cmds = re.findall(r"^  ([a-z]+) ", top.split("Commands:", 1)[1], re.M)
    failed = 0
    for cmd in cmds:
        parser = set(run(nv, cmd, "--list-options").split()) - {"--list-options"}
        text = run(nv, cmd, "--help")
        usage = text.splitlines()[0]
        documented, inputs, pairs = set(), set(), {}
        section = None
        for line in text.splitlines():
            if line and not line.startswith(" "):
                section = line
                continue
            m = re.match(r"^  (?:(-\w), )?(--[\w-]+)|^      (--[\w-]+)", line)
            if not m:
                continue
            short, long_ = m.group(1), m.group(2) or m.group(3)
            documented |= {o for o in (short, long_) if o}
            if short:
                pairs[long_] = short
            if section == "Input options:":
                inputs.add(long_)
        problems = []
        for o in sorted(parser - documented):
            problems.append("%s is taken but not in --help" % o)
        for o in sorted(documented - parser):
            problems.append("%s is in --help but not taken" % o)
        if inputs and "[INPUT OPTIONS]" not in usage:
            problems.append("the usage line does not mention [INPUT OPTIONS]")
        for o in sorted(parser):
            if not o.startswith("--") or o in inputs or o == "--help":
                continue
            words = re.findall(r"-[\w-]+", usage)
            if o not in words and pairs.get(o) not in words:
                problems.append("%s is not on the usage line" % o)
        if man is not None:
            m = re.search(r"^\.B netverify %s\n(.*?)^\.br$" % cmd, man, re.S | re.M)
            if not m:
                problems.append("not in the man page's synopsis")
            synopsis = re.findall(r"-[\w-]+", m.group(1)) if m else []
            if m and "FILTERS" in m.group(1):  # the options of the section FILTERS
                f = re.search(r"^\.SH FILTERS\n(.*?)^\.SH ", man, re.S | re.M)
                synopsis += re.findall(r"^\.B[IR]? (-[\w-]+)", f.group(1), re.M) if f else []
            for o in sorted(parser):
                if not o.startswith("--"):
                    continue
                if not re.search(re.escape(o) + r"(?![\w-])", man):
                    problems.append("%s is not in the man page" % o)
                elif o not in inputs and o != "--help" and m and o not in synopsis \
                        and pairs.get(o) not in synopsis:
                    problems.append("%s is not in the man page's synopsis" % o)
        for p in problems:
            print("FAIL %s: %s" % (cmd, p))
        failed += bool(problems)
    print("help: %d passed, %d failed" % (len(cmds) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
