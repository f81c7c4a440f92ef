"""Capacity plan: the whole sizing of a scenario as one pipeline of small steps.

workload -> pods -> nodes (and tier) -> data -> network -> observability -> security -> compliance -> checks.
Each step lives in its own module of sizing/ with its plan type; this module assembles them. Pure functions
of a Scenario; no prices, no I/O. Formulas: docs/sizing-model.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from sizing import assumptions as A
from sizing.bedrock_quota import ModelPeak, model_peaks, quota_warnings
from sizing.checks import PlanCheck, plan_checks
from sizing.compliance import CompliancePlan, compliance_warnings, controls_for, regimes_for, size_compliance
from sizing.conversation import Conversation, conversation, llm_warnings
from sizing.dr import DrPlan, dr_warnings, size_dr
from sizing.dynamodb import DynamoPlan, size_dynamodb
from sizing.eks_versions import KubernetesPlan, kubernetes_warnings, plan_kubernetes
from sizing.load_profile import load_profile_warnings
from sizing.network import NetworkPlan, size_network
from sizing.nodes import NodeGroup, NodePlan, node_candidates, split_node_groups
from sizing.observability import ObservabilityPlan, log_ingest_gb_month, log_retention_days, size_observability
from sizing.pods import PodPlan, replica_cap_warnings, size_pods
from sizing.profiles import ENVIRONMENT_PROFILES, TierSpec
from sizing.provisioner import ProvisionerPlan, plan_provisioner
from sizing.scenario import Scenario
from sizing.security import SecurityPlan, security_warnings, size_security
from sizing.tiers import cache_nodes, choose_node_type, choose_tier, node_fit_warnings
from sizing.workload import Workload, derive_workload

# The plan types are defined beside the step that builds them and importable from here with the plan.
__all__ = ["CapacityPlan", "CompliancePlan", "DrPlan", "DynamoPlan", "KubernetesPlan", "NetworkPlan", "NodeGroup",
           "NodePlan", "ObservabilityPlan", "PlanCheck", "PodPlan", "ProvisionerPlan", "SecurityPlan", "size"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CapacityPlan:
    """Everything sizing decides for one scenario; pricing, generators and the app read its fields."""

    scenario: Scenario
    workload: Workload
    conversation: Conversation          # the turns behind the token volumes (and the prompt cache)
    tier: str
    tier_reasons: tuple[str, ...]
    tier_spec: TierSpec
    kubernetes: KubernetesPlan          # the EKS version deployed and its support status (priced by pricing/services/eks)
    backend: PodPlan
    frontend: PodPlan
    nodes: NodePlan
    node_groups: tuple[NodeGroup, ...]
    node_candidates: dict[str, NodePlan]
    provisioner: ProvisionerPlan        # managed node groups, or Karpenter with its controller's system node group
    dynamodb: DynamoPlan
    network: NetworkPlan
    observability: ObservabilityPlan
    security: SecurityPlan
    compliance: CompliancePlan
    elasticache_node_type: str | None
    elasticache_nodes: int
    ebs_gb: float                       # node root volumes, GB-month: (average nodes + system nodes) x the disk
    spot_share_pct: float
    warnings: tuple[str, ...]
    plan_checks: tuple[PlanCheck, ...] = ()
    llm_peaks: tuple[ModelPeak, ...] = ()     # peak requests and tokens per minute per Bedrock model
    dr: DrPlan | None = None            # the DR Region's part (sizing/dr.py); size() always sets it


def size(s: Scenario) -> CapacityPlan:
    """The whole capacity plan for a scenario."""
    # the environment's defaults and the compliance controls the scenario's regimes ask for
    prof = ENVIRONMENT_PROFILES[s.environment]
    zones = s.availability_zones or prof.availability_zones
    spot_pct = prof.spot_share_pct if s.spot_share_pct is None else s.spot_share_pct
    regimes = regimes_for(s)
    controls = controls_for(regimes)

    conv = conversation(s)                   # once: the workload's tokens and the plan's prompt-cache turns
    w = derive_workload(s, conv)
    backend, frontend = size_pods(s, w, zones)
    candidates = node_candidates(s, backend, frontend, zones, spot_pct)
    tier, tier_reasons = choose_tier(s, backend, candidates)
    node_type, type_reasons = choose_node_type(s, tier, backend, candidates)
    nodes = candidates[node_type]
    dynamodb = size_dynamodb(s, w)
    # per-node quantities billed by the hour (node logs, Container Insights metrics, EBS GB-month) follow the
    # average node count; image pulls (one per node launch), Config items and GuardDuty events stay at peak
    log_gb = log_ingest_gb_month(w, nodes.average)
    network = size_network(s, w, zones=zones, nats=zones if prof.nat_per_az else 1, nodes=nodes.desired,
                           log_gb=log_gb, retention_days=prof.log_retention_days)
    observability = size_observability(
        w, log_gb=log_gb, retention_days=log_retention_days(prof.log_retention_days, regimes, controls),
        base_retention_days=prof.log_retention_days, nodes=nodes.average, backend=backend, frontend=frontend)
    security = size_security(s, w, regimes=regimes, controls=controls, backend=backend, frontend=frontend,
                             s3_put_requests_month=network.s3_put_requests_month)
    compliance = size_compliance(w, controls=controls, nodes=nodes.desired, network=network,
                                 retention_days=observability.log_retention_days)
    cache_type, cache_count = cache_nodes(s, tier)
    kube = plan_kubernetes(s.kubernetes_version)
    peaks = model_peaks(s, w.messages_per_s_peak, conv)
    provisioner = plan_provisioner(s, nodes, spot_pct)

    return CapacityPlan(
        scenario=s, workload=w, conversation=conv, tier=tier.name,
        tier_reasons=tuple(tier_reasons + type_reasons), tier_spec=tier, kubernetes=kube,
        backend=backend, frontend=frontend, nodes=nodes, node_groups=split_node_groups(nodes, spot_pct),
        node_candidates=candidates, provisioner=provisioner, dynamodb=dynamodb, network=network,
        observability=observability,
        security=security, compliance=compliance, elasticache_node_type=cache_type, elasticache_nodes=cache_count,
        ebs_gb=(nodes.average + provisioner.system_nodes) * A.NODE_DISK_GIB, spot_share_pct=spot_pct,
        warnings=load_profile_warnings(s) + node_fit_warnings(backend, nodes) + replica_cap_warnings(backend)
        + security_warnings(s, regimes)
        + compliance_warnings(s) + llm_warnings(s) + kubernetes_warnings(kube)
        + quota_warnings(peaks) + dr_warnings(s, tier),
        llm_peaks=peaks, dr=size_dr(s, w, dynamodb, nodes),
        plan_checks=plan_checks(tier, backend, nodes))
