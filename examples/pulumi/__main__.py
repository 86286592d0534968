"""The ai-inference platform as a Pulumi program (Python).

Namespaces, workloads, Services and NetworkPolicies of the reference model
(models/ai-inference), minus what every cluster brings itself (kube-system and
CoreDNS, kept in cluster/ for the check). The Kubernetes provider is set to
render YAML into rendered/ instead of applying it: `pulumi up` writes one file
per object under rendered/1-manifest/, which is reviewed and checked with
netverify before anything reaches a cluster.

SPDX-License-Identifier: Apache-2.0
"""
import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes.apps.v1 import DeploymentSpecArgs, StatefulSetSpecArgs
from pulumi_kubernetes.core.v1 import (
    ContainerArgs,
    ContainerPortArgs,
    PodSpecArgs,
    PodTemplateSpecArgs,
    ServicePortArgs,
    ServiceSpecArgs,
)
from pulumi_kubernetes.meta.v1 import (
    LabelSelectorArgs,
    LabelSelectorRequirementArgs,
    ObjectMetaArgs,
)
from pulumi_kubernetes.networking.v1 import (
    NetworkPolicyEgressRuleArgs,
    NetworkPolicyIngressRuleArgs,
    NetworkPolicyPeerArgs,
    NetworkPolicyPortArgs,
    NetworkPolicySpecArgs,
)

# Render, do not apply. Server-side apply is set explicitly: with client-side
# apply the provider would add an 'app.kubernetes.io/managed-by: pulumi' label
# to every object, and the rendered files would depend on the environment
# (PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY).
render = k8s.Provider(
    "render",
    render_yaml_to_directory="rendered",
    enable_server_side_apply=True,
)
OPTS = pulumi.ResourceOptions(provider=render)

APP_NAMESPACES = ["web", "ai", "data", "models", "monitoring"]


# --- small builders -------------------------------------------------------

def selector(**labels):
    return LabelSelectorArgs(match_labels=labels)


def in_namespace(namespace, labels=None):
    """A peer: the pods with these labels (all pods without) in one namespace."""
    return NetworkPolicyPeerArgs(
        namespace_selector=selector(**{"kubernetes.io/metadata.name": namespace}),
        pod_selector=LabelSelectorArgs(match_labels=labels) if labels else None,
    )


def tcp(port):
    return NetworkPolicyPortArgs(protocol="TCP", port=port)


def udp(port):
    return NetworkPolicyPortArgs(protocol="UDP", port=port)


DNS = NetworkPolicyEgressRuleArgs(
    to=[in_namespace("kube-system", {"k8s-app": "kube-dns"})],
    ports=[udp(53), tcp(53)],
)


def container(name, image, ports=None):
    """ports: {port name: container port}, TCP."""
    return ContainerArgs(
        name=name,
        image=image,
        ports=[ContainerPortArgs(name=n, container_port=p) for n, p in ports.items()]
        if ports else None,
    )


def pod_template(labels, *containers):
    return PodTemplateSpecArgs(
        metadata=ObjectMetaArgs(labels=labels),
        spec=PodSpecArgs(containers=list(containers)),
    )


def deployment(namespace, name, select, labels, *containers, replicas=None):
    return k8s.apps.v1.Deployment(
        f"{namespace}-{name}",
        metadata=ObjectMetaArgs(name=name, namespace=namespace),
        spec=DeploymentSpecArgs(
            replicas=replicas,
            selector=selector(**select),
            template=pod_template(labels, *containers),
        ),
        opts=OPTS,
    )


def statefulset(namespace, name, select, labels, *containers):
    return k8s.apps.v1.StatefulSet(
        f"{namespace}-{name}",
        metadata=ObjectMetaArgs(name=name, namespace=namespace),
        spec=StatefulSetSpecArgs(
            service_name=name,
            selector=selector(**select),
            template=pod_template(labels, *containers),
        ),
        opts=OPTS,
    )


def network_policy(namespace, name, spec):
    return k8s.networking.v1.NetworkPolicy(
        f"{namespace}-{name}",
        metadata=ObjectMetaArgs(name=name, namespace=namespace),
        spec=spec,
        opts=OPTS,
    )


# --- namespaces -----------------------------------------------------------

for ns in APP_NAMESPACES:
    k8s.core.v1.Namespace(
        ns,
        metadata=ObjectMetaArgs(name=ns, labels={"tier": ns}),
        opts=OPTS,
    )

# --- workloads ------------------------------------------------------------

deployment("web", "frontend", {"role": "frontend"}, {"role": "frontend", "app": "web-ui"},
           container("ui", "registry.example.com/web-ui:2.4",
                     {"http": 8080, "metrics": 9090}),
           replicas=3)
deployment("ai", "inference", {"app": "ai-inference"}, {"app": "ai-inference", "role": "inference"},
           container("server", "registry.example.com/inference:1.9",
                     {"http": 80, "metrics": 9090}),
           replicas=2)
deployment("ai", "batch-scorer", {"app": "batch-scorer"}, {"app": "batch-scorer", "role": "batch"},
           container("scorer", "registry.example.com/scorer:0.7"))
statefulset("data", "postgres", {"role": "database"}, {"role": "database", "app": "postgres"},
            container("postgres", "postgres:16", {"postgres": 5432}),
            container("exporter", "quay.io/prometheuscommunity/postgres-exporter:v0.15.0",
                      {"metrics": 9187}))
