"""The inventory: what the bundle deploys that carries a price, one item per kind, and which cost lines it carries.

`inventory(est) -> tuple[InventoryItem, ...]`. A kind is a CloudFormation resource type the CDK app creates
(`AWS::EC2::NatGateway`), a Kubernetes kind the bundle's Helm values and manifests create (`k8s:Ingress`: the AWS
Load Balancer Controller makes the ALB from it; `k8s:NodePool`: Karpenter launches the nodes from it), or
`external` with the reason (billed on usage or on something the bundle does not create). Every line of the
estimate maps to exactly one item (`line_kind`); every item lists its lines (indices into `est.lines`).

The price key -> kind mapping is KIND_BY_KEY + EXTERNAL_BY_KEY below (the one place); the CloudFormation kinds
are the types pricing/template/resources.py's registry prices those keys under, which
tests/generators/test_inventory_matrix.py checks on synthesized bundles (and the counts, both ways).
"""
from __future__ import annotations

from dataclasses import dataclass

from pricing.engine import CostLine, Estimate
from pricing.services import (
    backup,
    cloudfront,
    cloudtrail,
    cloudwatch,
    config,
    datatransfer,
    dynamodb,
    ebs,
    elb,
    guardduty,
    kms,
    macie,
    route53,
    s3,
    secretsmanager,
    securityhub,
    vpc,
    waf,
    xray,
)
from pricing.services import eks as eks_svc
from pricing.services.base import LLM
from pricing.services.dr import DR
from pricing.services.ec2 import CPU_CREDITS, SYSTEM_NODE_GROUP
from sizing.assumptions import ALB_ALARMS
from sizing.capacity import CapacityPlan

EXTERNAL = "external"
GLOBAL_TABLE, VAULT = "AWS::DynamoDB::GlobalTable", "AWS::Backup::BackupVault"
NODEGROUP, NODEPOOL = "AWS::EKS::Nodegroup", "k8s:NodePool"
INGRESS = "k8s:Ingress"
NODES = "nodes"                        # resolved per plan: the managed node groups, or Karpenter's NodePools
CONTAINER_INSIGHTS_LOG_GROUPS = 4      # the monitoring stack's LOG_GROUP_KINDS (application, dataplane, host, performance)
TABLES = 2                             # users and chats (database stack)

#: Price key -> the kind that carries it (CloudFormation types as pricing/template/resources.py prices them).
KIND_BY_KEY: dict[str, str] = {
    eks_svc.STANDARD: "AWS::EKS::Cluster", eks_svc.EXTENDED: "AWS::EKS::Cluster",
    ebs.KEY: NODES,
    vpc.NAT_HOUR: "AWS::EC2::NatGateway", vpc.NAT_GB: "AWS::EC2::NatGateway",
    vpc.IPV4_HOUR: "AWS::EC2::EIP",     # the NAT gateways' EIPs; the ALB's addresses: ITEM_MARKERS
    vpc.ENDPOINT_HOUR: "AWS::EC2::VPCEndpoint", vpc.ENDPOINT_GB: "AWS::EC2::VPCEndpoint",
    elb.ALB_HOUR: INGRESS, elb.LCU_HOUR: INGRESS,
    dynamodb.WRITES: "AWS::DynamoDB::Table", dynamodb.READS: "AWS::DynamoDB::Table",
    dynamodb.WCU_HOUR: "AWS::DynamoDB::Table", dynamodb.RCU_HOUR: "AWS::DynamoDB::Table",
    dynamodb.STORAGE: "AWS::DynamoDB::Table", dynamodb.PITR: "AWS::DynamoDB::Table",
    backup.KEY: "AWS::Backup::BackupPlan",
    cloudfront.DATA_OUT: "AWS::CloudFront::Distribution", cloudfront.REQUESTS: "AWS::CloudFront::Distribution",
    s3.STORAGE: "AWS::S3::Bucket", s3.PUTS: "AWS::S3::Bucket", s3.GETS: "AWS::S3::Bucket",
    cloudwatch.INGEST: "AWS::Logs::LogGroup", cloudwatch.STORAGE: "AWS::Logs::LogGroup",
    cloudwatch.ALARMS: "AWS::CloudWatch::Alarm", cloudwatch.DASHBOARDS: "AWS::CloudWatch::Dashboard",
    secretsmanager.SECRETS: "AWS::SecretsManager::Secret", secretsmanager.CALLS: "AWS::SecretsManager::Secret",
    kms.KEYS: "AWS::KMS::Key", kms.REQUESTS: "AWS::KMS::Key",
    waf.ACL: "AWS::WAFv2::WebACL", waf.RULES: "AWS::WAFv2::WebACL", waf.REQUESTS: "AWS::WAFv2::WebACL",
    cloudtrail.DATA_EVENTS: "AWS::CloudTrail::Trail",
    guardduty.EVENTS: "AWS::GuardDuty::Detector", guardduty.FLOW_LOGS: "AWS::GuardDuty::Detector",
    config.ITEMS: "AWS::Config::ConfigurationRecorder", config.EVALUATIONS: "AWS::Config::ConfigRule",
    securityhub.CHECKS: "AWS::SecurityHub::Hub",
    macie.BUCKETS: "AWS::Macie::Session",
    dynamodb.REPL_WRITES: GLOBAL_TABLE, dynamodb.REPL_WCU_HOUR: GLOBAL_TABLE,     # DR warm standby
}
#: Key prefixes whose keys are one per type (instance and cache node types).
KIND_BY_PREFIX: tuple[tuple[str, str], ...] = (("ec2:", NODES), ("elasticache:", "AWS::ElastiCache::ReplicationGroup"))

