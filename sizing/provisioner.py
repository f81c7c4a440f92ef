"""Node provisioner: managed node groups (cluster autoscaler) or Karpenter, and what Karpenter adds.

With Karpenter the app's worker nodes are launched by Karpenter from two NodePools (an on-demand pool that holds
the plan's on-demand nodes, preferred by weight, and a spot/on-demand pool above it); a small on-demand managed
node group runs the Karpenter controller (it must not run on nodes it manages). Formulas and choices:
docs/sizing-model.md § Node provisioner; facts: docs/sizing-facts.md § Karpenter controller and NodePool.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sizing import assumptions as A
from sizing.instances import INSTANCE_SHAPES, alternative_families
from sizing.nodes import NodePlan
from sizing.scenario import Environment, NodeProvisioner, Scenario

KUBERNETES_ARCH = {"x86_64": "amd64", "arm64": "arm64"}   # kubernetes.io/arch label values


@dataclass(frozen=True, slots=True, kw_only=True)
class ProvisionerPlan:
    """Who launches the nodes and, with Karpenter, its controller, system node group and NodePool sizing."""

    provisioner: str                    # managed-nodegroup | karpenter
    karpenter_version: str | None
    controller_replicas: int            # 0 without Karpenter
    controller_cpu_m: int
    controller_memory_mi: int
    system_instance_type: str | None    # the on-demand managed node group that runs the controller
    system_nodes: int                   # 0 without Karpenter; one per controller replica (required anti-affinity)
    instance_families: tuple[str, ...]  # NodePool instance-family requirement (the plan's family first)
    kubernetes_arch: str                # amd64 | arm64
    capacity_types: tuple[str, ...]     # of the general NodePool: spot, on-demand
    on_demand_nodes: int                # nodes the on-demand NodePool holds (the plan's on-demand nodes at peak)
    limit_cpu: int                      # general NodePool limits: vCPU and GiB of the nodes at the HPA maxima + headroom,
    limit_memory_gib: int               # less what the on-demand NodePool holds (at least one node)
    on_demand_limit_cpu: int            # on-demand NodePool limits: its nodes' vCPU and GiB
    on_demand_limit_memory_gib: int
    consolidate_after_s: int

    @property
    def karpenter(self) -> bool:
        return self.provisioner == NodeProvisioner.karpenter.value


def plan_provisioner(s: Scenario, nodes: NodePlan, spot_pct: float) -> ProvisionerPlan:
    """The provisioner's plan for the chosen node plan (nothing extra for managed node groups)."""
    karp = s.node_provisioner is NodeProvisioner.karpenter
    replicas = (2 if s.environment is Environment.prod else 1) if karp else 0
    shape = INSTANCE_SHAPES[nodes.instance_type]
    grow = 1 + A.KARPENTER_LIMIT_HEADROOM_PCT / 100
    od = nodes.on_demand if spot_pct > 0 else 0
    cpu, mem = math.ceil(nodes.max * shape.vcpu * grow), math.ceil(nodes.max * shape.memory_gib * grow)
    return ProvisionerPlan(
        provisioner=s.node_provisioner.value, karpenter_version=A.KARPENTER_VERSION if karp else None,
        controller_replicas=replicas, controller_cpu_m=A.KARPENTER_CONTROLLER_CPU_M if karp else 0,
        controller_memory_mi=A.KARPENTER_CONTROLLER_MEMORY_MI if karp else 0,
        system_instance_type=A.KARPENTER_SYSTEM_INSTANCE_TYPE if karp else None, system_nodes=replicas,
        instance_families=alternative_families(nodes.instance_type), kubernetes_arch=KUBERNETES_ARCH[shape.arch],
        capacity_types=("spot", "on-demand") if spot_pct > 0 else ("on-demand",),
        on_demand_nodes=od, limit_cpu=max(shape.vcpu, cpu - od * shape.vcpu),
        limit_memory_gib=max(shape.memory_gib, mem - od * shape.memory_gib),
        on_demand_limit_cpu=od * shape.vcpu, on_demand_limit_memory_gib=od * shape.memory_gib,
        consolidate_after_s=A.KARPENTER_CONSOLIDATE_AFTER_S)
