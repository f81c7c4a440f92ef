"""Capacity plan: pods, HPA, nodes, DynamoDB, network, observability, security, compliance, tier.

Pure functions of a Scenario; no prices, no I/O. Formulas: docs/sizing-model.md.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sizing import assumptions as A
from sizing.instances import INSTANCE_SHAPES, InstanceShape
from sizing.llm import EXTERNAL_MODEL, NO_MODEL
from sizing.profiles import (
    CLOUDWATCH_RETENTION_DAYS,
    COMPLIANCE_REGIMES,
    ENVIRONMENT_PROFILES,
    PLAN_HPA_MAX_REPLICAS,
    TIERS,
    TierSpec,
)
from sizing.scenario import EU_REGIONS, Compliance, Environment, Scenario
from sizing.workload import Workload, derive_workload


@dataclass(frozen=True, slots=True)
class PodPlan:
    replicas: int          # pods needed at the scenario's peak
    hpa_min: int
    hpa_max: int
    cpu_request_m: int
    memory_request_mi: int
    cpu_limit_m: int
    memory_limit_mi: int
    pods_by_cpu: int
    pods_by_concurrency: int
    pods_minimum: int


@dataclass(frozen=True, slots=True)
class NodePlan:
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


@dataclass(frozen=True, slots=True)
class NodeGroup:
    """One managed node group; the groups add up to the node plan's min/desired/max."""

    name: str
    capacity_type: str      # ON_DEMAND | SPOT
    min: int
    desired: int
    max: int


@dataclass(frozen=True, slots=True)
class DynamoPlan:
    write_units_per_message: int
    read_units_per_message: float
    write_request_units_month: float
    read_request_units_month: float
    table_gb: float
    gsi_gb: float
    pitr_enabled: bool
    pitr_gb: float
    backups_enabled: bool
    backup_gb: float
    provisioned_wcu: int          # chats table (its GSI mirrors it)
    provisioned_rcu: int
    provisioned_wcu_total: int    # every table and index: what provisioned mode bills
    provisioned_rcu_total: int


@dataclass(frozen=True, slots=True)
class NetworkPlan:
    availability_zones: int
    nat_gateways: int
    nat_gb_month: float
    public_ipv4_addresses: int
    alb_lcu: float
    alb_lcu_dimensions: dict[str, float]
    alb_gb_month: float
    internet_out_gb_month: float
    inter_az_gb_month: float
    cloudfront_gb_month: float
    cloudfront_requests_month: float
    route53_queries_month: float
    s3_storage_gb: float
    s3_put_requests_month: float
    s3_get_requests_month: float


@dataclass(frozen=True, slots=True)
class ObservabilityPlan:
    logs_ingest_gb_month: float
    log_retention_days: int
    base_log_retention_days: int
    log_storage_gb: float        # at the base (environment) retention
    compliance_log_storage_gb: float   # extra storage kept because compliance demands longer retention
    custom_metrics: int
    alarms: int
    dashboards: int
    xray_traces_month: float


@dataclass(frozen=True, slots=True)
class SecurityPlan:
    waf_enabled: bool
    waf_rules: int
    waf_requests_month: float
    waf_compliance_only: bool   # WAF would be off without the compliance choice
    cmks: tuple[str, ...]
    compliance_cmks: tuple[str, ...]
    secrets: tuple[str, ...]
    secret_api_calls_month: float
    kms_requests_month: float
    compliance_kms_requests_month: float


@dataclass(frozen=True, slots=True)
class CompliancePlan:
    controls: dict[str, tuple[str, ...]]     # control -> regimes that ask for it
    cloudtrail_data_events_month: float
    guardduty_events_month: float
    guardduty_flow_gb_month: float
    config_items_month: float
    config_evaluations_month: float
    security_hub_checks_month: float
    macie_buckets: int


@dataclass(frozen=True, slots=True)
class PlanCheck:
    """The plan's own range beside the computed value."""

    metric: str
    plan_range: str
    computed: str
    agrees: bool
    note: str


