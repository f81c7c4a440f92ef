"""The bundle's usage.yaml: the estimate's usage quantities keyed by the logical IDs CDK gives the generated
app's resources, so `price-template BUNDLE/cdk/cdk.out --usage BUNDLE/usage.yaml` reproduces the estimate's
lines for every priced resource (docs/price-template.md § The bundle's usage.yaml).

Each usage-priced estimate line goes to one resource: the first resource of the type takes the first
estimate line of the key, the next resource the next line (e.g. the infrastructure log storage on the
application log group, the compliance retention's on the dataplane one), so each template line prices the
same quantity as one estimate line. The quantities are the estimate's billed ones (free tiers already
subtracted), converted back to the usage file's units (requests, not millions).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from decimal import Decimal

import yaml

from generators.cdk_config import CdkConfig
from pricing.dr_summary import dr_summary
from pricing.engine import Estimate
from pricing.inventory import inventory_kinds
from pricing.services import (
    backup,
    cloudfront,
    cloudtrail,
    cloudwatch,
    dynamodb,
    elb,
    guardduty,
    kms,
    macie,
    s3,
    secretsmanager,
    securityhub,
    vpc,
    waf,
)
from pricing.services import config as config_svc
from pricing.services.dr import DR
from pricing.template.outside import ACCOUNT, ACCOUNT_USAGE, FREE_TIER, INGRESS
from pricing.template.usage import USAGE_VERSION
from sizing.assumptions import HOURS_PER_MONTH

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def cdk_logical_id(*path: str) -> str:
    """The logical ID aws-cdk-lib gives the construct at `path` under its stack (makeUniqueId): one path
    component is used as it is; longer paths join their alphanumerics (without `Resource`, `Default` dropped)
    and append the first 8 hex digits of the MD5 of the path, upper case."""
    parts = [p for p in path if p != "Default"]
    if len(parts) == 1:
        return _NOT_ALNUM.sub("", parts[0])
    digest = hashlib.md5("/".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:8].upper()
    human = [_NOT_ALNUM.sub("", p) for i, p in enumerate(parts) if p != "Resource" and (i == 0 or p != parts[i - 1])]
    return "".join(human)[:240] + digest


def _camel(text: str) -> str:
    """security_stack.logical_name: CamelCase alphanumerics of `text`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def _endpoint_id(name: str) -> str:
    """network_stack: `ecr.api` -> `EcrApiEndpoint` under the VPC."""
    return cdk_logical_id("Vpc", "".join(p.capitalize() for p in name.replace(".", "-").split("-")) + "Endpoint",
                          "Resource")


def _targets(config: CdkConfig) -> dict[str, tuple[list[str], str, int]]:
    """price key -> (logical IDs of the resources that take it, in order; usage key; units per estimate unit)."""
    secrets = [cdk_logical_id(f"Secret{i}{_camel(n)[:48]}", "Resource")
               for i, n in enumerate(config.security.secret_names, start=1)]
    keys = [cdk_logical_id(f"{_camel(n)}Key", "Resource") for n in config.security.kms_customer_managed_keys]
    # a warm standby's network stack repeats the VPC's logical IDs in the DR Region: name the primary's stack
    net = f"{config.stack_prefix}-Network/" if config.dr.mode == "warm-standby" else ""
    nats = [net + cdk_logical_id("Vpc", f"publicSubnet{i}", "NATGateway") for i in range(1, config.network.nat_gateways + 1)]
    chats = [cdk_logical_id("ChatsTable", "Resource")]
    logs = ["ApplicationLogGroup", "DataplaneLogGroup"]
    # the S3 storage and PUT lines: the plan's buckets' line on the ALB access-log bucket when the plan has access
    # logs (else the log archive), the CloudTrail log files' line on the compliance audit bucket
    buckets = [cdk_logical_id("AlbAccessLogsBucket" if config.storage.alb_access_logs else "LogArchiveBucket",
                              "Resource")] + (
        [cdk_logical_id("AuditLogBucket", "Resource")] if config.compliance.cloudtrail_data_events else [])
    out = {
        vpc.NAT_GB: (nats, "data_processed_gb", 1),
        vpc.ENDPOINT_GB: ([net + _endpoint_id(n) for n in config.network.interface_endpoints], "data_processed_gb", 1),
        dynamodb.WRITES: (chats, "write_request_units", 1_000_000),
        dynamodb.READS: (chats, "read_request_units", 1_000_000),
        dynamodb.STORAGE: (chats, "storage_gb", 1),
        dynamodb.PITR: (chats, "pitr_gb", 1),
        s3.STORAGE: (buckets, "storage_gb", 1),
        s3.PUTS: (buckets, "put_requests", 1_000),
        s3.GETS: ([cdk_logical_id("StaticAssetsBucket", "Resource")], "get_requests", 1_000),
        cloudwatch.INGEST: (logs, "ingested_gb", 1),
        cloudwatch.STORAGE: (logs, "stored_gb", 1),
        secretsmanager.CALLS: (secrets, "api_calls", 10_000),
        kms.REQUESTS: (keys, "requests", 10_000),
    }
    if config.database.backups_enabled:
        out[backup.KEY] = ([cdk_logical_id("BackupPlan", "Resource")], "dynamodb_backup_gb", 1)
    if config.cdn.enabled:
        out[cloudfront.DATA_OUT] = ([cdk_logical_id("Distribution", "Resource")], "data_out_gb", 1)
        out[cloudfront.REQUESTS] = ([cdk_logical_id("Distribution", "Resource")], "https_requests", 10_000)
    if config.security.waf_enabled:
        out[waf.REQUESTS] = (["WebAcl"], "requests", 1_000_000)
    out.update(_compliance_targets(config))
    return out


