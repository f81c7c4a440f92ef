"""Nodes: how many of one instance type hold the pods, and the managed node groups they split into."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sizing import assumptions as A
from sizing.instances import INSTANCE_SHAPES, InstanceShape
from sizing.load_profile import CurveShape, curve_shape
from sizing.pods import PodPlan, replicas_at
from sizing.rounding import floor_whole
from sizing.scenario import Environment, Scenario


@dataclass(frozen=True, slots=True, kw_only=True)
class NodePlan:
    """The node group sizes on one instance type over the month, with what sets the peak count."""

    instance_type: str
    vcpu: int
    memory_gib: int
    arch: str
    max_pods: int
    allocatable_cpu_m: int
    allocatable_memory_mi: int
    backend_pods_per_node: int
    packing_limit: str      # what stops one more backend pod on a node: cpu | memory | max_pods
    binding_limit: str      # what sets the peak node count: availability_zones | cpu | memory | max_pods | hpa_max
    binding_reason: str     # the same in one sentence
    feasible: bool
    desired: int            # nodes at the scenario's peak (= peak)
    min: int                # node group minimum: the floor, or the quietest hour's need if larger
    max: int                # node group maximum: nodes at the HPA maxima, at least desired + 1
    on_demand: int          # at peak
    spot: int               # at peak
    node_hours: float       # per month: the nodes of every hour of the load curve, scale-down delay included
    node_hours_on_demand: float
    node_hours_spot: float
    node_hours_spot_headroom: float  # extra spot node-hours priced to absorb reclaims (SPOT_INTERRUPTION_HEADROOM_PCT)
    on_demand_floor: int    # on-demand nodes kept whatever the spot share (prod: one per AZ)
    average: float          # node_hours / 730
    utilisation_pct: float  # modelled CPU use of the nodes at peak (load, add-ons, DaemonSets)
    average_utilisation_pct: float  # the same over the month's node-hours
    burst_baseline_pct: float | None
    surplus_vcpu_hours_month: float   # unlimited-mode surplus billed for burstable types (per 24-hour day)

    @property
    def peak(self) -> int:
        return self.desired


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
    cpu | memory | max_pods. Depends only on the type and the pod's requests, so it is worked out once."""
    ucpu, umem, slots = USABLE[instance_type]
    k_cpu = ucpu // b_cpu if ucpu > 0 else 0
    k_mem = umem // b_mem if umem > 0 else 0
    k, binding = (k_cpu, "cpu") if k_cpu <= k_mem else (k_mem, "memory")
    if slots < k:
        k, binding = slots, "max_pods"
    return max(k, 0), binding


Requests = tuple[int, int, int]     # CPU (m), memory (Mi), pods; the whole cluster's app pods and add-ons


@dataclass(frozen=True, slots=True, kw_only=True)
class PodLoad:
    """What the pods ask of the cluster at peak, at the HPA maxima and at every distinct share of the load
    curve, worked out once per scenario and fitted onto every instance type."""

    backend: int                     # backend pods at the scenario's peak
    requests: Requests               # incl. frontend and cluster add-ons
    backend_max: int                 # backend pods at the HPA maxima
    requests_max: Requests
    cpu_request_m: int               # one backend pod's requests
    memory_request_mi: int
    capped: bool                     # a replica cap stops the backend below what the peak load needs
    backend_needed: int
    cpu_used_m: float                # CPU the load uses at peak, before the HPA target (pods.py cpu_m)
    curve: tuple[tuple[int, Requests], ...]   # (backend pods, requests) at each distinct share
    shape: CurveShape


def _requests(backend: int, frontend: int, b_cpu: int, b_mem: int) -> Requests:
    return (backend * b_cpu + frontend * A.FRONTEND_CPU_REQUEST_M + A.CLUSTER_ADDON_CPU_M,
            backend * b_mem + frontend * A.FRONTEND_MEMORY_REQUEST_MI + A.CLUSTER_ADDON_MEMORY_MI,
            backend + frontend + A.CLUSTER_ADDON_PODS)


def pod_load(backend: PodPlan, frontend: PodPlan, shape: CurveShape) -> PodLoad:
    """The cluster-wide requests of the pods at peak, at the HPA maxima and at each share of the curve."""
    b_cpu, b_mem = backend.cpu_request_m, backend.memory_request_mi
    curve = tuple((replicas_at(backend, sh), _requests(replicas_at(backend, sh), replicas_at(frontend, sh), b_cpu, b_mem))
                  for sh in shape.shares)
    return PodLoad(
        backend=backend.replicas, requests=_requests(backend.replicas, frontend.replicas, b_cpu, b_mem),
        backend_max=backend.hpa_max, requests_max=_requests(backend.hpa_max, frontend.hpa_max, b_cpu, b_mem),
        cpu_request_m=b_cpu, memory_request_mi=b_mem, capped=backend.replicas < backend.replicas_needed,
        backend_needed=backend.replicas_needed, cpu_used_m=backend.cpu_used_m, curve=curve, shape=shape)