@dataclass(frozen=True, slots=True)
class CapacityPlan:
    scenario: Scenario
    workload: Workload
    tier: str
    tier_reasons: tuple[str, ...]
    tier_spec: TierSpec
    backend: PodPlan
    frontend: PodPlan
    nodes: NodePlan
    node_groups: tuple[NodeGroup, ...]
    node_candidates: dict[str, NodePlan]
    dynamodb: DynamoPlan
    network: NetworkPlan
    observability: ObservabilityPlan
    security: SecurityPlan
    compliance: CompliancePlan
    elasticache_node_type: str | None
    elasticache_nodes: int
    ebs_gb: int
    spot_share_pct: float
    warnings: tuple[str, ...]
    plan_checks: tuple[PlanCheck, ...] = field(default=())


def _ceil(x: float) -> int:
    """Ceiling that ignores float noise (1e-9) so 3.0000000001 pods stays 3."""
    return math.ceil(x - 1e-9)


def size_pods(s: Scenario, w: Workload, zones: int) -> tuple[PodPlan, PodPlan]:
    """Backend pods from CPU (HPA 70% target) and from streaming concurrency; frontend from page loads."""
    prof = ENVIRONMENT_PROFILES[s.environment]
    cpu_m = w.api_requests_per_s_peak * A.CPU_MS_PER_API_REQUEST + w.messages_per_s_peak * A.CPU_MS_PER_MESSAGE
    by_cpu = _ceil(cpu_m / (s.backend_cpu_request_m * A.HPA_CPU_TARGET_PCT / 100))
    by_streams = _ceil(w.in_flight_streams_peak / s.streams_per_backend_pod)
    minimum = prof.min_backend_replicas
    if s.environment is Environment.prod:
        minimum = max(minimum, zones)          # one pod per AZ at least; facts 10 [S85]
    replicas = max(minimum, by_cpu, by_streams)
    backend = PodPlan(replicas, minimum, max(minimum, _ceil(replicas * A.HPA_MAX_HEADROOM)),
                      s.backend_cpu_request_m, s.backend_memory_request_mi,
                      s.backend_cpu_request_m * A.BACKEND_CPU_LIMIT_FACTOR,
                      s.backend_memory_request_mi * A.BACKEND_CPU_LIMIT_FACTOR, by_cpu, by_streams, minimum)
    f_min = prof.min_frontend_replicas
    f_by_rps = _ceil(w.page_loads_per_s_peak / A.FRONTEND_RPS_PER_POD)
    f_rep = max(f_min, f_by_rps)
    frontend = PodPlan(f_rep, f_min, max(f_min, _ceil(f_rep * A.HPA_MAX_HEADROOM)),
                       A.FRONTEND_CPU_REQUEST_M, A.FRONTEND_MEMORY_REQUEST_MI,
                       A.FRONTEND_CPU_REQUEST_M * 2, A.FRONTEND_MEMORY_REQUEST_MI * 2, f_by_rps, 0, f_min)
    return backend, frontend


def _usable(shape: InstanceShape) -> tuple[int, int, int]:
    """CPU (m), memory (Mi) and pod IPs a node leaves for app pods after reservations and DaemonSets."""
    return (shape.allocatable_cpu_m - A.DAEMONSET_CPU_M, shape.allocatable_memory_mi - A.DAEMONSET_MEMORY_MI,
            shape.max_pods - A.HOST_NETWORK_PODS - A.DAEMONSET_POD_IPS)


# Shape arithmetic done once per process (the sweep sizes every shape for every scenario).
_USABLE: dict[str, tuple[int, int, int]] = {n: _usable(sh) for n, sh in INSTANCE_SHAPES.items()}
_ALLOCATABLE: dict[str, tuple[int, int]] = {n: (sh.allocatable_cpu_m, sh.allocatable_memory_mi)
                                            for n, sh in INSTANCE_SHAPES.items()}


