"""Nodes: how many of one instance type hold the pods, and the managed node groups they split into."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
_SHAPE_FACTS: dict[str, tuple[int, int, str, int, int, int, float | None]] = {
    n: (sh.vcpu, sh.memory_gib, sh.arch, sh.max_pods, sh.allocatable_cpu_m, sh.allocatable_memory_mi,
        sh.burst_baseline_pct) for n, sh in INSTANCE_SHAPES.items()}


@lru_cache(maxsize=1024)
def _packing(instance_type: str, b_cpu: int, b_mem: int) -> tuple[int, str]:
    """Backend pods one node of this type holds next to DaemonSets (0: none fits), and what binds:
    cpu | memory | ips. Depends only on the type and the pod's requests, so it is worked out once."""
    ucpu, umem, slots = USABLE[instance_type]
    k_cpu = ucpu // b_cpu if ucpu > 0 else 0
    k_mem = umem // b_mem if umem > 0 else 0
    k, binding = (k_cpu, "cpu") if k_cpu <= k_mem else (k_mem, "memory")
    if slots < k:
        k, binding = slots, "ips"
    return max(k, 0), binding


@dataclass(frozen=True, slots=True, kw_only=True)
class PodLoad:
    """What the pods ask of the cluster, worked out once per scenario and fitted onto every instance type."""

    backend: int                     # backend pods at the scenario's peak
    requests: tuple[int, int, int]   # CPU (m), memory (Mi) and pods incl. frontend and cluster add-ons
    backend_max: int                 # backend pods at the HPA maxima
    requests_max: tuple[int, int, int]
    cpu_request_m: int               # one backend pod's requests
    memory_request_mi: int
    used_cpu_m: float                # CPU used at the HPA target, add-ons included (DaemonSets are per node)


def _requests(backend: int, frontend: int, b_cpu: int, b_mem: int) -> tuple[int, int, int]:
    return (backend * b_cpu + frontend * A.FRONTEND_CPU_REQUEST_M + A.CLUSTER_ADDON_CPU_M,
            backend * b_mem + frontend * A.FRONTEND_MEMORY_REQUEST_MI + A.CLUSTER_ADDON_MEMORY_MI,
            backend + frontend + A.CLUSTER_ADDON_PODS)


def pod_load(backend: PodPlan, frontend: PodPlan) -> PodLoad:
    """The cluster-wide requests of the pods at peak and at the HPA maxima."""
    b_cpu, b_mem = backend.cpu_request_m, backend.memory_request_mi
    return PodLoad(
        backend=backend.replicas, requests=_requests(backend.replicas, frontend.replicas, b_cpu, b_mem),
        backend_max=backend.hpa_max, requests_max=_requests(backend.hpa_max, frontend.hpa_max, b_cpu, b_mem),
        cpu_request_m=b_cpu, memory_request_mi=b_mem,
        used_cpu_m=(backend.replicas * b_cpu + frontend.replicas * A.FRONTEND_CPU_REQUEST_M)
        * A.HPA_CPU_TARGET_PCT / 100 + A.CLUSTER_ADDON_CPU_M)


def _node_counts(instance_type: str, load: PodLoad, per_node: int) -> tuple[int, int]:
    """Nodes to hold the pods at peak and at the HPA maxima; integer ceiling divisions (whole millicores, MiB
    and pods), each resource against what a node leaves for app pods."""
    ucpu, umem, slots = USABLE[instance_type]
    cpu, mem, pods = load.requests
    cpu_max, mem_max, pods_max = load.requests_max
    return (max(-(-cpu // ucpu), -(-mem // umem), -(-pods // slots), -(-load.backend // per_node)),
            max(-(-cpu_max // ucpu), -(-mem_max // umem), -(-pods_max // slots), -(-load.backend_max // per_node)))


def size_nodes(instance_type: str, load: PodLoad, min_nodes: int, spot_pct: float) -> NodePlan:
    """Managed node group sizes on one instance type (docs/sizing-facts.md § Node allocatable and max pods, § System add-on overhead, § Backend pod packing, § Burstable t3 credits); infeasible when a backend pod cannot
    fit (then only the minimum count is planned)."""
    per_node, binding = _packing(instance_type, load.cpu_request_m, load.memory_request_mi)
    desired, peak_max = _node_counts(instance_type, load, per_node) if per_node else (0, 0)
    feasible = desired > 0
    desired = max(desired, min_nodes)
    spot = floor_whole(desired * spot_pct / 100)
    vcpu, memory_gib, arch, max_pods, allocatable_cpu_m, allocatable_memory_mi, baseline = _SHAPE_FACTS[instance_type]
    used_m = load.used_cpu_m + desired * A.DAEMONSET_CPU_M
    util = min(100.0, used_m / (desired * vcpu * 1000) * 100) if feasible else 0.0
    surplus = 0.0
    if baseline is not None and A.T_UNLIMITED_DEFAULT and util > baseline:
        # hourly surplus = (avg util - baseline) x vCPUs x rate; docs/sizing-facts.md § Burstable t3 credits [S15][S17]
        surplus = (util - baseline) / 100 * vcpu * float(A.HOURS_PER_MONTH) * desired
    return NodePlan(
        instance_type=instance_type, vcpu=vcpu, memory_gib=memory_gib, arch=arch,
        max_pods=max_pods, allocatable_cpu_m=allocatable_cpu_m, allocatable_memory_mi=allocatable_memory_mi,
        backend_pods_per_node=per_node, binding=binding, feasible=feasible,
        desired=desired, min=min_nodes, max=max(peak_max, desired), on_demand=desired - spot, spot=spot,
        utilisation_pct=round(util, 2), burst_baseline_pct=baseline, surplus_vcpu_hours_month=surplus)


def node_candidates(s: Scenario, backend: PodPlan, frontend: PodPlan, zones: int,
                    spot_pct: float) -> dict[str, NodePlan]:
    """The node plan on every known instance type (the tier picks one; the UI compares them)."""
    load = pod_load(backend, frontend)
    min_nodes = zones if s.environment is Environment.prod else 1
    return {n: size_nodes(n, load, min_nodes, spot_pct) for n in INSTANCE_SHAPES}


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
