#!/usr/bin/env python3
"""check-pulumi.py - examples/pulumi/ defines exactly the manifests committed
in examples/pulumi/rendered/, and they hold the claims.

The Pulumi CLI and SDK are not installed here (and nothing may be
downloaded), so the program runs against a stand-in for the two Python
modules it imports: 'pulumi' and 'pulumi_kubernetes', put in sys.modules. The
stand-in records every resource with its arguments, then renders each one the
way the Kubernetes provider does when 'renderYamlToDirectory' is set
(pulumi-kubernetes, provider/pkg/provider/provider.go: Check, renderYaml,
renderPathForResource):

  * the inputs are the object as given: Args keywords become the camelCase
    API fields ('from_' is 'from'), None is left out, maps are kept as they
    are; the provider's normalisation prunes back to these fields and drops
    read-only metadata;
  * with client-side apply the label 'app.kubernetes.io/managed-by: pulumi'
    is added (server-side apply, the default, adds nothing);
  * the file is DIR/1-manifest/<apiVersion>-<kind>-<namespace>-<name>.yaml,
    '/' and ':' of the apiVersion written '_', the kind in lower case, a
    cluster-scoped object's namespace 'default'; CRDs go to DIR/0-crd/;
  * the content is sigs.k8s.io/yaml's JSONToYAML of the object's JSON:
    go-yaml v2 block style, keys in go-yaml's order, sequences at their key's
    indentation, quotes only where a plain scalar would read as another type
    or is not allowed.

The stand-in refuses what it does not model (an unknown keyword, a float, a
string that needs escaping, a resource without the render provider, an
unnamed object, two objects in one file) instead of guessing.

Checks: the rendering equals the committed files byte for byte, and the same
set of files; 'netverify check rendered cluster' holds every claim; 'netverify
list' of it equals 'netverify list models/ai-inference' (the program is the
reference model); the program with the DNS egress rule removed renders a
different NetworkPolicy and refutes the DNS claim (so the comparison can
fail); with PyYAML at hand, every rendered file loads back to its object.

usage: check-pulumi.py NETVERIFY [--write]
  --write  render into examples/pulumi/rendered/ (after changing the program)
"""
import difflib
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import types

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(TOP, "examples", "pulumi")
PROGRAM = os.path.join(EXAMPLE, "__main__.py")


class NotModelled(Exception):
    """The stand-in does not know what the real SDK or provider would do."""


# --- the stand-in SDK ------------------------------------------------------

# Args classes the program may use, with the keywords the stand-in accepts
# (a subset of the real classes'; anything else is refused).
ARGS = {
    "meta.v1": {
        "ObjectMetaArgs": ["name", "namespace", "labels", "annotations"],
        "LabelSelectorArgs": ["match_labels", "match_expressions"],
        "LabelSelectorRequirementArgs": ["key", "operator", "values"],
    },
    "core.v1": {
        "ContainerArgs": ["name", "image", "ports", "args", "command"],
        "ContainerPortArgs": ["name", "container_port", "protocol"],
        "PodSpecArgs": ["containers"],
        "PodTemplateSpecArgs": ["metadata", "spec"],
        "ServiceSpecArgs": ["selector", "ports", "type"],
        "ServicePortArgs": ["name", "port", "target_port", "protocol"],
    },
    "apps.v1": {
        "DeploymentSpecArgs": ["replicas", "selector", "template"],
        "StatefulSetSpecArgs": ["replicas", "selector", "template", "service_name"],
        "DaemonSetSpecArgs": ["selector", "template"],
    },
    "networking.v1": {
        "NetworkPolicySpecArgs": ["pod_selector", "policy_types", "ingress", "egress"],
        "NetworkPolicyIngressRuleArgs": ["from_", "ports"],
        "NetworkPolicyEgressRuleArgs": ["to", "ports"],
        "NetworkPolicyPeerArgs": ["namespace_selector", "pod_selector", "ip_block"],
        "NetworkPolicyPortArgs": ["protocol", "port", "end_port"],
        "IPBlockArgs": ["cidr", "except_"],
    },
}
# Resource classes: module -> class -> (apiVersion, kind, namespaced).
RESOURCES = {
    "core.v1": {"Namespace": ("v1", "Namespace", False), "Service": ("v1", "Service", True),
                "Pod": ("v1", "Pod", True)},
    "apps.v1": {"Deployment": ("apps/v1", "Deployment", True),
                "StatefulSet": ("apps/v1", "StatefulSet", True),
                "DaemonSet": ("apps/v1", "DaemonSet", True)},
    "networking.v1": {"NetworkPolicy": ("networking.k8s.io/v1", "NetworkPolicy", True)},
}
# Fields whose value is a map with user keys, written as a plain dict.
MAP_FIELDS = {"labels", "annotations", "match_labels", "selector"}
PROVIDER_FIELDS = {"render_yaml_to_directory", "enable_server_side_apply", "kubeconfig",
                   "context", "namespace"}