def _nodes_for(shape: InstanceShape, backend: int, b_cpu: int, b_mem: int, frontend: int) -> tuple[int, int, str]:
    """Nodes to hold the pods (with DaemonSets and add-ons) on one shape; 0 when a pod cannot fit."""
    ucpu, umem, slots = _USABLE[shape.name]
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
    max_nodes = max(peak_max, desired)
    spot = math.floor(desired * spot_pct / 100 + 1e-9)
    on_demand = desired - spot
    used_m = (backend.replicas * backend.cpu_request_m + frontend.replicas * A.FRONTEND_CPU_REQUEST_M) \
        * A.HPA_CPU_TARGET_PCT / 100 + A.CLUSTER_ADDON_CPU_M + desired * A.DAEMONSET_CPU_M
    util = min(100.0, used_m / (desired * shape.vcpu * 1000) * 100) if feasible else 0.0
    surplus = 0.0
    if shape.burst_baseline_pct is not None and A.T_UNLIMITED_DEFAULT and util > shape.burst_baseline_pct:
        # hourly surplus = (avg util - baseline) x vCPUs x rate; facts 2 [S15][S17]
        surplus = (util - shape.burst_baseline_pct) / 100 * shape.vcpu * A.HOURS_PER_MONTH * desired
    alloc_cpu, alloc_mem = _ALLOCATABLE[shape.name]
    return NodePlan(shape.name, shape.vcpu, shape.memory_gib, shape.arch, shape.max_pods,
                    alloc_cpu, alloc_mem, per_node, binding, feasible,
                    desired, min_nodes, max_nodes, on_demand, spot, round(util, 2), shape.burst_baseline_pct,
                    surplus)


def split_node_groups(n: NodePlan, spot_pct: float) -> tuple[NodeGroup, ...]:
    """On-demand and spot groups: desired = the plan's on-demand/spot counts; the minimum stays on-demand
    first (always-on capacity), the burst room above desired splits by the spot share. Empty groups omitted."""
    od_min = min(n.min, n.on_demand)
    spot_min = n.min - od_min
    extra = n.max - n.desired
    spot_extra = math.floor(extra * spot_pct / 100 + 1e-9)
    groups = (NodeGroup("on-demand", "ON_DEMAND", od_min, n.on_demand, n.on_demand + extra - spot_extra),
              NodeGroup("spot", "SPOT", spot_min, n.spot, n.spot + spot_extra))
    return tuple(g for g in groups if g.max > 0)


def size_dynamodb(s: Scenario, w: Workload, pitr: bool, backups: bool, zones: int) -> DynamoPlan:
    """Request units from item sizes and GSI amplification; storage from retention (facts 4)."""
    item_wru = _ceil(A.CHAT_ITEM_KB / A.WRITE_UNIT_KB)
    gsi_wru = A.CHATS_GSI_WRITES_PER_UPDATE * (item_wru if A.CHATS_GSI_PROJECTION_ALL else 1)
    wru_msg = item_wru + gsi_wru                          # facts 4.3: table write + delete/put on the GSI
    rru_msg = _ceil(A.CHAT_ITEM_KB / A.READ_UNIT_KB)      # one strongly consistent read of the chat item
    rru_api = _ceil(A.API_READ_KB / A.READ_UNIT_KB) * 0.5  # eventually consistent: half a unit
    retention_months = s.chat_history_retention_days / A.DAYS_PER_MONTH
    chats_kept = w.messages_per_month / A.MESSAGES_PER_CHAT * retention_months
    table_gb = chats_kept * A.CHAT_ITEM_KB * A.KB / A.BYTES_PER_GB
    gsi_gb = table_gb if A.CHATS_GSI_PROJECTION_ALL else 0.0
    # Provisioned: the chats table and its GSI each get the larger of their peak write rates (the GSI takes
    # 2 x the item per update), at the 70% target; the users table and its email GSI get the minimum.
    peak_wps = w.messages_per_s_peak * max(item_wru, gsi_wru)
    peak_rps = w.messages_per_s_peak * rru_msg + w.api_requests_per_s_peak * rru_api
    wcu = max(A.PROVISIONED_MIN_CAPACITY, _ceil(peak_wps / A.PROVISIONED_TARGET_UTILISATION))
    rcu = max(A.PROVISIONED_MIN_CAPACITY, _ceil(peak_rps / A.PROVISIONED_TARGET_UTILISATION))
    copies = 2 if A.PROVISIONED_INDEX_MIRRORS_TABLE else 1      # table + its one GSI
    users = 2 * A.PROVISIONED_MIN_CAPACITY                       # users table + email-index
    return DynamoPlan(
        wru_msg, rru_msg, w.messages_per_month * wru_msg,
        w.messages_per_month * rru_msg + w.api_requests_per_month * rru_api,
        table_gb, gsi_gb, pitr, table_gb if pitr else 0.0,   # PITR bills table + LSI size; facts 4.2 [S31]
        backups, table_gb * A.BACKUP_RETENTION_DAYS if backups else 0.0,
        wcu, rcu, wcu * copies + users, rcu * copies + users)


