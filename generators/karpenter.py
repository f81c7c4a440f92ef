"""Karpenter in the bundle (node_provisioner karpenter): values for the karpenter chart and the NodePool /
EC2NodeClass manifests, written to `helm/karpenter/` (docs/helm.md § Karpenter).

Chart: oci://public.ecr.aws/karpenter/karpenter, pinned to the plan's version (sizing/assumptions.py
KARPENTER_VERSION; compatible with the bundle's Kubernetes version). The AWS side (controller role via EKS Pod
Identity, node role and access entry, interruption queue) is in the CDK app (cdk/stacks/karpenter.py); the names
here match it: the queue is named after the cluster, the node role is CdkConfig.karpenter_node_role_name.

NodePools (karpenter.sh/v1):
- `on-demand` (when the plan has spot): capacity type on-demand, weight 100 so Karpenter fills it first, limits =
  the plan's on-demand nodes at peak (prod: never below one per AZ), so that much capacity stays on-demand;
- `general`: capacity types spot and on-demand (on-demand only without spot), limits = the nodes at the HPA maxima
  plus KARPENTER_LIMIT_HEADROOM_PCT, less what the on-demand pool holds. Karpenter prefers spot in a pool that
  allows both, so above the on-demand pool it launches spot while spot is available; the estimate prices the
  scenario's spot share (docs/sizing-model.md § Node provisioner).
Both allow the plan's family and its same-class alternatives (sizing/instances.py alternative_families), the
plan's architecture, and consolidate WhenEmptyOrUnderutilized after KARPENTER_CONSOLIDATE_AFTER_S.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generators.cdk_from_estimate import KARPENTER_NAMESPACE as NAMESPACE
from generators.cdk_from_estimate import KARPENTER_SERVICE_ACCOUNT as SERVICE_ACCOUNT
from generators.cdk_from_estimate import PROJECT, resource_prefix
from generators.helm import dump_values
from pricing.engine import Estimate
from pricing.files import write_atomic
from sizing import assumptions as A

CHART = "oci://public.ecr.aws/karpenter/karpenter"
NODE_CLASS = "default"
EXCLUDED_SIZES = ("nano", "micro", "small", "metal")   # too small for a backend pod next to DaemonSets / not needed
NODE_EXPIRY = "720h"                   # UNSOURCED: nodes replaced every 30 days (fresh AMIs); Karpenter's default


def _mi(mi: int) -> str:
    return f"{mi}Mi"


def karpenter_values(est: Estimate) -> dict[str, Any]:
    """values-<env>.yaml for the karpenter chart: cluster, interruption queue, controller resources, replicas."""
    k = est.plan.provisioner
    cluster = resource_prefix(est)
    res = {"cpu": f"{k.controller_cpu_m}m", "memory": _mi(k.controller_memory_mi)}
    return {
        "replicas": k.controller_replicas,
        "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT},
        "settings": {"clusterName": cluster, "interruptionQueue": cluster},
        "controller": {"resources": {"requests": dict(res), "limits": dict(res)}},
        "dnsPolicy": "Default",        # the controller resolves without CoreDNS (which may run on Karpenter's nodes)
        # the system managed node group (cdk_from_estimate.split_node_groups), never a node Karpenter manages
        "nodeSelector": {"kubernetes.io/os": "linux", "node-group": "system"},
    }


def _requirements(est: Estimate, capacity_types: tuple[str, ...]) -> list[dict[str, Any]]:
    k = est.plan.provisioner
    return [
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": list(capacity_types)},
        {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": list(k.instance_families)},
        {"key": "kubernetes.io/arch", "operator": "In", "values": [k.kubernetes_arch]},
        {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
        {"key": "karpenter.k8s.aws/instance-size", "operator": "NotIn", "values": list(EXCLUDED_SIZES)},
    ]


def _node_pool(est: Estimate, name: str, capacity_types: tuple[str, ...], cpu: int, memory_gib: int,
               weight: int | None) -> dict[str, Any]:
    k = est.plan.provisioner
    spec: dict[str, Any] = {
        "template": {
            "metadata": {"labels": {"node-pool": name}},
            "spec": {"nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": NODE_CLASS},
                     "requirements": _requirements(est, capacity_types), "expireAfter": NODE_EXPIRY}},
        "limits": {"cpu": str(cpu), "memory": f"{memory_gib}Gi"},
        "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized",
                       "consolidateAfter": f"{k.consolidate_after_s}s"},
    }
    if weight is not None:
        spec["weight"] = weight
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": name}, "spec": spec}


def node_class(est: Estimate) -> dict[str, Any]:
    """The EC2NodeClass: AL2023, the private subnets and cluster security group, the CDK node role, 50 GiB gp3."""
    cluster = resource_prefix(est)
    return {
        "apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "metadata": {"name": NODE_CLASS},
        "spec": {
            "role": f"{cluster}-karpenter-node",
            "amiSelectorTerms": [{"alias": "al2023@latest"}],
            "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": cluster}}],
            "securityGroupSelectorTerms": [{"tags": {"aws:eks:cluster-name": cluster}}],
            "metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 2},
            "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {
                "volumeSize": f"{A.NODE_DISK_GIB}Gi", "volumeType": "gp3", "encrypted": True,
                "deleteOnTermination": True}}],
            "tags": {"Project": PROJECT, "Environment": est.scenario.environment.value},
        },
    }


def karpenter_manifests(est: Estimate) -> list[dict[str, Any]]:
    """EC2NodeClass, then the NodePools (on-demand first when the plan has spot, then general)."""
    k = est.plan.provisioner
    docs = [node_class(est)]
    if k.on_demand_nodes:
        docs.append(_node_pool(est, "on-demand", ("on-demand",), k.on_demand_limit_cpu, k.on_demand_limit_memory_gib,
                               weight=100))
    docs.append(_node_pool(est, "general", k.capacity_types, k.limit_cpu, k.limit_memory_gib, weight=None))
    return docs


def write_karpenter(est: Estimate, helm_dir: Path) -> list[Path]:
    """helm/karpenter/values-<env>.yaml and nodepools-<env>.yaml (nothing without Karpenter)."""
    if not est.plan.provisioner.karpenter:
        return []
    env = est.scenario.environment.value
    out = helm_dir / "karpenter"
    out.mkdir(parents=True, exist_ok=True)
    head = (f"# Karpenter {est.plan.provisioner.karpenter_version}: helm upgrade --install karpenter {CHART} "
            f"--version {est.plan.provisioner.karpenter_version} --namespace {NAMESPACE} -f values-{env}.yaml\n")
    values = write_atomic(out / f"values-{env}.yaml", head + dump_values(karpenter_values(est)))
    pools = write_atomic(out / f"nodepools-{env}.yaml",
                         "# kubectl apply -f (after the chart): EC2NodeClass and NodePools of this plan\n"
                         + yaml.safe_dump_all(karpenter_manifests(est), sort_keys=False))
    return [values, pools]