#: Lines of one key carried by two kinds, told apart by a marker in the line's item: (key's kind, marker, kind).
ITEM_MARKERS: tuple[tuple[str, str, str], ...] = ((NODES, SYSTEM_NODE_GROUP, NODEGROUP),
                                                  ("AWS::EC2::EIP", vpc.ALB_IPV4_ITEM, INGRESS))

LLM_REASON = "Bedrock/external API usage, billed per token"
#: Lines with no deployable resource: the reason they are billed without one.
EXTERNAL_BY_KEY: dict[str, str] = {
    datatransfer.INTERNET_OUT: "internet data transfer, billed on traffic, not on a resource",
    datatransfer.INTER_AZ: "cross-AZ data transfer, billed on traffic, not on a resource",
    xray.KEY: "X-Ray traces, billed per trace the application records",
    cloudwatch.METRICS: "CloudWatch custom metrics, published by Container Insights and the application",
    CPU_CREDITS: "t3 CPU credits, billed on the nodes",
    datatransfer.INTER_REGION: "inter-Region data transfer (DR copies, replication), billed on traffic",
}

#: What the bundle uses but does not create, and so does not price: (reason, the price keys it would carry).
EXTERNAL_UNPRICED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Route 53: the customer's DNS zone; the app's records are alias records to CloudFront and the ALB, whose "
     "queries are not billed (docs/sizing-facts.md § Route 53, ACM and ECR: outside the bundle); not priced",
     (route53.ZONE, route53.QUERIES)),
    ("ACM: the Ingress's and CloudFront's public certificate, free with integrated services; not priced", ()),
    ("ECR: the customer's registry the chart pulls the images from (helm values image.repository); its storage "
     "and pulls are the registry's bill; not priced", ()),
)

WHERE: dict[str, str] = {
    "AWS::EKS::Cluster": "eks stack", NODEGROUP: "eks stack",
    NODEPOOL: "helm/karpenter NodePools (Karpenter launches the nodes)",
    "AWS::EC2::NatGateway": "network stack", "AWS::EC2::EIP": "network stack",
    "AWS::EC2::VPCEndpoint": "network stack (interface endpoints; gateway endpoints are free)",
    INGRESS: "helm chat-app Ingress (the AWS Load Balancer Controller creates the ALB)",
    "AWS::DynamoDB::Table": "database stack", "AWS::Backup::BackupPlan": "database stack",
    GLOBAL_TABLE: "database stack (global tables: a replica in the DR Region)", VAULT: "dr stack (the DR Region's vault)",
    "AWS::ElastiCache::ReplicationGroup": "database stack",
    "AWS::CloudFront::Distribution": "cdn stack", "AWS::S3::Bucket": "storage stack (+ compliance audit bucket)",
    "AWS::Logs::LogGroup": "monitoring stack",
    "AWS::CloudWatch::Alarm": "monitoring stack (+2 ALB alarms once monitoring.alb_full_name is set)",
    "AWS::CloudWatch::Dashboard": "monitoring stack",
    "AWS::SecretsManager::Secret": "security stack", "AWS::KMS::Key": "security stack", "AWS::WAFv2::WebACL": "security stack",
    "AWS::CloudTrail::Trail": "compliance stack", "AWS::GuardDuty::Detector": "compliance stack",
    "AWS::Config::ConfigurationRecorder": "compliance stack", "AWS::Config::ConfigRule": "compliance stack",
    "AWS::SecurityHub::Hub": "compliance stack", "AWS::Macie::Session": "compliance stack",
}