def size_network(s: Scenario, w: Workload, zones: int, nats: int, nodes: int, log_gb: float,
                 retention_days: int) -> NetworkPlan:
    """ALB LCUs (four dimensions), NAT bytes, CloudFront, DNS, S3 (facts 3, 5, 6)."""
    load = w.load_factor
    new_conn_s = (s.concurrent_users / A.ALB_IDLE_TIMEOUT_S + w.messages_per_s_peak) * load
    active = (s.concurrent_users + w.in_flight_streams_peak) * load
    resp_bytes_s = (w.api_requests_per_s_peak * A.API_RESPONSE_KB * A.KB
                    + w.messages_per_s_peak * s.output_tokens_per_message * A.SSE_BYTES_PER_TOKEN)
    req_bytes_s = w.messages_per_s_peak * A.USER_MESSAGE_BYTES
    gb_h = (resp_bytes_s + req_bytes_s) * load * A.SECONDS_PER_HOUR / A.BYTES_PER_GB
    rule_evals = w.requests_per_s_peak * load * max(0, A.ALB_RULES - A.ALB_FREE_RULES)
    dims = {"new_connections": new_conn_s / A.NEW_CONN_PER_LCU,
            "active_connections": active / A.ACTIVE_CONN_PER_LCU,
            "processed_gb": gb_h / A.GB_PER_HOUR_PER_LCU,
            "rule_evaluations": rule_evals / A.RULE_EVALS_PER_LCU}
    llm_gb = 0.0
    if s.llm_model != NO_MODEL:   # model calls leave through NAT unless an interface endpoint is bought; facts 8
        llm_gb = (w.input_tokens_per_month + w.output_tokens_per_month) * A.LLM_WIRE_BYTES_PER_TOKEN / A.BYTES_PER_GB
    nat_gb = llm_gb + log_gb + nodes * A.IMAGE_PULL_GB_PER_NODE_MONTH
    internet_out = resp_bytes_s * load * A.HOURS_PER_MONTH * A.SECONDS_PER_HOUR / A.BYTES_PER_GB
    if s.llm_model == EXTERNAL_MODEL:
        internet_out += w.input_tokens_per_month * A.LLM_WIRE_BYTES_PER_TOKEN / A.BYTES_PER_GB
    # AZs without their own NAT send their egress across AZs to it, both directions billed; facts 10
    inter_az = nat_gb * (zones - nats) / zones * 2 if nats < zones else 0.0
    first = A.SPA_FIRST_LOAD_SHARE
    cf_gb = w.page_loads_per_month * (first * A.SPA_FIRST_LOAD_KB + (1 - first) * A.SPA_REPEAT_LOAD_KB) \
        * A.KB / A.BYTES_PER_GB
    cf_req = w.page_loads_per_month * (first * A.SPA_REQUESTS_FIRST + (1 - first) * A.SPA_REQUESTS_REPEAT)
    alb_log_gb_month = w.requests_per_month * A.ALB_ACCESS_LOG_BYTES_PER_REQUEST / A.BYTES_PER_GB
    s3_gb = A.STATIC_ASSETS_GB + alb_log_gb_month * retention_days / A.DAYS_PER_MONTH
    s3_puts = zones * A.ALB_LOG_OBJECTS_PER_AZ_HOUR * A.HOURS_PER_MONTH
    return NetworkPlan(zones, nats, nat_gb, nats + zones, max(dims.values()), dims,
                       gb_h * A.HOURS_PER_MONTH, internet_out, inter_az, cf_gb, cf_req,
                       w.page_loads_per_month * A.DNS_QUERIES_PER_PAGE_LOAD, s3_gb, s3_puts,
                       cf_req * A.CLOUDFRONT_ORIGIN_MISS_SHARE)