def camel(keyword):
    """'container_port' -> 'containerPort', 'from_' -> 'from' (as the SDK's tables)."""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), keyword.rstrip("_"))


class Args:
    FIELDS = ()

    def __init__(self, **kw):
        unknown = sorted(set(kw) - set(self.FIELDS))
        if unknown:
            raise TypeError("%s() got unexpected keyword(s) %s" % (type(self).__name__, unknown))
        self.kw = kw


def to_json(value, field=None):
    """A program value as the JSON the provider receives."""
    if isinstance(value, Args):
        return {camel(k): to_json(v, k) for k, v in value.kw.items() if v is not None}
    if isinstance(value, dict):
        if field not in MAP_FIELDS:
            raise NotModelled("plain dict for '%s': use the Args class" % field)
        for k, v in value.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise NotModelled("map '%s' must map strings to strings" % field)
        return dict(value)
    if isinstance(value, (list, tuple)):
        return [to_json(v, field) for v in value]
    if isinstance(value, bool) or isinstance(value, int) or isinstance(value, str):
        return value
    raise NotModelled("value %r of type %s in '%s'" % (value, type(value).__name__, field))


class SDK:
    """One fresh stand-in: the modules and what the program declared."""

    def __init__(self):
        self.resources = []  # (type token, resource name, provider, object)
        self.exports = {}
        self.modules = {}
        self._build()

    def _module(self, name):
        mod = types.ModuleType(name)
        self.modules[name] = mod
        return mod

    def _build(self):
        sdk = self
        pulumi = self._module("pulumi")

        class ResourceOptions:
            def __init__(self, provider=None, **kw):
                if kw:
                    raise NotModelled("resource options %s" % sorted(kw))
                self.provider = provider

        def export(name, value):
            sdk.exports[name] = value

        pulumi.ResourceOptions = ResourceOptions
        pulumi.export = export

        k8s = self._module("pulumi_kubernetes")

        class Provider:
            def __init__(self, resource_name, opts=None, **kw):
                unknown = sorted(set(kw) - PROVIDER_FIELDS)
                if unknown:
                    raise NotModelled("provider option(s) %s" % unknown)
                self.name = resource_name
                self.render_dir = kw.get("render_yaml_to_directory")
                ssa = kw.get("enable_server_side_apply")
                self.server_side_apply = True if ssa is None else bool(ssa)

        k8s.Provider = Provider
        for group_version, classes in ARGS.items():
            group, version = group_version.split(".")
            gmod = getattr(k8s, group, None) or self._module("pulumi_kubernetes." + group)
            setattr(k8s, group, gmod)
            vmod = self._module("pulumi_kubernetes.%s.%s" % (group, version))
            setattr(gmod, version, vmod)
            for cls, fields in classes.items():
                setattr(vmod, cls, type(cls, (Args,), {"FIELDS": tuple(fields)}))
            for cls, (api_version, kind, namespaced) in RESOURCES.get(group_version, {}).items():
                setattr(vmod, cls, self._resource_class(group_version, cls, api_version, kind,
                                                        namespaced))

    def _resource_class(self, group_version, cls, api_version, kind, namespaced):
        sdk = self
        token = "kubernetes:%s:%s" % (group_version.replace(".", "/"), cls)

        def __init__(res, resource_name, opts=None, metadata=None, spec=None):
            provider = getattr(opts, "provider", None)
            if provider is None or not provider.render_dir:
                raise NotModelled("%s '%s' is not given the render provider: a real run would "
                                  "apply it to a cluster" % (kind, resource_name))
            for t, n, _, _ in sdk.resources:
                if (t, n) == (token, resource_name):
                    raise NotModelled("two %s resources named '%s'" % (kind, resource_name))
            obj = {"apiVersion": api_version, "kind": kind}
            if metadata is not None:
                obj["metadata"] = to_json(metadata, "metadata")
            if spec is not None:
                obj["spec"] = to_json(spec, "spec")
            meta = obj.get("metadata", {})
            if not meta.get("name"):
                raise NotModelled("%s '%s' has no metadata.name: the provider would give it a "
                                  "random suffix" % (kind, resource_name))
            if not namespaced and "namespace" in meta:
                raise NotModelled("%s is cluster-scoped: no namespace" % kind)
            sdk.resources.append((token, resource_name, provider, obj))

        return type(cls, (), {"__init__": __init__})

    def run(self, program_source, filename):
        saved = {name: sys.modules.get(name) for name in self.modules}
        sys.modules.update(self.modules)
        try:
            code = compile(program_source, filename, "exec")
            exec(code, {"__name__": "__main__", "__file__": filename})
        finally:
            for name, mod in saved.items():
                if mod is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = mod