@dataclass(frozen=True, slots=True)
class InventoryItem:
    kind: str                          # CloudFormation type, k8s:<Kind>, or "external"
    count: int                         # resources / objects deployed (0 for external)
    where: str                         # the stack or manifest that creates it, or "not deployed"
    price_keys: tuple[str, ...]        # the price keys of its lines (external LLM lines have none)
    lines: tuple[int, ...]             # indices into est.lines
    reason: str | None = None          # external only: why the line has no deployable resource


def _nodes_kind(plan: CapacityPlan) -> str:
    return NODEPOOL if plan.provisioner.karpenter else NODEGROUP


#: DR lines (category dr, items "DR <region>: ..."; pricing/services/dr.py) whose kind is not their key's usual one.
DR_EXTERNAL = {elb.ALB_HOUR: "the standby ALB: made at failover by the AWS Load Balancer Controller (docs/cdk.md)"}


def _dr_kind(line: CostLine, key: str) -> tuple[str, str | None] | None:
    """The kind of a DR line, or None to use the key's usual kind (the standby's cluster, nodes, NAT, keys)."""
    if key in DR_EXTERNAL:
        return EXTERNAL, DR_EXTERNAL[key]
    if key.startswith("dynamodb:"):
        return GLOBAL_TABLE, None
    if key == backup.KEY:
        return (VAULT if "copies" in line.item else "AWS::Backup::BackupPlan"), None
    if key == vpc.IPV4_HOUR:
        return "AWS::EC2::EIP", None
    return None


def line_kind(line: CostLine, plan: CapacityPlan) -> tuple[str, str | None]:
    """(kind, external reason) of one estimate line; KeyError for a key the inventory does not know."""
    key = line.price_key
    if line.category == LLM or key is None:
        return EXTERNAL, LLM_REASON
    if line.category == DR and (dr_kind := _dr_kind(line, key)) is not None:
        return dr_kind
    if key.startswith("dynamodb:") and _warm_standby(plan):
        return GLOBAL_TABLE, None          # the primary tables are global tables (one replica in the DR Region)
    if key in EXTERNAL_BY_KEY:
        return EXTERNAL, EXTERNAL_BY_KEY[key]
    kind = KIND_BY_KEY.get(key) or next((k for p, k in KIND_BY_PREFIX if key.startswith(p)), None)
    if kind is None:
        raise KeyError(f"price key {key!r} has no inventory kind (pricing/inventory.py KIND_BY_KEY)")
    marked = next((k for of, marker, k in ITEM_MARKERS if of == kind and marker in line.item), None)
    if marked is not None:
        return marked, None
    return (_nodes_kind(plan) if kind == NODES else kind), None