def _compliance_targets(config: CdkConfig) -> dict[str, tuple[list[str], str, int]]:
    """The compliance stack's resources (compliance_stack.py): the construct IDs are top-level in the stack."""
    c = config.compliance
    out: dict[str, tuple[list[str], str, int]] = {}
    if c.cloudtrail_data_events:
        out[cloudtrail.DATA_EVENTS] = (["Trail"], "data_events", 100_000)
    if c.config:
        out[config_svc.ITEMS] = (["ConfigRecorder"], "configuration_items", 1)
        out[config_svc.EVALUATIONS] = ([f"Rule{_rule_id(r)}" for r in c.config_rules], "rule_evaluations", 1)
    if c.guardduty:
        out[guardduty.EVENTS] = (["Detector"], "cloudtrail_events", 1_000_000)
        out[guardduty.FLOW_LOGS] = (["Detector"], "flow_logs_gb", 1)
    if c.security_hub:
        out[securityhub.CHECKS] = (["SecurityHub"], "security_checks", 1)
    if c.macie:
        out[macie.BUCKETS] = (["MacieSession"], "buckets", 1)
    return out


#: Keys whose one estimate line is shared equally by all its resources (each Config rule evaluates every item).
_SPLIT_KEYS = frozenset({config_svc.EVALUATIONS})


def _per_rule(est: Estimate, total: Decimal, rules: int) -> Decimal:
    """Each Config rule evaluates every recorded item: the items line's quantity (exact), when it adds up to the
    evaluations line (items x rules, sizing/compliance.py); else an equal share."""
    items = sum((ln.quantity for ln in est.lines if ln.price_key == config_svc.ITEMS), Decimal(0))
    return items if items * rules == total else total / rules


def _rule_id(text: str) -> str:
    """compliance_stack._camel: `S3_BUCKET_SSL_REQUESTS_ONLY` -> `S3BucketSslRequestsOnly`."""
    parts = [p for p in "".join(ch if ch.isalnum() else " " for ch in text).split() if p]
    return "".join(p[:1].upper() + p[1:].lower() for p in parts)


def _number(x: Decimal) -> int | float:
    return int(x) if x == x.to_integral_value() else float(str(x))


def _autoscaled_capacity(est: Estimate, config: CdkConfig, out: dict[str, dict[str, Decimal]]) -> None:
    """Provisioned mode: the chats table (and its GSI) takes the estimate's auto-scaled capacity-unit-hours less
    what the users table and its index hold at their fixed capacity all month."""
    db = config.database
    if db.billing_mode != "PROVISIONED":
        return
    for key, usage_key, users in ((dynamodb.WCU_HOUR, "write_capacity_unit_hours", db.users_write_capacity),
                                  (dynamodb.RCU_HOUR, "read_capacity_unit_hours", db.users_read_capacity)):
        total = sum((ln.quantity for ln in est.lines if ln.price_key == key), Decimal(0))
        fixed = Decimal(2 * (users or 0)) * HOURS_PER_MONTH          # users table + its email index
        out.setdefault(cdk_logical_id("ChatsTable", "Resource"), {})[usage_key] = total - fixed