def _fit(instance_type: str, req: Requests, backend: int, per_node: int) -> tuple[int, int, int, int]:
    """Nodes the CPU, memory and pod IPs of all pods need, and nodes the backend pods need at `per_node`
    each; integer ceiling divisions (whole millicores, MiB and pods), each against what a node leaves for app pods."""
    ucpu, umem, slots = USABLE[instance_type]
    cpu, mem, pods = req
    return -(-cpu // ucpu), -(-mem // umem), -(-pods // slots), -(-backend // per_node)


_WHAT = {"cpu": "CPU requests", "memory": "memory requests", "max_pods": "pod IPs (max pods per node)"}


def _plural(n: int) -> str:
    return f"{n} node{'s' if n != 1 else ''}"


@lru_cache(maxsize=4096)
def _binding(fit: tuple[int, int, int, int], packing: str, floor: int, zones_floor: bool, capped: bool,
             backend: int, backend_needed: int) -> tuple[str, str]:
    """What sets the peak node count, and one sentence saying so."""
    need = max(fit)
    resource = packing
    for n, name in ((fit[0], "cpu"), (fit[1], "memory"), (fit[2], "max_pods")):
        if n > fit[3] and n == need:
            resource = name
            break
    if need < floor:
        per = "one per availability zone" if zones_floor else "the environment's minimum"
        return ("availability_zones" if zones_floor else resource,
                f"{_plural(floor)}: {per}; the pods need {need} ({_WHAT[resource]})")
    if capped:
        return "hpa_max", (f"{_plural(need)}: backend_max_replicas holds the backend at {backend} pods "
                           f"({_WHAT[resource]}); the peak load needs {backend_needed}")
    return resource, f"{_plural(need)}: the pods' {_WHAT[resource]} at peak fill {'it' if need == 1 else 'them'}"


def _month(need: tuple[int, ...], counts: tuple[int, ...],
           drops: tuple[tuple[int, int, int], ...]) -> float:
    """Node-hours: each hour's need, plus the nodes a drop leaves running for the scale-down delay."""
    return sum(c * n for c, n in zip(counts, need)) + A.SCALE_DOWN_DELAY_H * sum(
        k * max(0, need[i] - need[j]) for i, j, k in drops)


@lru_cache(maxsize=4096)
def _over_curve(need: tuple[int, ...], spot_need: tuple[int, ...], shape: CurveShape, cpu_used_m: float, vcpu: int,
                baseline: float | None) -> tuple[float, float, float, float]:
    """(node-hours, spot node-hours, CPU used in vCPU-hours, unlimited-mode surplus vCPU-hours) over the month.
    CPU used in an hour = share x the load's CPU + add-ons + DaemonSets per node, at most the nodes' vCPUs.
    Surplus per 24-hour day = max(0, CPU used - baseline x vCPUs x node-hours) (docs/sizing-model.md § Nodes;
    docs/sizing-facts.md § Burstable t3 credits). Cached: most instance types share a need pattern."""
    hours = _month(need, shape.counts, shape.drops)
    spot_hours = _month(spot_need, shape.counts, shape.drops) if any(spot_need) else 0.0
    used_h = [min(sh * cpu_used_m + A.CLUSTER_ADDON_CPU_M + n * A.DAEMONSET_CPU_M, n * vcpu * 1000) / 1000
              for sh, n in zip(shape.shares, need)]

    def used(counts: tuple[int, ...], node_hours: float) -> float:   # the delay's extra node-hours run DaemonSets
        return sum(c * u for c, u in zip(counts, used_h)) \
            + (node_hours - sum(c * n for c, n in zip(counts, need))) * A.DAEMONSET_CPU_M / 1000

    surplus = 0.0
    if baseline is not None and A.T_UNLIMITED_DEFAULT:
        for mult, counts, drops in shape.days:
            day_hours = _month(need, counts, drops)
            surplus += mult * max(0.0, used(counts, day_hours) - baseline / 100 * vcpu * day_hours)
    return hours, spot_hours, used(shape.counts, hours), surplus


def _spot(n: int, spot_pct: float, od_floor: int) -> int:
    """Spot nodes of `n`: floor(n x share), leaving at least the on-demand floor on on-demand."""
    return min(floor_whole(n * spot_pct / 100), max(0, n - od_floor))


def size_nodes(instance_type: str, load: PodLoad, min_nodes: int, spot_pct: float, zones_floor: bool = False,
               od_floor: int = 0) -> NodePlan:
    """Managed node group sizes on one instance type and its node-hours over the load curve
    (docs/sizing-model.md § Nodes; docs/sizing-facts.md § Node allocatable and max pods, § System add-on overhead,
    § Backend pod packing, § Scale-down delay, § Burstable t3 credits); infeasible when a backend pod cannot fit
    (then only the minimum count is planned)."""
    per_node, packing = _packing(instance_type, load.cpu_request_m, load.memory_request_mi)
    feasible = per_node > 0
    fit = _fit(instance_type, load.requests, load.backend, per_node) if feasible else (0, 0, 0, 0)
    desired = max(max(fit), min_nodes)
    binding, reason = _binding(fit, packing, min_nodes, zones_floor, load.capped, load.backend, load.backend_needed) \
        if feasible else (packing, f"no backend pod fits on {instance_type}; {min_nodes} node(s) planned")
    peak_max = max(_fit(instance_type, load.requests_max, load.backend_max, per_node)) if feasible else 0
    ucpu, umem, slots = USABLE[instance_type]      # _fit inlined: this runs for every share on every type
    need = tuple(max(min_nodes, -(-r[0] // ucpu), -(-r[1] // umem), -(-r[2] // slots), -(-b // per_node))
                 for b, r in load.curve) if feasible else (min_nodes,) * len(load.curve)
    spot_need = tuple(_spot(n, spot_pct, od_floor) for n in need) if spot_pct else ()
    spot = _spot(desired, spot_pct, od_floor)
    vcpu, memory_gib, arch, max_pods, allocatable_cpu_m, allocatable_memory_mi, baseline = _SHAPE_FACTS[instance_type]
    hours, spot_hours, used, surplus = _over_curve(need, spot_need, load.shape, load.cpu_used_m if feasible else 0.0,
                                                   vcpu, baseline if feasible else None)
    peak_used = load.cpu_used_m + A.CLUSTER_ADDON_CPU_M + desired * A.DAEMONSET_CPU_M
    util = min(100.0, peak_used / (desired * vcpu * 1000) * 100) if feasible else 0.0
    return NodePlan(
        instance_type=instance_type, vcpu=vcpu, memory_gib=memory_gib, arch=arch,
        max_pods=max_pods, allocatable_cpu_m=allocatable_cpu_m, allocatable_memory_mi=allocatable_memory_mi,
        backend_pods_per_node=per_node, packing_limit=packing, binding_limit=binding, binding_reason=reason,
        feasible=feasible, desired=desired, min=min(need), max=max(peak_max, desired + 1),
        on_demand=desired - spot, spot=spot, node_hours=hours, node_hours_on_demand=hours - spot_hours,
        node_hours_spot=spot_hours, node_hours_spot_headroom=spot_hours * A.SPOT_INTERRUPTION_HEADROOM_PCT / 100,
        on_demand_floor=min(od_floor, desired), average=hours / float(A.HOURS_PER_MONTH),
        utilisation_pct=round(util, 2), average_utilisation_pct=round(used / (hours * vcpu) * 100, 2) if hours else 0.0,
        burst_baseline_pct=baseline, surplus_vcpu_hours_month=surplus)


def node_candidates(s: Scenario, backend: PodPlan, frontend: PodPlan, zones: int,
                    spot_pct: float) -> dict[str, NodePlan]:
    """The node plan on every known instance type (the tier picks one; the UI compares them)."""
    load = pod_load(backend, frontend, curve_shape(s))
    prod = s.environment is Environment.prod
    min_nodes = zones if prod else 1
    od_floor = zones * A.PROD_ON_DEMAND_FLOOR_PER_AZ if prod else 0
    return dict(_candidates(load, min_nodes, spot_pct, prod, od_floor))


@lru_cache(maxsize=1024)
def _candidates(load: PodLoad, min_nodes: int, spot_pct: float, prod: bool,
                od_floor: int) -> tuple[tuple[str, NodePlan], ...]:
    """Every type's plan for one load: a pure function of its arguments, so scenarios that differ only in what the
    nodes do not see (Region, compliance, LLM, prices) share it; the plans are frozen."""
    return tuple((n, size_nodes(n, load, min_nodes, spot_pct, zones_floor=prod, od_floor=od_floor))
                 for n in INSTANCE_SHAPES)


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
