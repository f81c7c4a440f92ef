"""Map an Estimate onto the CDK app's config model: every sized value, nothing re-computed.

Deliberate adjustments, all visible here (and in docs/report.md):
- EKS and the ALB need subnets in at least two zones; the sizing gives every environment >= 2 zones,
  and a one-zone plan would still get a two-zone VPC here (a guard, not a resize).
- The node plan splits into an on-demand and a spot group: desired sizes are the plan's on-demand and
  spot counts, min/max are split so each group's sum equals the plan's min/desired/max.
- Karpenter (node_provisioner karpenter): the only managed node group is the on-demand `system` group that runs
  the Karpenter controller (one node per replica, max one more for rolling updates); the app's nodes come from the
  NodePools in helm/karpenter/ (generators/karpenter.py).
- Interface VPC endpoints: every service the estimate prices one for (sizing.network.interface_endpoints: Secrets
  Manager always, HIPAA's PrivateLink set), in the private subnet of each zone.
- ALB: made by the AWS Load Balancer Controller from the chart's Ingress (CDK: the controller's Pod Identity role;
  storage.alb_access_logs adds the access-log bucket when the plan has access logs).
- Compliance: each control of the plan (est.plan.compliance.controls) that has a priced service is switched on
  in the `compliance` section with the plan's parameters (the Config rules it prices, the Security Hub
  standards of its regimes, the log retention); nothing else is (see _compliance).
- Disaster recovery (`dr`): the DR Region, the copies' retention and the standby's zones, NAT and floor nodes
  are the DrPlan's (sizing/dr.py), the same numbers the DR lines price.
- Provisioned DynamoDB: the chats table takes the capacity the plan sized (its GSI mirrors it in the
  CDK app); the users table gets the minimum the plan prices (PROVISIONED_MIN_CAPACITY).
"""
from __future__ import annotations

import string

from generators.cdk_config import CdkConfig, parse_config
from pricing.engine import Estimate
from pricing.inventory import inventory
from sizing import assumptions as A
from sizing.llm import BEDROCK_MODELS
from sizing.profiles import ENVIRONMENT_PROFILES

PROJECT = "ChatApp"
EKS_MIN_ZONES = 2
GLACIER_TRANSITION_DAYS = 90        # log archive: Glacier after 90 days when kept longer (CDK model default)
MAX_DASHBOARDS = 3                  # the CDK app builds at most three dashboards (operations, app, edge)
SERVICE_ACCOUNT = "chat-backend-sa"  # the Helm chart's backend ServiceAccount (generators/helm.py)
NAMESPACE = "chat-app"
KARPENTER_NAMESPACE = "kube-system"        # the getting-started install namespace of the karpenter chart
KARPENTER_SERVICE_ACCOUNT = "karpenter"    # the chart's service account (generators/karpenter.py values)
ALB_CONTROLLER_NAMESPACE = "kube-system"   # the install namespace of the eks/aws-load-balancer-controller chart
ALB_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller"   # its service account (generators/alb_controller.py)


def resource_prefix(est: Estimate) -> str:
    """Lower-case prefix of physical names (e.g. `chatapp-prod`), as CdkConfig.resource_prefix."""
    return f"{PROJECT.lower()}-{est.scenario.environment.value}"


def table_names(est: Estimate) -> tuple[str, str]:
    """(users table, chats table) physical names, shared by the CDK config and the Helm values."""
    p = resource_prefix(est)
    return f"{p}-users", f"{p}-chats"


def zone_names(region: str, count: int) -> list[str]:
    """`us-east-1a`, `us-east-1b`, ...: explicit names so synth needs no AWS account."""
    return [f"{region}{letter}" for letter in string.ascii_lowercase[:count]]


def split_node_groups(est: Estimate) -> list[dict]:
    """The plan's managed node groups (sizing.capacity.split_node_groups) as CDK config entries; with Karpenter
    the system group of its controller."""
    n, k = est.plan.nodes, est.plan.provisioner
    if k.karpenter:
        return [{"name": "system", "capacity_type": "ON_DEMAND", "instance_types": [k.system_instance_type],
                 "min_size": k.system_nodes, "desired_size": k.system_nodes, "max_size": k.system_nodes + 1,
                 "disk_size_gib": A.NODE_DISK_GIB}]
    return [{"name": g.name, "capacity_type": g.capacity_type, "instance_types": [n.instance_type],
             "min_size": g.min, "desired_size": g.desired, "max_size": g.max, "disk_size_gib": A.NODE_DISK_GIB}
            for g in est.plan.node_groups]


def _database(est: Estimate) -> dict:
    p = est.plan
    prof = ENVIRONMENT_PROFILES[est.scenario.environment]
    db: dict = {"billing_mode": "PAY_PER_REQUEST", "point_in_time_recovery": p.dynamodb.pitr_enabled,
                "customer_managed_key": "dynamodb" in p.security.compliance_cmks + p.security.cmks,
                "removal_policy": "RETAIN" if prof.removal_retain else "DESTROY",
                "backup_policy": p.dynamodb.backup_policy.value,
                "backup_retention_days": p.dynamodb.backup_retention_days or A.BACKUP_RETENTION_DAYS,
                "backup_vault_locked": p.dynamodb.backup_vault_separate, "stream_enabled": True}
    if est.dynamodb_mode.recommended == "provisioned":
        d = p.dynamodb     # auto scaling between the month's lowest and highest hour, as priced hour by hour
        db.update(billing_mode="PROVISIONED", chats_read_capacity=d.provisioned_rcu,
                  chats_write_capacity=d.provisioned_wcu, users_read_capacity=A.PROVISIONED_MIN_CAPACITY,
                  users_write_capacity=A.PROVISIONED_MIN_CAPACITY, chats_min_read_capacity=d.provisioned_rcu_base,
                  chats_min_write_capacity=d.provisioned_wcu_base,
                  autoscaling_target_pct=round(A.PROVISIONED_TARGET_UTILISATION * 100))
    return db