# --- what the provider does with each object --------------------------------

def provider_check(obj, provider):
    """The provider's Check as far as rendering sees it."""
    obj = json.loads(json.dumps(obj))  # through JSON, as over gRPC
    meta = obj["metadata"]
    for field in ("creationTimestamp", "deletionGracePeriodSeconds", "deletionTimestamp",
                  "generation", "managedFields", "resourceVersion", "uid"):
        meta.pop(field, None)
    if not provider.server_side_apply:
        meta.setdefault("labels", {}).setdefault("app.kubernetes.io/managed-by", "pulumi")
    return obj


def render_path(obj):
    """renderPathForResource, relative to the render directory."""
    sanitise = obj["apiVersion"].replace("/", "_").replace(":", "_")
    namespace = obj["metadata"].get("namespace") or "default"
    name = "%s-%s-%s-%s.yaml" % (sanitise, obj["kind"].lower(), namespace,
                                 obj["metadata"]["name"])
    sub = "0-crd" if obj["kind"] == "CustomResourceDefinition" else "1-manifest"
    return os.path.join(sub, name)


def render(sdk):
    """{render dir: {relative path: text}} for everything the program declared."""
    out = {}
    for _, _, provider, obj in sdk.resources:
        obj = provider_check(obj, provider)
        files = out.setdefault(provider.render_dir, {})
        path = render_path(obj)
        if path in files:
            raise NotModelled("two objects render to %s: the second would overwrite the first"
                              % path)
        files[path] = go_yaml(obj)
    return out


# --- go-yaml v2 emitter (the part JSONToYAML uses) ---------------------------

YAML11_SPECIAL = {
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
    "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
}
INT_RE = re.compile(r"^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$")
FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
BASE60_RE = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$")


def resolves_to_other_type(s):
    """Would go-yaml read this plain scalar as something else than a string?"""
    if s in YAML11_SPECIAL:
        return True
    if s[0] in "+-.0123456789":
        return bool(INT_RE.match(s) or FLOAT_RE.match(s) or BASE60_RE.match(s)
                    or DATE_RE.match(s))
    return False


def plain_allowed(s):
    """libyaml's analysis: may s be written plain in block context?"""
    if s[0] == " " or s[-1] == " ":
        return False
    if s.startswith(("---", "...")):
        return False
    n = len(s)
    for i, c in enumerate(s):
        followed_by_space = i + 1 >= n or s[i + 1] == " "
        if i == 0:
            if c in "#,[]{}&*!|>'\"%@`":
                return False
            if c in "?:-" and followed_by_space:
                return False
        elif c == ":" and followed_by_space:
            return False
        elif c == "#" and s[i - 1] == " ":
            return False
    return True