statefulset("models", "model-store", {"app": "model-store"}, {"app": "model-store", "role": "storage"},
            container("minio", "minio/minio:RELEASE.2024-06-13T22-53-53Z", {"s3": 9000}))
deployment("monitoring", "prometheus", {"app": "prometheus"}, {"app": "prometheus"},
           container("prometheus", "prom/prometheus:v2.53.0", {"web": 9090}))

k8s.core.v1.Service(
    "ai-inference",
    metadata=ObjectMetaArgs(name="inference", namespace="ai"),
    spec=ServiceSpecArgs(
        selector={"app": "ai-inference"},
        ports=[ServicePortArgs(name="http", port=80, target_port="http")],
    ),
    opts=OPTS,
)
k8s.core.v1.Service(
    "data-postgres",
    metadata=ObjectMetaArgs(name="postgres", namespace="data"),
    spec=ServiceSpecArgs(
        selector={"role": "database"},
        ports=[ServicePortArgs(name="postgres", port=5432, target_port=5432)],
    ),
    opts=OPTS,
)

# --- network policies -----------------------------------------------------

# Every namespace starts from default deny (kube-system too: cluster/).
for ns in APP_NAMESPACES:
    network_policy(ns, "default-deny", NetworkPolicySpecArgs(
        pod_selector=LabelSelectorArgs(),
        policy_types=["Ingress", "Egress"],
    ))

# The inference service: only the frontend calls it (TCP 80), Prometheus
# scrapes it; it reaches its database, the model store and DNS, nothing else.
# Listing egress destinations isolates the pods for egress, so DNS must be
# listed too (the naive variant of the model forgets it).
network_policy("ai", "inference", NetworkPolicySpecArgs(
    pod_selector=selector(app="ai-inference"),
    policy_types=["Ingress", "Egress"],
    ingress=[
        NetworkPolicyIngressRuleArgs(from_=[in_namespace("web", {"role": "frontend"})],
                                     ports=[tcp(80)]),
        NetworkPolicyIngressRuleArgs(from_=[in_namespace("monitoring", {"app": "prometheus"})],
                                     ports=[tcp("metrics")]),
    ],
    egress=[
        NetworkPolicyEgressRuleArgs(to=[in_namespace("data", {"role": "database"})],
                                    ports=[tcp(5432)]),
        NetworkPolicyEgressRuleArgs(to=[in_namespace("models", {"app": "model-store"})],
                                    ports=[tcp(9000)]),
        DNS,
    ],
))

network_policy("ai", "batch-scorer", NetworkPolicySpecArgs(
    pod_selector=selector(app="batch-scorer"),
    policy_types=["Egress"],
    egress=[
        NetworkPolicyEgressRuleArgs(to=[in_namespace("models", {"app": "model-store"})],
                                    ports=[tcp(9000)]),
        DNS,
    ],
))

network_policy("data", "postgres", NetworkPolicySpecArgs(
    pod_selector=selector(role="database"),
    policy_types=["Ingress"],
    ingress=[
        NetworkPolicyIngressRuleArgs(from_=[in_namespace("ai", {"app": "ai-inference"})],
                                     ports=[tcp(5432)]),
        NetworkPolicyIngressRuleArgs(from_=[in_namespace("monitoring", {"app": "prometheus"})],
                                     ports=[tcp("metrics")]),
    ],
))

network_policy("models", "model-store", NetworkPolicySpecArgs(
    pod_selector=selector(app="model-store"),
    policy_types=["Ingress"],
    ingress=[NetworkPolicyIngressRuleArgs(
        from_=[NetworkPolicyPeerArgs(
            namespace_selector=selector(**{"kubernetes.io/metadata.name": "ai"}),
            pod_selector=LabelSelectorArgs(match_expressions=[LabelSelectorRequirementArgs(
                key="app", operator="In", values=["ai-inference", "batch-scorer"])]),
        )],
        ports=[tcp(9000)],
    )],
))

# The frontend is public on 8080, scraped from the monitoring namespace, and
# calls only inference and DNS.
network_policy("web", "frontend", NetworkPolicySpecArgs(
    pod_selector=selector(role="frontend"),
    policy_types=["Ingress", "Egress"],
    ingress=[
        NetworkPolicyIngressRuleArgs(ports=[tcp(8080)]),
        NetworkPolicyIngressRuleArgs(from_=[in_namespace("monitoring")], ports=[tcp(9090)]),
    ],
    egress=[
        NetworkPolicyEgressRuleArgs(to=[in_namespace("ai", {"app": "ai-inference"})],
                                    ports=[tcp(80)]),
        DNS,
    ],
))

# Prometheus scrapes the port named 'metrics' of any pod that declares one and
# resolves names; nothing in the cluster calls it.
network_policy("monitoring", "prometheus", NetworkPolicySpecArgs(
    pod_selector=selector(app="prometheus"),
    policy_types=["Egress"],
    egress=[
        NetworkPolicyEgressRuleArgs(to=[NetworkPolicyPeerArgs(namespace_selector=LabelSelectorArgs())],
                                    ports=[tcp("metrics")]),
        DNS,
    ],
))

pulumi.export("rendered", "rendered/1-manifest")