def deployed_counts(plan: CapacityPlan) -> dict[str, int]:
    """How many of each priced kind the bundle deploys for this plan (the generators' rules, restated)."""
    net, sec, c, d, k = plan.network, plan.security, plan.compliance, plan.dynamodb, plan.provisioner
    on = c.controls
    trail_or_config = "cloudtrail_data_events" in on or "config" in on
    counts = {
        "AWS::EKS::Cluster": 1,
        NODEGROUP: 1 if k.karpenter else len(plan.node_groups),     # with Karpenter: the on-demand system group
        NODEPOOL: (2 if k.on_demand_nodes else 1) if k.karpenter else 0,   # generators/karpenter.py
        "AWS::EC2::NatGateway": net.nat_gateways, "AWS::EC2::EIP": net.nat_gateways,
        "AWS::EC2::VPCEndpoint": len(net.interface_endpoints),
        INGRESS: 1,
        "AWS::DynamoDB::Table": TABLES, "AWS::Backup::BackupPlan": 1 if d.backups_enabled else 0,
        "AWS::ElastiCache::ReplicationGroup": 1 if plan.elasticache_node_type else 0,
        "AWS::CloudFront::Distribution": 1,
        # static assets + log archive, the ALB access-log bucket, the compliance audit bucket
        "AWS::S3::Bucket": 2 + int(net.alb_access_logs) + int(trail_or_config),
        "AWS::Logs::LogGroup": CONTAINER_INSIGHTS_LOG_GROUPS,
        # the ALB alarms come with the second deploy, once the config names the controller's ALB (docs/cdk.md)
        "AWS::CloudWatch::Alarm": plan.observability.alarms - len(ALB_ALARMS),
        "AWS::CloudWatch::Dashboard": plan.observability.dashboards,
        "AWS::SecretsManager::Secret": len(sec.secrets),
        "AWS::KMS::Key": len(dict.fromkeys(sec.cmks + sec.compliance_cmks)),
        "AWS::WAFv2::WebACL": int(sec.waf_enabled),
        "AWS::CloudTrail::Trail": int("cloudtrail_data_events" in on),
        "AWS::Config::ConfigurationRecorder": int("config" in on),
        "AWS::Config::ConfigRule": len(c.config_rules) if "config" in on else 0,
        "AWS::GuardDuty::Detector": int("guardduty" in on),
        "AWS::SecurityHub::Hub": int("security_hub" in on),
        "AWS::Macie::Session": int("macie" in on),
    }
    _add_dr(plan, counts)
    return {kind: n for kind, n in counts.items() if n}


def _warm_standby(plan: CapacityPlan) -> bool:
    return plan.dr is not None and plan.dr.region is not None and plan.dr.nodes > 0


def _add_dr(plan: CapacityPlan, counts: dict[str, int]) -> None:
    """The DR Region's priced resources (generators/cdk_from_estimate._dr, stacks/dr_stack.py)."""
    dr = plan.dr
    if dr is None or dr.region is None:
        return
    if dr.copies_kept:       # the DR vault, and the primary vault the backup rule (or the added copy rule) fills
        counts["AWS::Backup::BackupPlan"] = max(counts["AWS::Backup::BackupPlan"], int(dr.copy_rule_added))
        counts[VAULT] = 1 + counts["AWS::Backup::BackupPlan"]
    if _warm_standby(plan):
        counts[GLOBAL_TABLE], counts["AWS::DynamoDB::Table"] = counts["AWS::DynamoDB::Table"], 0
        counts["AWS::EKS::Cluster"] += 1
        counts[NODEGROUP] = counts.get(NODEGROUP, 0) + 1
        counts["AWS::EC2::NatGateway"] += dr.nat_gateways
        counts["AWS::EC2::EIP"] += dr.nat_gateways
        sec = plan.security
        counts["AWS::KMS::Key"] += int("dynamodb" in sec.cmks + sec.compliance_cmks)   # the replica tables' key


def inventory(est: Estimate) -> tuple[InventoryItem, ...]:
    """The deployed priced kinds (in deployed_counts order), then the external reasons; each with its lines."""
    plan = est.plan
    by_kind: dict[tuple[str, str | None], list[int]] = {}
    for i, line in enumerate(est.lines):
        by_kind.setdefault(line_kind(line, plan), []).append(i)
    counts = deployed_counts(plan)
    order = [(kind, None) for kind in counts] + [key for key in by_kind if key[0] == EXTERNAL or key[0] not in counts]
    items = []
    for kind, reason in dict.fromkeys(order):
        idx = tuple(by_kind.get((kind, reason), ()))
        keys = tuple(dict.fromkeys(k for i in idx if (k := est.lines[i].price_key)))
        where = "not deployed by the bundle" if kind == EXTERNAL else WHERE[kind]
        items.append(InventoryItem(kind, counts.get(kind, 0), where, keys, idx, reason))
    items += [InventoryItem(EXTERNAL, 0, "not deployed by the bundle", keys, (), reason)
              for reason, keys in EXTERNAL_UNPRICED]
    return tuple(items)


def inventory_kinds(est: Estimate) -> tuple[str, ...]:
    """The inventory kind of each estimate line, in line order."""
    return tuple(line_kind(line, est.plan)[0] for line in est.lines)


def inventory_doc(items: tuple[InventoryItem, ...]) -> list[dict]:
    return [{"kind": it.kind, "count": it.count, "where": it.where, "price_keys": list(it.price_keys),
             "lines": list(it.lines), "reason": it.reason} for it in items]