def y_str(s):
    if not all(" " <= c <= "~" for c in s):
        raise NotModelled("string %r: non-ASCII or control characters" % s)
    if " " in s and len(s) > 60:
        raise NotModelled("string %r: go-yaml may fold it across lines" % s)
    if not s or resolves_to_other_type(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if plain_allowed(s):
        return s
    return "'" + s.replace("'", "''") + "'"


def y_scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return y_str(v)
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    raise NotModelled("value %r" % (v,))


def go_key_less(a, b):
    """go-yaml v2.4 keyList.Less for two string keys."""
    digits = False
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            digits = a[i].isdigit()
            continue
        al, bl = a[i].isalpha(), b[i].isalpha()
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return al if digits else bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def go_sorted(keys):
    keys = list(keys)
    for k in keys:
        if len(k) > 128:
            raise NotModelled("key longer than 128 characters")
    # Insertion sort with go's comparison (keys are few and distinct).
    out = []
    for k in keys:
        i = len(out)
        while i > 0 and go_key_less(k, out[i - 1]):
            i -= 1
        out.insert(i, k)
    return out


def _collection(v):
    return isinstance(v, (dict, list)) and len(v) > 0


def _block(v, ind):
    lines = []
    pad = " " * ind
    if isinstance(v, dict):
        for k in go_sorted(v):
            val = v[k]
            if _collection(val):
                lines.append(pad + y_str(k) + ":")
                # go-yaml v2 does not indent a sequence under its key.
                lines += _block(val, ind + 2 if isinstance(val, dict) else ind)
            else:
                lines.append(pad + y_str(k) + ": " + y_scalar(val))
    else:
        for item in v:
            if _collection(item):
                sub = _block(item, ind + 2)
                lines.append(pad + "- " + sub[0][ind + 2:])
                lines += sub[1:]
            else:
                lines.append(pad + "- " + y_scalar(item))
    return lines


def go_yaml(obj):
    return "\n".join(_block(obj, 0)) + "\n"


# --- the checks -------------------------------------------------------------

class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL pulumi: " + what)
            if detail:
                print(detail.rstrip("\n"))


def run_program(source):
    sdk = SDK()
    sdk.run(source, PROGRAM)
    dirs = render(sdk)
    return sdk, dirs


def committed_files(root):
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path) as f:
                files[os.path.relpath(path, root)] = f.read()
    return files


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def nv_run(nv, *args, cwd=None):
    return subprocess.run([nv] + list(args), capture_output=True, text=True, cwd=cwd)