def _dr_usage(est: Estimate, config: CdkConfig, out: dict[str, dict[str, Decimal]]) -> None:
    """The DR lines' usage (pricing/services/dr.py -> pricing/template/dr_resources.py): the backup plan's copies
    and their transfer (and, with pitr-only, the added rule's source), or the chats global table's replica."""
    dr = dr_summary(est)
    if dr.region is None:
        return
    by_item = {ln.item.split(": ", 1)[1]: ln for ln in dr.lines}
    plan, chats = cdk_logical_id("BackupPlan", "Resource"), cdk_logical_id("ChatsTable", "Resource")
    pick = {"DynamoDB backup copies": (plan, "dr_copy_gb", 1), "backup copies sent": (plan, "dr_copy_transfer_gb", 1),
            "source recovery point": (plan, "dynamodb_backup_gb", 1),
            "replicated write request units": (chats, "replicated_write_request_units", 1_000_000),
            "replica GSI write request units": (chats, "replica_gsi_write_request_units", 1_000_000),
            "replica table and GSI storage": (chats, "replica_storage_gb", 1),
            "replica point-in-time recovery": (chats, "replica_pitr_gb", 1),
            "global-table replication": (chats, "replication_gb", 1)}
    for item, ln in by_item.items():
        for prefix, (lid, key, per) in pick.items():
            if item.startswith(prefix):
                out.setdefault(lid, {})[key] = ln.quantity * per


def usage_quantities(est: Estimate, config: CdkConfig) -> dict[str, dict[str, Decimal]]:
    """Logical ID -> {usage key: monthly quantity} for the estimate's usage-priced lines (the DR lines apart)."""
    out: dict[str, dict[str, Decimal]] = {}
    _autoscaled_capacity(est, config, out)
    _dr_usage(est, config, out)
    for key, (ids, usage_key, per) in _targets(config).items():
        lines: Sequence = [ln for ln in est.lines if ln.price_key == key and ln.category != DR]
        if key in _SPLIT_KEYS and ids:
            share = _per_rule(est, sum((ln.quantity for ln in lines), Decimal(0)) * per, len(ids))
            for lid in ids:
                out.setdefault(lid, {})[usage_key] = share
            continue
        for i, ln in enumerate(lines):
            if not ids:
                break
            slot = out.setdefault(ids[min(i, len(ids) - 1)], {})
            slot[usage_key] = slot.get(usage_key, Decimal(0)) + ln.quantity * per
    return out


#: The chart's Ingress (cdk_out_templates/chart/chat-app: the release's one Ingress).
INGRESS_NAME = f"{INGRESS}/chat-app"


def outside_quantities(est: Estimate) -> dict[str, dict[str, Decimal]]:
    """The `outside` section: the Ingress's ALB (its lines' quantities back in load balancers, addresses and
    LCU-hours) and the account usage no resource carries (the estimate's billed quantities), plus the always-free
    alarm and dashboard counts the estimate applies."""
    kinds = inventory_kinds(est)
    ingress = [ln for ln, kind in zip(est.lines, kinds) if kind == INGRESS and ln.category != DR]
    by_key = {ln.price_key: ln.quantity for ln in ingress}
    out: dict[str, dict[str, Decimal]] = {}
    if ingress:
        out[INGRESS_NAME] = {"load_balancers": by_key.get(elb.ALB_HOUR, Decimal(0)) / HOURS_PER_MONTH,
                             "public_ipv4_addresses": by_key.get(vpc.IPV4_HOUR, Decimal(0)) / HOURS_PER_MONTH,
                             "lcu_hours": by_key.get(elb.LCU_HOUR, Decimal(0))}
    account: dict[str, Decimal] = {}
    for key, use in ACCOUNT_USAGE.items():
        lines = [ln for ln in est.lines if ln.price_key == use.price_key and ln.category != DR]
        if lines:
            account[key] = sum((ln.quantity for ln in lines), Decimal(0)) * use.per
    out[ACCOUNT] = account | {k: Decimal(count) for k, (_, count) in FREE_TIER.items()}
    return out


def usage_yaml(est: Estimate, config: CdkConfig) -> str:
    """usage.yaml text for the bundle (format: pricing/template/usage.py)."""
    doc = {"version": USAGE_VERSION,
           "resources": {lid: {k: _number(v) for k, v in sorted(vals.items())}
                         for lid, vals in sorted(usage_quantities(est, config).items())},
           "outside": {name: {k: _number(v) for k, v in vals.items()}
                       for name, vals in outside_quantities(est).items()}}
    head = ("# Monthly usage of the generated CDK app's resources, from the estimate, keyed by logical ID.\n"
            "# Price the synthesized app with it:\n"
            "#   python -m app.cli price-template cdk/cdk.out --usage usage.yaml\n")
    return head + yaml.safe_dump(doc, sort_keys=False)