def _retention(days: int) -> int:
    """Smallest CloudWatch-allowed retention that is >= days."""
    return next(d for d in CLOUDWATCH_RETENTION_DAYS if d >= days)


def _tier_for_users(users: int) -> TierSpec:
    return next(t for t in TIERS if t.max_users is None or users < t.max_users)


def size(s: Scenario) -> CapacityPlan:
    """The whole capacity plan for a scenario."""
    prof = ENVIRONMENT_PROFILES[s.environment]
    w = derive_workload(s)
    zones = s.availability_zones or prof.availability_zones
    nats = zones if prof.nat_per_az else 1
    spot_pct = prof.spot_share_pct if s.spot_share_pct is None else s.spot_share_pct
    backend, frontend = size_pods(s, w, zones)
    candidates = {n: size_nodes(s, sh, backend, frontend, zones, spot_pct) for n, sh in INSTANCE_SHAPES.items()}

    tier = _tier_for_users(s.concurrent_users)
    reasons = [f"{s.concurrent_users:,} concurrent users is in the {tier.name} band "
               f"({tier.min_users:,}-{'' if tier.max_users is None else f'{tier.max_users - 1:,}'} users)"]
    idx = TIERS.index(tier)
    while idx < len(TIERS) - 1:
        t = TIERS[idx]
        nodes_on_plan_type = candidates[t.instance_type].desired
        over = []
        if backend.replicas > t.pods[1]:
            over.append(f"{backend.replicas} backend pods needed at peak exceed the {t.name} plan's {t.pods[1]}")
        if nodes_on_plan_type > t.nodes[1]:
            over.append(f"{nodes_on_plan_type} x {t.instance_type} nodes needed exceed the {t.name} plan's "
                        f"{t.nodes[1]}")
        if not over:
            break
        idx += 1
        reasons.append("; ".join(over) + f": escalated to {TIERS[idx].name}")
    tier = TIERS[idx]
    chosen = s.node_instance_type or tier.instance_type
    if s.node_instance_type:
        reasons.append(f"node type {chosen} chosen by the scenario (the {tier.name} plan uses {tier.instance_type})")
    elif not candidates[chosen].feasible:
        # the plan's type cannot hold one backend pod: take the smallest type that can, same family first
        family = INSTANCE_SHAPES[chosen].family
        fits = sorted((n for n, c in candidates.items() if c.feasible),
                      key=lambda n: (INSTANCE_SHAPES[n].family != family, INSTANCE_SHAPES[n].vcpu,
                                     INSTANCE_SHAPES[n].memory_gib, n))
        if fits:
            reasons.append(f"a backend pod ({backend.cpu_request_m}m/{backend.memory_request_mi}Mi) does not fit on "
                           f"the {tier.name} plan's {chosen}: using {fits[0]}, the smallest type it fits on")
            chosen = fits[0]
    nodes = candidates[chosen]

    warnings: list[str] = []
    if not nodes.feasible:
        warnings.append(f"a backend pod ({backend.cpu_request_m}m/{backend.memory_request_mi}Mi) does not fit on "
                        f"{chosen} after system reservations; choose a larger node type")

    regimes = [COMPLIANCE_REGIMES[c] for c in sorted(s.compliance, key=lambda c: c.value)]
    controls: dict[str, tuple[str, ...]] = {}
    for r in regimes:
        for c in r.controls:
            controls[c] = controls.get(c, ()) + (r.label,)
    base_retention = prof.log_retention_days
    retention = _retention(max([base_retention] + [r.log_retention_days for r in regimes]))
    if "log_retention" not in controls and retention != base_retention:
        retention = base_retention

    waf_forced = any(r.requires_waf for r in regimes)
    waf_wanted = prof.waf_default if s.waf_enabled is None else s.waf_enabled
    waf = waf_forced or waf_wanted
    if waf_forced and s.waf_enabled is False:
        warnings.append("PCI DSS 6.4.2 requires an automated web-attack solution: WAF is on despite waf_enabled=false")
    if Compliance.gdpr in s.compliance and s.region not in EU_REGIONS:
        warnings.append(f"GDPR with region {s.region}: personal data leaves the EU; you need an adequacy decision "
                        f"(Art. 45) or SCCs (Art. 46), or choose eu-west-1 / eu-central-1")
    if Compliance.hipaa in s.compliance and s.llm_model == EXTERNAL_MODEL:
        warnings.append("HIPAA with an external LLM: PHI may only go to a provider that signs a BAA")
    if Compliance.gdpr in s.compliance and prof.pitr:
        warnings.append(f"GDPR erasure: PITR keeps deleted chats up to {A.PITR_WINDOW_DAYS} days and backups "
                        f"{A.BACKUP_RETENTION_DAYS} days; document this in the erasure process")

    dynamo = size_dynamodb(s, w, prof.pitr, prof.pitr, zones)
    log_gb = (w.api_requests_per_month * A.LOG_BYTES_PER_REQUEST + w.messages_per_month * A.LOG_BYTES_PER_MESSAGE) \
        / A.BYTES_PER_GB + nodes.desired * A.NODE_LOG_GB_MONTH
    network = size_network(s, w, zones, nats, nodes.desired, log_gb, base_retention)
    monthly_stored = log_gb * A.LOG_ARCHIVE_COMPRESSION
    obs = ObservabilityPlan(
        log_gb, retention, base_retention,
        monthly_stored * base_retention / A.DAYS_PER_MONTH,
        monthly_stored * (retention - base_retention) / A.DAYS_PER_MONTH,
        A.APP_CUSTOM_METRICS + nodes.desired * A.CONTAINER_INSIGHTS_METRICS_PER_NODE
        + (backend.replicas + frontend.replicas) * A.CONTAINER_INSIGHTS_METRICS_PER_POD,
        A.ALARMS, A.DASHBOARDS,
        min(w.requests_per_month, w.requests_per_month * A.XRAY_SAMPLING_RATE
            + A.XRAY_RESERVOIR_PER_S * A.HOURS_PER_MONTH * A.SECONDS_PER_HOUR))

    secrets = ("jwt-signing-key", "app-config", "admin-bootstrap") + (
        ("llm-api-key",) if s.llm_model == EXTERNAL_MODEL else ())
    secret_calls = (backend.replicas + frontend.replicas) * A.SECRET_FETCHES_PER_POD_HOUR * A.HOURS_PER_MONTH
    hipaa_cmks = A.HIPAA_CMKS if "cmk" in controls else ()
    cmk_requests = (backend.replicas * A.KMS_DATA_KEY_REFRESH_PER_HOUR * A.HOURS_PER_MONTH * 2
                    + network.s3_put_requests_month) if hipaa_cmks else 0.0
    security = SecurityPlan(waf, A.WAF_RULES if waf else 0, w.requests_per_month if waf else 0.0,
                            waf_forced and not waf_wanted, A.BASE_CMKS, hipaa_cmks, secrets, secret_calls, secret_calls,
                            cmk_requests)

    resources = A.CONFIG_BASE_RESOURCES + nodes.desired * 5
    ddb_calls = w.messages_per_month * 2 + w.api_requests_per_month
    compliance = CompliancePlan(
        controls,
        (ddb_calls + network.s3_put_requests_month + network.s3_get_requests_month)
        if "cloudtrail_data_events" in controls else 0.0,
        (A.CLOUDTRAIL_MGMT_EVENTS_BASE_MONTH + nodes.desired * A.CLOUDTRAIL_MGMT_EVENTS_PER_NODE_MONTH)
        if "guardduty" in controls else 0.0,
        nodes.desired * A.FLOW_LOG_GB_PER_NODE_MONTH if "guardduty" in controls else 0.0,
        resources * A.CONFIG_ITEMS_PER_RESOURCE_MONTH if "config" in controls else 0.0,
        resources * A.CONFIG_ITEMS_PER_RESOURCE_MONTH * A.CONFIG_RULES if "config" in controls else 0.0,
        resources * A.SECURITY_HUB_CHECKS_PER_RESOURCE_MONTH if "security_hub" in controls else 0.0,
        A.S3_BUCKETS if "macie" in controls else 0)

    cache_type = None
    cache_nodes = 0
    if s.elasticache_enabled:
        cache_type = A.ELASTICACHE_SMALL_NODE if idx < 2 else A.ELASTICACHE_LARGE_NODE
        cache_nodes = 2 if s.environment is Environment.prod else 1

    checks = _plan_checks(tier, backend, nodes)
    return CapacityPlan(s, w, tier.name, tuple(reasons), tier, backend, frontend, nodes,
                        split_node_groups(nodes, spot_pct), candidates, dynamo,
                        network, obs, security, compliance, cache_type, cache_nodes,
                        nodes.desired * A.NODE_DISK_GIB, spot_pct, tuple(warnings), checks)


