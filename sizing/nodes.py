"""Nodes: how many of one instance type hold the pods, and the managed node groups they split into."""
from __future__ import annotations

from dataclasses import dataclass

from sizing import assumptions as A
from sizing.instances import INSTANCE_SHAPES, InstanceShape
from sizing.pods import PodPlan
from sizing.rounding import floor_whole
from sizing.scenario import Environment, Scenario


@dataclass(frozen=True, slots=True, kw_only=True)
class NodePlan:
    """The node group sizes on one instance type, with what binds the packing."""

    instance_type: str
    vcpu: int
    memory_gib: int
    arch: str
    max_pods: int
    allocatable_cpu_m: int
    allocatable_memory_mi: int
    backend_pods_per_node: int
    binding: str            # cpu | memory | ips
    feasible: bool
    desired: int
    min: int
    max: int
    on_demand: int
    spot: int
    utilisation_pct: float  # expected average CPU use of a node at the HPA target
    burst_baseline_pct: float | None
    surplus_vcpu_hours_month: float   # unlimited-mode surplus billed for burstable types


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeGroup:
    """One managed node group; the groups add up to the node plan's min/desired/max."""

    name: str
    capacity_type: str      # ON_DEMAND | SPOT
    min: int
    desired: int
    max: int


def _usable(shape: InstanceShape) -> tuple[int, int, int]:
    """CPU (m), memory (Mi) and pod IPs a node leaves for app pods after reservations and DaemonSets."""
    return (shape.allocatable_cpu_m - A.DAEMONSET_CPU_M, shape.allocatable_memory_mi - A.DAEMONSET_MEMORY_MI,
            shape.max_pods - A.HOST_NETWORK_PODS - A.DAEMONSET_POD_IPS)


# Shape arithmetic done once per process (the sweep sizes every shape for every scenario).
USABLE: dict[str, tuple[int, int, int]] = {n: _usable(sh) for n, sh in INSTANCE_SHAPES.items()}
_ALLOCATABLE: dict[str, tuple[int, int]] = {n: (sh.allocatable_cpu_m, sh.allocatable_memory_mi)
                                            for n, sh in INSTANCE_SHAPES.items()}


def _nodes_for(shape: InstanceShape, backend: int, b_cpu: int, b_mem: int, frontend: int) -> tuple[int, int, str]:
    """Nodes to hold the pods (with DaemonSets and add-ons) on one shape; 0 when a pod cannot fit."""
    ucpu, umem, slots = USABLE[shape.name]
    k_cpu = ucpu // b_cpu if ucpu > 0 else 0
    k_mem = umem // b_mem if umem > 0 else 0
    k, binding = (k_cpu, "cpu") if k_cpu <= k_mem else (k_mem, "memory")
    if slots < k:
        k, binding = slots, "ips"
    if k < 1:
        return 0, 0, binding
    cpu = backend * b_cpu + frontend * A.FRONTEND_CPU_REQUEST_M + A.CLUSTER_ADDON_CPU_M
    mem = backend * b_mem + frontend * A.FRONTEND_MEMORY_REQUEST_MI + A.CLUSTER_ADDON_MEMORY_MI
    pods = backend + frontend + A.CLUSTER_ADDON_PODS
    # integer ceiling divisions (all quantities are whole millicores, MiB and pods)
    nodes = max(-(-cpu // ucpu), -(-mem // umem), -(-pods // slots), -(-backend // k))
    return nodes, k, binding


def size_nodes(s: Scenario, shape: InstanceShape, backend: PodPlan, frontend: PodPlan, zones: int,
               spot_pct: float) -> NodePlan:
    """Managed node group sizes for one instance type (facts 1.3-1.5, 2)."""
    desired, per_node, binding = _nodes_for(shape, backend.replicas, backend.cpu_request_m,
                                            backend.memory_request_mi, frontend.replicas)
    peak_max, _, _ = _nodes_for(shape, backend.hpa_max, backend.cpu_request_m, backend.memory_request_mi,
                                frontend.hpa_max)
    feasible = desired > 0
    min_nodes = zones if s.environment is Environment.prod else 1
    desired = max(desired, min_nodes)
    spot = floor_whole(desired * spot_pct / 100)
    used_m = (backend.replicas * backend.cpu_request_m + frontend.replicas * A.FRONTEND_CPU_REQUEST_M) \
        * A.HPA_CPU_TARGET_PCT / 100 + A.CLUSTER_ADDON_CPU_M + desired * A.DAEMONSET_CPU_M
    util = min(100.0, used_m / (desired * shape.vcpu * 1000) * 100) if feasible else 0.0
    surplus = 0.0
    if shape.burst_baseline_pct is not None and A.T_UNLIMITED_DEFAULT and util > shape.burst_baseline_pct:
        # hourly surplus = (avg util - baseline) x vCPUs x rate; facts 2 [S15][S17]
        surplus = (util - shape.burst_baseline_pct) / 100 * shape.vcpu * float(A.HOURS_PER_MONTH) * desired
    alloc_cpu, alloc_mem = _ALLOCATABLE[shape.name]
    return NodePlan(
        instance_type=shape.name, vcpu=shape.vcpu, memory_gib=shape.memory_gib, arch=shape.arch,
        max_pods=shape.max_pods, allocatable_cpu_m=alloc_cpu, allocatable_memory_mi=alloc_mem,
        backend_pods_per_node=per_node, binding=binding, feasible=feasible,
        desired=desired, min=min_nodes, max=max(peak_max, desired), on_demand=desired - spot, spot=spot,
        utilisation_pct=round(util, 2), burst_baseline_pct=shape.burst_baseline_pct,
        surplus_vcpu_hours_month=surplus)


def node_candidates(s: Scenario, backend: PodPlan, frontend: PodPlan, zones: int,
                    spot_pct: float) -> dict[str, NodePlan]:
    """The node plan on every known instance type (the tier picks one; the UI compares them)."""
    return {n: size_nodes(s, sh, backend, frontend, zones, spot_pct) for n, sh in INSTANCE_SHAPES.items()}


def split_node_groups(n: NodePlan, spot_pct: float) -> tuple[NodeGroup, ...]:
    """On-demand and spot groups: desired = the plan's on-demand/spot counts; the minimum stays on-demand
    first (always-on capacity), the burst room above desired splits by the spot share. Empty groups omitted."""
    od_min = min(n.min, n.on_demand)
    extra = n.max - n.desired
    spot_extra = floor_whole(extra * spot_pct / 100)
    groups = (NodeGroup(name="on-demand", capacity_type="ON_DEMAND", min=od_min, desired=n.on_demand,
                        max=n.on_demand + extra - spot_extra),
              NodeGroup(name="spot", capacity_type="SPOT", min=n.min - od_min, desired=n.spot,
                        max=n.spot + spot_extra))
    return tuple(g for g in groups if g.max > 0)