#: Security Hub standard per regime (docs/sizing-facts.md § AWS Config rules per regime [S163]).
SECURITY_HUB_STANDARDS = {"PCI DSS": "pci-dss/v/4.0.1", "SOC 2": "aws-foundational-security-best-practices/v/1.0.0"}


def _compliance(est: Estimate) -> dict:
    """The compliance section: the controls the estimate prices, with their parameters."""
    c = est.plan.compliance
    on = c.controls
    return {"cloudtrail_data_events": "cloudtrail_data_events" in on,
            "trail_retention_days": est.plan.observability.log_retention_days,
            "config": "config" in on, "config_rules": list(c.config_rules) if "config" in on else [],
            "guardduty": "guardduty" in on,
            "guardduty_eks_audit_logs": False,     # EKS audit-log analysis has no price line yet: kept off
            "security_hub": "security_hub" in on,
            "security_hub_standards": [SECURITY_HUB_STANDARDS[r] for r in on.get("security_hub", ())
                                       if r in SECURITY_HUB_STANDARDS],
            "macie": "macie" in on}


def _dr(est: Estimate) -> dict:
    """The DR mode as the CDK app deploys it, from the same DrPlan the DR lines price (sizing/dr.py)."""
    dr = est.plan.dr
    if dr is None or dr.region is None:
        return {"mode": "none"}
    out: dict = {"mode": dr.mode.value, "region": dr.region}
    if dr.copies_kept:
        out.update(copy_retention_days=dr.copy_retention_days, copy_rule_added=dr.copy_rule_added,
                   source_retention_days=A.DR_COPY_SOURCE_RETENTION_DAYS)
    if dr.nodes:
        out.update(availability_zone_names=zone_names(dr.region, dr.availability_zones),
                   nat_gateways=dr.nat_gateways, node_count=dr.nodes, instance_type=dr.instance_type,
                   disk_size_gib=A.NODE_DISK_GIB)
    return out


def cdk_config_data(est: Estimate) -> dict:
    """The config as plain data (what `config/<env>.yaml` holds)."""
    s, p = est.scenario, est.plan
    env = s.environment.value
    zones = max(EKS_MIN_ZONES, p.network.availability_zones)
    retention = p.observability.log_retention_days
    sec = p.security
    return {
        "project": PROJECT, "environment": env, "region": s.region,
        "client": s.client or "unspecified", "scenario_name": s.name,
        "kubernetes_version": p.kubernetes.version, "eks_support_type": p.kubernetes.support_type,
        "network": {"availability_zones": zones, "nat_gateways": p.network.nat_gateways,
                    "availability_zone_names": zone_names(s.region, zones),
                    "interface_endpoints": list(p.network.interface_endpoints)},
        "node_groups": split_node_groups(est),
        "database": _database(est),
        "storage": {"static_bucket_versioned": True, "log_archive_days": retention,
                    "alb_access_logs": p.network.alb_access_logs,
                    "log_glacier_transition_days": GLACIER_TRANSITION_DAYS
                    if GLACIER_TRANSITION_DAYS < retention else None},
        "security": {"waf_enabled": sec.waf_enabled,
                     "waf_managed_rule_groups": list(A.WAF_MANAGED_RULE_GROUPS) if sec.waf_enabled else [],
                     "kms_customer_managed_keys": list(dict.fromkeys(sec.cmks + sec.compliance_cmks)),
                     "secret_names": [f"{resource_prefix(est)}/{name}" for name in sec.secrets]},
        "monitoring": {"log_retention_days": retention, "xray_enabled": True,
                       "dashboards": min(p.observability.dashboards, MAX_DASHBOARDS),
                       "traffic_write_units_per_s": max(1, p.dynamodb.provisioned_wcu)},
        "cdn": {"enabled": True},
        "cache": ({"enabled": True, "engine": "valkey", "node_type": p.elasticache_node_type,
                   "num_nodes": p.elasticache_nodes} if p.elasticache_node_type else {"enabled": False}),
        "karpenter": ({"enabled": True, "version": p.provisioner.karpenter_version, "namespace": KARPENTER_NAMESPACE,
                       "service_account": KARPENTER_SERVICE_ACCOUNT} if p.provisioner.karpenter
                      else {"enabled": False}),
        "alb_controller": {"namespace": ALB_CONTROLLER_NAMESPACE, "service_account": ALB_CONTROLLER_SERVICE_ACCOUNT},
        "workload_identity": {"namespace": NAMESPACE, "service_account": SERVICE_ACCOUNT,
                              "bedrock_invoke": s.llm_model in BEDROCK_MODELS},
        "compliance": _compliance(est),
        "dr": _dr(est),
        "tags": {"Project": PROJECT, "Environment": env},
        "estimate_inventory": {it.kind: it.count for it in inventory(est) if it.kind.startswith("AWS::") and it.count},
    }


def cdk_config_from_estimate(est: Estimate) -> CdkConfig:
    """The validated CdkConfig for the estimate (raises ConfigError naming a field if a mapping is off)."""
    return parse_config(cdk_config_data(est), source="config mapped from the estimate")
