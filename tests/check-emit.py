#!/usr/bin/env python3
# check-emit.py - 'netverify check --emit-smt' writes queries the z3 command can
# re-check: every part's file must be sat exactly when netverify refutes it, and
# give that one answer only (claim names, such as "x\n(assert false)", stay in
# comments).
# Usage: check-emit.py NETVERIFY MANIFESTS CLAIMS
# SPDX-License-Identifier: Apache-2.0
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    nv, manifests, claims = sys.argv[1:4]
    if not shutil.which("z3"):
        print("emit-smt: skipped (no z3 command)")
        return 0
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([nv, "check", manifests, "--claims", claims, "--format", "json",
                            "--emit-smt", tmp], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        try:
            report = json.loads(r.stdout)
        except ValueError:
            sys.stderr.write(r.stderr.decode(errors="replace"))
            raise
        for i, c in enumerate(report["claims"], 1):
            parts = c["parts"]
            for p in parts:
                suffix = "" if len(parts) == 1 else ("-only" if p["part"] == "only" else "-reaches")
                path = os.path.join(tmp, "claim-%02d%s.smt2" % (i, suffix))
                z = subprocess.run(["z3", "-T:60", path], stdout=subprocess.PIPE, timeout=120)
                answers = z.stdout.decode().split("\n")
                got = answers[0].strip()
                want = "unsat" if p["holds"] else "sat"
                # one answer and nothing else: a claim name must not add commands
                if got == want and len([a for a in answers if a.strip()]) == 1:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL emit-smt: %s: z3 says %s, netverify %s" %
                          (os.path.basename(path), got, "holds" if p["holds"] else "refuted"))
    print("emit-smt: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