def self_tests(c):
    """The stand-in itself: it refuses what it cannot model, and its YAML reads back."""
    def refuses(source, what):
        try:
            run_program(source)
        except (NotModelled, TypeError):
            c.check(True, what)
            return
        c.check(False, what + ": accepted")

    head = ("import pulumi\nimport pulumi_kubernetes as k8s\n"
            "from pulumi_kubernetes.meta.v1 import ObjectMetaArgs\n"
            "p = k8s.Provider('r', render_yaml_to_directory='out')\n"
            "o = pulumi.ResourceOptions(provider=p)\n")
    refuses(head + "k8s.core.v1.Namespace('a', metadata=ObjectMetaArgs(name='a'))\n",
            "stand-in refuses a resource without the render provider")
    refuses(head + "k8s.core.v1.Namespace('a', metadata=ObjectMetaArgs(nam='a'), opts=o)\n",
            "stand-in refuses an unknown keyword")
    refuses(head + "k8s.core.v1.Namespace('a', metadata=ObjectMetaArgs(), opts=o)\n",
            "stand-in refuses an unnamed object")
    refuses(head + "k8s.core.v1.Namespace('a', metadata=ObjectMetaArgs(name='x'), opts=o)\n"
            "k8s.core.v1.Namespace('b', metadata=ObjectMetaArgs(name='x'), opts=o)\n",
            "stand-in refuses two objects in one file")
    sdk, dirs = run_program(head.replace("'out')", "'out', enable_server_side_apply=False)")
                            + "k8s.core.v1.Namespace('a', metadata=ObjectMetaArgs(name='a'), "
                            "opts=o)\n")
    c.check(dirs == {"out": {"1-manifest/v1-namespace-default-a.yaml":
                             "apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n"
                             "    app.kubernetes.io/managed-by: pulumi\n  name: a\n"}},
            "client-side apply adds the managed-by label", repr(dirs))

    order = go_sorted(["b", "a10", "a2", "a-b", "A", "k8s-app", "kubernetes.io/x", "x1y", "x10"])
    c.check(order == ["A", "a-b", "a2", "a10", "b", "k8s-app", "kubernetes.io/x", "x1y", "x10"],
            "go-yaml key order", repr(order))
    tricky = {"a": ["80", "true", "on", "1.5", "2024-06-13", "a: b", "- x", "#x", "", "null",
                    "0x1F", "k8s-app", "x#y", "x #y", "1:20", "-x", "?x", "a:b", "~", "y"],
              "n": 5, "t": True, "e": {}, "l": [], "nested": [{"k": [1, {"z": "w"}]}, [2, 3]]}
    text = go_yaml(tricky)
    try:
        import yaml
    except ImportError:
        print("pulumi: YAML read-back checks skipped (no PyYAML for this python)")
        return None
    c.check(yaml.safe_load(text) == tricky, "tricky values read back", text)
    return yaml


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    nv = os.path.abspath(sys.argv[1])
    write = "--write" in sys.argv[2:]
    c = Checks()
    with open(PROGRAM) as f:
        source = f.read()

    sdk, dirs = run_program(source)
    c.check(list(dirs) == ["rendered"], "one render directory, 'rendered'", repr(list(dirs)))
    rendered = dirs.get("rendered", {})
    committed_root = os.path.join(EXAMPLE, "rendered")
    if write:
        shutil.rmtree(committed_root, ignore_errors=True)
        write_tree(committed_root, rendered)
        print("pulumi: wrote %d files to %s" % (len(rendered), committed_root))
    committed = committed_files(committed_root)

    c.check(sorted(rendered) == sorted(committed), "the program renders the committed files",
            "only rendered: %s\nonly committed: %s" % (
                sorted(set(rendered) - set(committed)), sorted(set(committed) - set(rendered))))
    for rel in sorted(set(rendered) & set(committed)):
        if rendered[rel] != committed[rel]:
            diff = "".join(difflib.unified_diff(
                committed[rel].splitlines(True), rendered[rel].splitlines(True),
                "committed/" + rel, "rendered/" + rel))
            c.check(False, "%s differs from what the program renders" % rel, diff)
        else:
            c.check(True, rel)
    c.check(len(sdk.resources) == 24, "24 resources (5 namespaces, 6 workloads, 2 services, "
            "11 policies), got %d" % len(sdk.resources))
    c.check(sdk.exports.get("rendered") == "rendered/1-manifest", "export of the folder")

    yaml = self_tests(c)
    if yaml is not None:
        for _, _, provider, obj in sdk.resources:
            obj = provider_check(obj, provider)
            rel = render_path(obj)
            c.check(yaml.safe_load(rendered.get(rel, "")) == obj, rel + " reads back")

    # The claims hold on what the program renders (plus what the cluster brings).
    r = nv_run(nv, "check", "rendered", "cluster", "--claims", "netverify.yaml", cwd=EXAMPLE)
    c.check(r.returncode == 0 and r.stdout.endswith("10 claims: 10 hold, 0 refuted, 0 undecided\n"),
            "netverify check rendered cluster: exit %d" % r.returncode, r.stdout + r.stderr)
    mine = nv_run(nv, "list", "rendered", "cluster", cwd=EXAMPLE)
    ref = nv_run(nv, "list", os.path.join(TOP, "models", "ai-inference"))
    c.check(mine.returncode == 0 and mine.stdout == ref.stdout and ref.stdout.count("\n") > 10,
            "the program allows exactly the flows of models/ai-inference",
            "".join(difflib.unified_diff(ref.stdout.splitlines(True), mine.stdout.splitlines(True),
                                         "models/ai-inference", "examples/pulumi"))
            + mine.stderr)

    # A program change shows: drop the DNS rule of the inference policy.
    anchor = '        DNS,\n    ],\n))\n\nnetwork_policy("ai", "batch-scorer"'
    c.check(source.count(anchor) == 1, "mutation anchor found once in the program")
    if source.count(anchor) == 1:
        mutated = source.replace(anchor, anchor.replace("        DNS,\n", "", 1))
        _, mdirs = run_program(mutated)
        mfiles = mdirs["rendered"]
        changed = sorted(rel for rel in mfiles if mfiles[rel] != rendered.get(rel))
        c.check(changed == ["1-manifest/networking.k8s.io_v1-networkpolicy-ai-inference.yaml"],
                "the mutation changes the inference policy's file only", repr(changed))
        with tempfile.TemporaryDirectory() as tmp:
            write_tree(os.path.join(tmp, "rendered"), mfiles)
            r = nv_run(nv, "check", os.path.join(tmp, "rendered"), "cluster",
                       "--claims", "netverify.yaml", cwd=EXAMPLE)
            c.check(r.returncode == 1 and "REFUTED   inference resolves names" in r.stdout,
                    "without the DNS rule the DNS claim is refuted (exit %d)" % r.returncode,
                    r.stdout + r.stderr)
            # diff takes one path a side: each side with what the cluster brings.
            for side, files in (("old", rendered), ("new", mfiles)):
                write_tree(os.path.join(tmp, side), files)
                shutil.copy(os.path.join(EXAMPLE, "cluster", "kube-system.yaml"),
                            os.path.join(tmp, side))
            r = nv_run(nv, "diff", os.path.join(tmp, "old"), os.path.join(tmp, "new"))
            want = ("- ai/inference[Deployment] => kube-system/coredns[Deployment] : "
                    "TCP 53,UDP 53\n")
            c.check(r.returncode == 0 and r.stdout == want,
                    "netverify diff of the two renders: the DNS flow removed",
                    r.stdout + r.stderr)

    print("pulumi: %d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