def _plan_checks(tier: TierSpec, backend: PodPlan, nodes: NodePlan) -> tuple[PlanCheck, ...]:
    """Computed pods/nodes/HPA beside the plan's ranges, with the reason when they disagree."""
    lo, hi = tier.pods
    checks = [PlanCheck("backend pods", f"{lo}-{hi}", str(backend.replicas), lo <= backend.replicas <= hi,
                        "" if lo <= backend.replicas <= hi else
                        ("fewer pods than the plan: at 250m requests and the HPA's 70% target the load needs only "
                         f"{backend.replicas}" if backend.replicas < lo else
                         "more pods than the plan: the load needs them at the HPA's 70% CPU target"))]
    nlo, nhi = tier.nodes
    ok = nlo <= nodes.desired <= nhi
    checks.append(PlanCheck(f"nodes ({nodes.instance_type})", f"{nlo}-{nhi} x {tier.instance_type}",
                            str(nodes.desired), ok, "" if ok else
                            ("the pods pack onto fewer nodes than the plan (CPU requests bind; sizing-facts 1.5)"
                             if nodes.desired < nlo else "more nodes than the plan's range")))
    hpa_ok = PLAN_HPA_MAX_REPLICAS >= hi
    checks.append(PlanCheck("HPA maxReplicas", f"plan manifest: {PLAN_HPA_MAX_REPLICAS}", str(backend.hpa_max),
                            hpa_ok and backend.hpa_max <= PLAN_HPA_MAX_REPLICAS,
                            "" if hpa_ok and backend.hpa_max <= PLAN_HPA_MAX_REPLICAS else
                            f"the plan's HPA max of {PLAN_HPA_MAX_REPLICAS} contradicts its {tier.name} range of "
                            f"{lo}-{hi} pods; the generated HPA uses {backend.hpa_max}"))
    return tuple(checks)
