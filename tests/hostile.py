#!/usr/bin/env python3
# hostile.py - inputs built to hurt a parser: alias bombs, deep nesting, huge
# files, a million documents, garbage bytes, broken UTF-8, directory tricks.
# Every case runs netverify with a time limit and an address-space limit and
# asserts the documented outcome (docs/semantics.md, "Limits"): an exit code,
# and for errors a message that names the file (with line:col when the input
# has lines). A signal, a timeout or any other exit code fails the case.
# Usage: hostile.py NETVERIFY [CASE...]
# SPDX-License-Identifier: Apache-2.0
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MIB = 1 << 20
LIST = ["list", "--format", "summary"]

# A cluster with one workload, for cases whose hostile part is elsewhere.
POD = (
    "apiVersion: v1\nkind: Pod\n"
    "metadata: {name: web, namespace: shop, labels: {app: web}}\n"
    "spec: {containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}\n"
)


def write(path, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    return path


def write_chunks(path, chunk, count, head="", tail=""):
    with open(path, "w") as f:
        f.write(head)
        for _ in range(count):
            f.write(chunk)
        f.write(tail)
    return path


# ---- the inputs ----


def alias_bomb(t):
    # "billion laughs": ten levels of ten aliases each, 10^9 strings once expanded
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append("a%d: &a%d [%s]" % (i, i, ",".join(["*a%d" % (i - 1)] * 10)))
    return LIST + [write(t + "/bomb.yaml", "\n".join(lines) + "\n")]


def merge_bomb(t):
    # merge keys over aliases: each level merges a thousand copies of the one before, so the
    # merges would sort 10^9 keys; what the aliases repeat counts against the node limit first
    lines = ["a0: &a0 {%s}" % ", ".join("k%d: %d" % (i, i) for i in range(1000))]
    for i in range(1, 6):
        lines.append("a%d: &a%d {<<: [%s]}" % (i, i, ", ".join(["*a%d" % (i - 1)] * 1000)))
    return LIST + [write(t + "/merge.yaml", "\n".join(lines) + "\n")]


def claims_bomb(t):
    lines = ["claims:", '- &c0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        lines.append("- &c%d [%s]" % (i, ",".join(["*c%d" % (i - 1)] * 10)))
    write(t + "/claims.yaml", "\n".join(lines) + "\n")
    return ["check", "--claims", t + "/claims.yaml", write(t + "/pod.yaml", POD)]


def claims_long(t):
    # a folded claim of 100,000 ports over 14,000 lines: each token's line:col must not
    # cost a walk from the start of the claim
    ports = ["tcp/%d" % (i % 65535 + 1) for i in range(100000)]
    lines = ",\n  ".join(",".join(ports[i:i + 7]) for i in range(0, len(ports), 7))
    write(t + "/claims.yaml", "claims:\n- >\n  web reaches shop/web\n  on %s\n  bogus\n" % lines)
    return ["check", "--claims", t + "/claims.yaml", write(t + "/pod.yaml", POD)]


def nest_flow(t):
    return LIST + [write(t + "/flow.yaml", "[" * 100000 + "]" * 100000 + "\n")]


def nest_flow_raised(t):
    # the highest --max-depth there is: refused at that depth, in about a second (quoted
    # keys: a stream starting with '{' is JSON, and JSON has no unquoted keys)
    return LIST + ["--max-depth", "10000", write(t + "/flow.yaml", '{"a": ' * 100000 + "\n")]


def nest_block(t):
    return LIST + [write(t + "/block.yaml", "- " * 100000 + "x\n")]


def nest_block_map(t):
    # mappings by indentation: 3,000 levels already take 4.5 MB
    return LIST + [write(t + "/map.yaml", "".join(" " * i + "k%d:\n" % i for i in range(3000)))]


def nest_in_object(t):
    deep = "annotations: {x: %s}" % ("[" * 100000 + "]" * 100000)
    return LIST + [write(t + "/pod.yaml", POD.replace("labels: {app: web}", deep))]


def big_string(t):
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "
    return write_chunks(t + "/big.yaml", "x" * MIB, 200, head, "\n")


def big_refused(t):
    return LIST + ["--max-file-size", "100", big_string(t)]


def big_scalar(t):
    # 200 MB in one string: read (libyaml holds it, the model copies it) and skipped
    return LIST + [big_string(t), write(t + "/pod.yaml", POD)]


def big_comments(t):
    line = "# " + "c" * 1021 + "\n"
    return LIST + [write_chunks(t + "/big.yaml", line * 1024, 200, "", POD)]


def many_docs(t):
    # each an object without a kind (a mapping without kind, metadata or spec is skipped)
    return LIST + [write_chunks(t + "/docs.yaml", "---\n{spec: {}}\n", 1000000)]


def many_values_docs(t):
    # documents that are no Kubernetes object, each skipped with a note, and one Pod
    return LIST + [write_chunks(t + "/docs.yaml", "---\na: 1\n", 1000000, "", "---\n" + POD)]


def many_empty_docs(t):
    return LIST + [write_chunks(t + "/docs.yaml", "---\n", 1000000, "", "---\n" + POD)]


def garbage(t):
    rnd = random.Random(20240611)
    return LIST + [write(t + "/garbage.yaml", bytes(rnd.getrandbits(8) for _ in range(MIB)))]


def punctuation(t):
    # valid UTF-8, but YAML's own punctuation at random: the parser's error paths
    rnd = random.Random(7)
    chars = "[]{}:,-?&*!|>'\"%@`#\n\t abc012"
    return LIST + [write(t + "/soup.yaml", "".join(rnd.choice(chars) for _ in range(MIB)))]


def bad_utf8(t):
    data = POD.replace("app: web}", 'app: "caf\xc3\x28"}').encode("latin-1")
    return LIST + [write(t + "/bad.yaml", data)]


def nul_byte(t):
    return LIST + [write(t + "/nul.yaml", POD.encode().replace(b"name: c", b"name: c\x00d"))]


def empty_dir(t):
    os.mkdir(t + "/empty")
    return LIST + [t + "/empty"]


def symlink_loop(t):
    # two links back to the directory itself: exponential without loop detection
    os.mkdir(t + "/d")
    write(t + "/d/pod.yaml", POD)
    os.symlink(".", t + "/d/again")
    os.symlink("../d", t + "/d/twice")
    return LIST + [t + "/d"]


def symlink_self(t):
    os.symlink("self.yaml", t + "/self.yaml")
    return LIST + [t + "/self.yaml"]


def dangling(t):
    os.mkdir(t + "/d")
    write(t + "/d/pod.yaml", POD)
    os.symlink("nowhere.yaml", t + "/d/gone.yaml")
    return LIST + [t + "/d"]


def fifo_in_dir(t):
    # a FIFO among the files must be passed over, not opened (that would block)
    os.mkdir(t + "/d")
    write(t + "/d/pod.yaml", POD)
    os.mkfifo(t + "/d/pipe.yaml")
    return LIST + [t + "/d"]


def unreadable(t):
    path = write(t + "/secret.yaml", POD)
    os.chmod(path, 0)
    return LIST + [path]


def dir_named_yaml(t):
    os.mkdir(t + "/d")
    os.mkdir(t + "/d/sub.yaml")
    write(t + "/d/sub.yaml/pod.yaml", POD)
    os.mkdir(t + "/d/empty.yaml")
    return LIST + [t + "/d"]


def claims_dev_zero(t):
    # a claims file a pull request turned into a link to /dev/zero: never read, not a hang
    os.symlink("/dev/zero", t + "/claims.yaml")
    return ["check", "--claims", t + "/claims.yaml", write(t + "/pod.yaml", POD)]


def claims_fifo(t):
    os.mkfifo(t + "/claims.yaml")
    return ["check", "--claims", t + "/claims.yaml", write(t + "/pod.yaml", POD)]


def claims_dir(t):
    os.mkdir(t + "/claims")
    return ["check", "--claims", t + "/claims", write(t + "/pod.yaml", POD)]


def claims_17mb(t):
    write_chunks(t + "/claims.yaml", "#" * 1023 + "\n", 17 * 1024, "claims: [web reaches web]\n")
    return ["check", "--claims", t + "/claims.yaml", write(t + "/pod.yaml", POD)]


def claims_aliases(t):
    # a million claims in 5 MB, each an alias of the first
    write_chunks(t + "/claims.yaml", "- *c\n", 1000000,
                 "claims:\n- &c shop/web cannot reach cidr 10.0.0.0/8\n")
    return ["check", "--claims", t + "/claims.yaml", write(t + "/pod.yaml", POD)]


def stdin_endless(t):
    # standard input that never ends: --max-file-size applies to it as to a file
    return {"args": LIST + ["--max-file-size", "1", "-"], "stdin": ["yes", "# endless"]}


def pod_dir(t, links):
    # t/d with a Pod, and the symbolic links {name: target} in it; a directory 'outside'
    # beside it holds another Pod
    os.mkdir(t + "/d")
    write(t + "/d/pod.yaml", POD)
    os.mkdir(t + "/outside")
    write(t + "/outside/pod.yaml", POD.replace("name: web,", "name: other,"))
    for name, target in links.items():
        os.symlink(target, t + "/d/" + name)
    return t + "/d"


def symlink_out(t):
    # links out of the tree given: to / (the whole disk, runner files in the PR comment)
    # and to a directory beside it; neither followed, each warned about at the link
    return LIST + [pod_dir(t, {"root": "/", "ext": "../outside"})]


def symlink_out_followed(t):
    return ["list", "--follow-symlinks", "--format", "summary",
            pod_dir(t, {"ext": "../outside"})]


def claims_link_out(t):
    # the claims file found beside the manifests, a link to a file of the machine
    return ["check", pod_dir(t, {"netverify.yaml": "/etc/passwd"})]


def config_link_out(t):
    # every command reads the cluster section of the netverify.yaml beside the manifests
    return LIST + [pod_dir(t, {"netverify.yaml": "/etc/passwd"})]


def ingress_policy(rules):
    # a NetworkPolicy of namespace shop selecting every pod, with these ingress rules
    return ("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            "metadata: {name: p, namespace: shop}\n"
            "spec:\n  podSelector: {}\n  ingress:\n" + rules)


def ports_one_rule(t):
    # one rule with 30,000 ports entries: its port set is built in one pass
    ports = "".join("    - {port: %d}\n" % (2 * i + 1) for i in range(30000))
    return LIST + [write(t + "/ports.yaml", POD + ingress_policy("  - ports:\n" + ports))]


def ports_many_rules(t):
    # 30,000 rules of one port each for the same pod: the unions the engine chains over
    # them would keep every intermediate set; refused at the port-range limit (the flow
    # list builds them; the summary counts over bits and needs none)
    rules = "".join("  - ports: [{port: %d}]\n" % (2 * i + 1) for i in range(30000))
    return ["list", "--format", "json", write(t + "/rules.yaml", POD + ingress_policy(rules))]


def excepts_many(t):
    # one ipBlock with 120,000 excepts, each a /32 of its own: every except cuts the address
    # space, and each atom was tested against every except (quadratic: 7 s of CPU at 50,000,
    # about 40 s here; now one sorted walk)
    excepts = "".join("        - 10.%d.%d.%d/32\n" % (i >> 16, i >> 8 & 255, i & 255)
                      for i in range(1, 120001))
    rule = "  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except:\n" + excepts
    return write(t + "/excepts.yaml", POD + ingress_policy(rule))


def excepts_list(t):
    return LIST + [excepts_many(t)]


def excepts_lint(t):
    return ["lint", excepts_many(t)]


def ports_many_rules_summary(t):
    # the same rules, summarised: counted over bits, no port set is built
    rules = "".join("  - ports: [{port: %d}]\n" % (2 * i + 1) for i in range(30000))
    return LIST + [write(t + "/rules.yaml", POD + ingress_policy(rules))]


def timeout_encoding(t):
    # 20,000 peers: encoding them takes about 20 times --timeout 0.05 (0.9 s here, idle),
    # and --timeout bounds the whole check of a claim; the report goes to stderr for the
    # test to see. Each peer holds the pod (app NotIn [pN]): the SMT engine leaves out
    # peers that hold no pod the other end can be, and would have nothing to encode. Small
    # enough that a loaded machine stays far inside the case's 30 s bound
    peers = "".join("    - podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [p%d]}]}\n"
                    % i for i in range(20000))
    pol = ingress_policy("  - from:\n" + peers)
    write(t + "/claims.yaml", "claims:\n- any cannot reach shop/web\n")
    return ["check", "-j", "1", "--timeout", "0.05", "-o", "/dev/stderr", "--claims",
            t + "/claims.yaml", write(t + "/peers.yaml", POD + pol)]


def emit_long_path(t):
    # --emit-smt DIR whose files would be longer than PATH_MAX: cut short, two parts of a
    # claim went to one file; refused before anything is read
    d = t + "/e"
    while len(d) < 4085:
        d += "/" + "x" * min(200, 4085 - len(d) - 1)
    os.makedirs(d)
    write(t + "/claims.yaml", "claims:\n- only shop/web reaches shop/web\n")
    return ["check", "--emit-smt", d, "--claims", t + "/claims.yaml", write(t + "/pod.yaml", POD)]


def emit_long_name(t):
    write(t + "/claims.yaml", "claims:\n- shop/web cannot reach shop/web\n")
    return ["check", "--emit-smt", t + "/" + "x" * 300, "--claims", t + "/claims.yaml",
            write(t + "/pod.yaml", POD)]


def pods_cluster(t, name, n, deny):
    # n Pods in one namespace; with 'deny', a policy that isolates them all both ways
    docs = ["apiVersion: v1\nkind: Pod\nmetadata: {name: w%d, namespace: a, labels: {app: w%d}}\n"
            "spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}\n" % (i, i)
            for i in range(n)]
    if deny:
        docs.append("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                    "metadata: {name: deny, namespace: a}\n"
                    "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n")
    return write(t + "/" + name, "---\n".join(docs))


def diff_json_big(t):
    # 1.4 million added connections (136 MB of JSON) were held in memory: written as found
    return ["diff", "--format", "json", pods_cluster(t, "old.yaml", 1200, True),
            pods_cluster(t, "new.yaml", 1200, False)]


def diff_json_removed(t):
    # the same removed: after the added array, kept in a temporary file past 8 MiB
    return ["diff", "--format", "json", pods_cluster(t, "old.yaml", 1200, False),
            pods_cluster(t, "new.yaml", 1200, True)]


def diff_sarif_big(t):
    # 90,000 SARIF results (49 MB) were one jansson tree of 250 MB: written one at a time
    return ["diff", "--format", "sarif", pods_cluster(t, "old.yaml", 300, True),
            pods_cluster(t, "new.yaml", 300, False)]


def deep_dirs(t):
    path = t + "/deep" + "/d" * 80
    os.makedirs(path)
    write(path + "/pod.yaml", POD)
    return LIST + [t + "/deep"]


# at most once, the note that no input mentions IPv6 (docs/semantics.md)
IPV4_NOTE = r"(netverify: note: no input mentions IPv6: [^\n]*\n)?"
# nothing on stderr but, maybe, that note
QUIET = "^" + IPV4_NOTE + "$"
# nothing on stderr but, maybe, the note and the one line of lint's count (docs/lint.md)
LINT_LINE_ONLY = ("^" + IPV4_NOTE +
                  r"(netverify: \d+ lint warnings?; run 'netverify lint' for (it|them)\n)?$")

# name, build(tmpdir) -> arguments after "netverify", exit code, stderr pattern (re.S),
# seconds, MiB of address space (0: no limit)
CASES = [
    ("alias-bomb", alias_bomb, 2,
     r"bomb\.yaml:\d+:\d+: error: document has more than 5000000 nodes", 20, 1024),
    ("merge-bomb", merge_bomb, 2,
     r"merge\.yaml:\d+:\d+: error: document has more than 5000000 nodes", 20, 1024),
    ("alias-bomb-claims", claims_bomb, 2,
     r"claims\.yaml:\d+:\d+: error: document has more than 5000000 nodes", 20, 1024),
    ("claims-long-folded", claims_long, 2,
     r"claims\.yaml:\d{5}:\d+: error: invalid claim: unexpected words at 'bogus'", 20, 1024),
    ("nest-flow-100k", nest_flow, 2, r"flow\.yaml:1:257: error: nesting deeper than 256", 20, 1024),
    ("nest-flow-max-depth", nest_flow_raised, 2,
     r"flow\.yaml:1:\d+: error: nesting deeper than 10000", 20, 1024),
    ("nest-block-100k", nest_block, 2, r"block\.yaml:1:513: error: nesting deeper than 256", 20,
     1024),
    ("nest-block-map", nest_block_map, 2, r"map\.yaml:257:257: error: nesting deeper than 256", 20,
     1024),
    ("nest-in-object", nest_in_object, 2, r"pod\.yaml:3:\d+: error: nesting deeper than 256", 20,
     1024),
    ("big-200mb-refused", big_refused, 2,
     r"big\.yaml: error: file is larger than 104857600 bytes", 20, 1024),
    ("big-200mb-scalar", big_scalar, 0, r"big\.yaml:1:1: note: skipping ConfigMap 'big'", 30,
     2048),
    ("big-200mb-comments", big_comments, 0, QUIET, 30, 1024),
    ("million-docs", many_docs, 2,
     r"docs\.yaml:2:1: error: object has no 'kind'.*only the first 1000 diagnostics", 30, 1024),
    ("million-empty-docs", many_empty_docs, 0, QUIET, 30, 1024),
    ("million-values-docs", many_values_docs, 0,
     r"docs\.yaml:2:1: note: document skipped: not a Kubernetes object.*only the first 1000 "
     r"diagnostics", 30, 1024),
    ("binary-garbage", garbage, 2,
     r"garbage\.yaml: error: invalid input: .* at byte offset \d+", 20, 1024),
    ("yaml-punctuation", punctuation, 2, r"soup\.yaml:\d+:\d+: error: invalid YAML", 20, 1024),
    ("invalid-utf8", bad_utf8, 2,
     r"bad\.yaml: error: invalid input: invalid trailing UTF-8 octet at byte offset \d+", 20, 1024),
    ("nul-byte", nul_byte, 2, r"nul\.yaml: error: invalid input: control characters", 20, 1024),
    ("empty-dir", empty_dir, 2, r"empty: error: no \.yaml, \.yml or \.json file in this directory",
     20, 1024),
    ("symlink-loop", symlink_loop, 0, r"warning: '.*/d/again' is directory '.*/d' again", 20, 1024),
    ("symlink-self", symlink_self, 2,
     r"error: cannot read '.*self\.yaml': Too many levels of symbolic links", 20, 1024),
    ("dangling-symlink", dangling, 0,
     r"warning: cannot stat '.*gone\.yaml': No such file or directory", 20, 1024),
    ("fifo-in-dir", fifo_in_dir, 0, QUIET, 20, 1024),
    ("unreadable-file", unreadable, 2, r"secret\.yaml: error: cannot open: Permission denied", 20,
     1024),
    ("dir-named-yaml", dir_named_yaml, 0, QUIET, 20, 1024),
    ("deep-dirs", deep_dirs, 2, r"error: '.*/deep(/d)+': directories nested deeper than 64 levels",
     20, 1024),
    ("claims-dev-zero", claims_dev_zero, 2,
     r"claims\.yaml: error: the claims file is a character device, not a regular file", 20, 1024),
    ("claims-fifo", claims_fifo, 2,
     r"claims\.yaml: error: the claims file is a FIFO \(named pipe\), not a regular file", 20,
     1024),
    ("claims-dir", claims_dir, 2, r"claims: error: the claims file is a directory, not a regular",
     20, 1024),
    ("claims-17mb", claims_17mb, 2,
     r"claims\.yaml: error: the claims file is larger than 16777216 bytes", 20, 1024),
    ("claims-aliases-1m", claims_aliases, 2,
     r"claims\.yaml:2:1: error: more than 10000 claims, counting what aliases repeat", 20, 1024),
    ("symlink-out", symlink_out, 0,
     r"d/ext: warning: symbolic link to outside '.*/d' not followed \(--follow-symlinks"
     r".*d/root: warning: symbolic link to outside", 20, 1024),
    ("symlink-out-followed", symlink_out_followed, 0, QUIET, 20, 1024),
    ("claims-link-out", claims_link_out, 2,
     r"d/netverify\.yaml: error: the claims file is a symbolic link to outside '.*/d': not read",
     20, 1024),
    ("config-link-out", config_link_out, 2,
     r"d/netverify\.yaml: error: the claims file is a symbolic link to outside '.*/d': not read",
     20, 1024),
    ("ports-30k-one-rule", ports_one_rule, 0, QUIET, 20, 512),
    ("ports-30k-rules", ports_many_rules, 2,
     r"error: the policies' port sets need more than 16777216 port ranges in all", 20, 1024),
    ("ports-30k-rules-summary", ports_many_rules_summary, 0, QUIET, 20, 512),
    ("excepts-120k-list", excepts_list, 0, QUIET, 20, 512),
    ("excepts-120k-lint", excepts_lint, 0, QUIET, 20, 512),
    ("timeout-encoding", timeout_encoding, 3,
     r"undecided \(timeout: the policies were not encoded within --timeout\)", 30, 2048),
    ("emit-smt-path-max", emit_long_path, 2,
     r"--emit-smt: the directory's path is too long: .* longer than 4096 bytes", 20, 1024),
    ("emit-smt-name-max", emit_long_name, 2,
     r"--emit-smt: a directory name in the path is longer than 255 bytes", 20, 1024),
    ("diff-json-1.4m-added", diff_json_big, 0, LINT_LINE_ONLY, 60, 128),
    ("diff-json-1.4m-removed", diff_json_removed, 0, LINT_LINE_ONLY, 60, 128),
    ("diff-sarif-90k", diff_sarif_big, 0, LINT_LINE_ONLY, 60, 128),
    ("stdin-endless", stdin_endless, 2,
     r"<stdin>: error: file is larger than 1048576 bytes \(raise it with --max-file-size\)", 20,
     1024),
]


def run(nv, args, seconds, mib, stdin_cmd=None):
    """Run 'netverify ARGS': (exit code or -signal or None, stderr, seconds, peak MiB or None).
    With stdin_cmd, netverify reads that command's output on standard input."""
    # netverify runs as a child of GNU time, when there is one: a process forked from this
    # interpreter starts with its peak, however small netverify itself stays
    timer_cmd = ["/usr/bin/time", "-f", "%M", "-o"] if os.access("/usr/bin/time", os.X_OK) else []
    with tempfile.NamedTemporaryFile() as err, tempfile.NamedTemporaryFile() as peak:
        cmd = (timer_cmd + [peak.name] if timer_cmd else []) + [nv] + args
        if mib:
            cmd = ["sh", "-c", 'ulimit -v %d && exec "$@"' % (mib * 1024), "sh"] + cmd
        feeder = None
        if stdin_cmd:
            feeder = subprocess.Popen(stdin_cmd, stdout=subprocess.PIPE)
        start = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                             stdin=feeder.stdout if feeder else None)
        if feeder:
            feeder.stdout.close()  # netverify holds the pipe; the feeder ends when it goes
        try:
            p.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return None, b"", time.monotonic() - start, None
        finally:
            if feeder:
                feeder.kill()
                feeder.wait()
        elapsed = time.monotonic() - start
        err.seek(0)
        text = err.read()
        kb = peak.read().decode().strip().splitlines()
    code = p.returncode
    if timer_cmd and kb and kb[0].startswith("Command "):
        # GNU time's own report of how netverify ended, then the figure
        m = re.search(r"(exited with non-zero status|terminated by signal) (\d+)", kb[0])
        code = int(m.group(2)) if m and m.group(1).startswith("exited") else -int(m.group(2))
        kb = kb[1:]
    return code, text, elapsed, (int(kb[-1]) / 1024 if kb else None)


def main():
    nv = os.path.abspath(sys.argv[1])
    only = set(sys.argv[2:])
    root = os.geteuid() == 0
    failed = passed = skipped = 0
    print("hostile: %-20s %4s %8s %9s" % ("case", "exit", "seconds", "peak MiB"))
    for name, build, want, pattern, seconds, mib in CASES:
        if only and name not in only:
            continue
        if name == "unreadable-file" and root:
            print("hostile: %-20s skipped (running as root: permissions do not stop root)" % name)
            skipped += 1
            continue
        tmp = tempfile.mkdtemp(prefix="nv-hostile-")
        try:
            args = build(tmp)
            stdin_cmd = None
            if isinstance(args, dict):
                args, stdin_cmd = args["args"], args.get("stdin")
            code, err, elapsed, peak = run(nv, args, seconds, mib, stdin_cmd)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        text = err.decode("utf-8", "replace")
        problems = []
        if code is None:
            problems.append("no answer within %d s" % seconds)
        elif code < 0:
            problems.append("killed by %s" % signal.Signals(-code).name)
        elif code != want:
            problems.append("exit %d, expected %d" % (code, want))
        if code is not None and not re.search(pattern, text, re.S):
            problems.append("stderr does not match %r" % pattern)
        if problems:
            failed += 1
            print("hostile: %-20s FAIL: %s" % (name, "; ".join(problems)))
            for line in text.splitlines()[:5]:
                print("    " + line[:200])
        else:
            passed += 1
            print("hostile: %-20s %4d %8.2f %9s"
                  % (name, code, elapsed, "-" if peak is None else "%.0f" % peak))
    print("hostile: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
