#!/usr/bin/env python3
"""change-policy.py - a copy of a cluster (one multi-document YAML stream, as
tests/tools/gencluster writes it) with one NetworkPolicy changed: port 9999 is
added to its first 'ports' list, or, when it has none, its first ipBlock's
cidr moves to 203.0.113.0/24. For timing 'netverify diff' on a one-policy
change. NAME '-' picks the first NetworkPolicy in the stream that has a 'ports'
list (what tests/bench.sh changes, on either generator shape).

usage: change-policy.py FILE NAME [NAMESPACE] > COPY
"""
import re
import sys


def main():
    path, name = sys.argv[1], sys.argv[2]
    ns = sys.argv[3] if len(sys.argv) > 3 else None
    with open(path) as fp:
        docs = fp.read().split("\n---\n")
    for i, doc in enumerate(docs):
        if not re.search(r"^kind: NetworkPolicy$", doc, re.M):
            continue
        meta = re.search(r"^metadata: \{name: ([^,}]+)(?:, namespace: ([^,}]+))?", doc, re.M)
        if not meta or (ns and meta.group(2) != ns):
            continue
        if name == "-" and "ports: [" not in doc:
            continue
        if name != "-" and meta.group(1) != name:
            continue
        print("change-policy.py: changed NetworkPolicy %s/%s" % (meta.group(2), meta.group(1)),
              file=sys.stderr)
        if "ports: [" in doc:
            docs[i] = doc.replace("ports: [", "ports: [{protocol: TCP, port: 9999}, ", 1)
        elif "ipBlock: {cidr: " in doc:
            docs[i] = re.sub(r"ipBlock: \{cidr: [^,}]+(, except: \[[^]]*\])?",
                             "ipBlock: {cidr: 203.0.113.0/24", doc, count=1)
        else:
            sys.exit("change-policy.py: policy %s has neither ports nor an ipBlock" % name)
        sys.stdout.write("\n---\n".join(docs))
        return 0
    sys.exit("change-policy.py: no NetworkPolicy %s in %s" % (name, path))


if __name__ == "__main__":
    sys.exit(main())
