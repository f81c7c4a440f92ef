"""Actual lines -> the estimate's lines, by Cost Explorer service and usage-type pattern.

Estimate lines are grouped into review lines (`group_id`): lines priced by the same catalog key are one
review line (e.g. the base and the compliance KMS keys), EC2 nodes split into on-demand and spot
whatever the instance type, Bedrock into input and output tokens whatever the model. Each `Rule` says
which usage types (after the region prefix, e.g. `EUW1-`, is removed) feed which review line, and how
to convert the billed usage amount into the estimate's unit (`per_unit`, None when unknown).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pricing.constants import CE
from pricing.engine import CostLine
from review.model import USAGE, ZERO, ActualLine, split_usage_type

NOT_BILLED_BY_AWS = CE["external"]


def group_id(line: CostLine) -> str:
    """The review line an estimate line belongs to."""
    key = line.price_key or ""
    if line.ce_service == NOT_BILLED_BY_AWS:
        return "external:" + ("input" if "input" in line.item.lower() else "output")
    if key.startswith("ec2:") and key != "ec2:t-unlimited-vcpu-hour":
        return "ec2:nodes:spot" if "spot" in line.item.lower() else "ec2:nodes:on-demand"
    if key.startswith("elasticache:"):
        return "elasticache:nodes"
    if key.startswith("bedrock:"):
        return "bedrock:" + ("input" if ":input" in key else "output")
    return key or f"item:{line.service}:{line.item}"


@dataclass(frozen=True, slots=True)
class Rule:
    group: str
    usage: re.Pattern[str]
    services: tuple[str, ...] | None = None   # Cost Explorer services it applies to (None: any)
    per_unit: Decimal | None = Decimal(1)     # billed usage amount x per_unit = the estimate's quantity unit


def _r(group: str, pattern: str, services: tuple[str, ...] | None = None, per_unit: str | None = "1") -> Rule:
    return Rule(group, re.compile(pattern), services, None if per_unit is None else Decimal(per_unit))


_DDB, _S3, _CW, _CF = (CE["dynamodb"],), (CE["s3"],), (CE["cloudwatch"],), (CE["cloudfront"],)
_WAF, _R53, _SM, _KMS = (CE["waf"],), (CE["route53"],), (CE["secretsmanager"],), (CE["kms"],)
_BACKUP = (CE["backup"],)

# First match wins: specific patterns before general ones.
RULES: tuple[Rule, ...] = (
    _r("eks:cluster-hour", r"AmazonEKS-Hours", (CE["eks"],)),
    _r("ec2:nodes:spot", r"^SpotUsage"),
    _r("ec2:nodes:on-demand", r"^(BoxUsage|DedicatedUsage|HostUsage)"),
    _r("ec2:t-unlimited-vcpu-hour", r"CPUCredits"),
    _r("ebs:gp3-gb-month", r"^EBS:VolumeUsage(\.|$)"),
    _r("ebs:gp3-gb-month", r"^EBS:", None, None),
    _r("vpc:nat-gateway-hour", r"NatGateway-Hours"),
    _r("vpc:nat-gateway-gb", r"NatGateway-Bytes"),
    _r("vpc:public-ipv4-hour", r"PublicIPv4"),
    _r("elb:alb-lcu-hour", r"LCUUsage"),
    _r("elb:alb-hour", r"LoadBalancerUsage"),
    _r("dynamodb:write-request-million", r"WriteRequestUnits", _DDB, "0.000001"),
    _r("dynamodb:read-request-million", r"ReadRequestUnits", _DDB, "0.000001"),
    _r("dynamodb:wcu-hour", r"WriteCapacityUnit-Hrs", _DDB),
    _r("dynamodb:rcu-hour", r"ReadCapacityUnit-Hrs", _DDB),
    _r("dynamodb:pitr-gb-month", r"TimedPITRStorage-ByteHrs", _DDB),
    _r("backup:dynamodb-gb-month", r"TimedBackupStorage-ByteHrs", _DDB),
    _r("dynamodb:storage-gb-month", r"TimedStorage-ByteHrs", _DDB),
    _r("backup:dynamodb-gb-month", r"Storage-ByteHrs", _BACKUP),
    _r("cloudfront:data-out-gb", r"DataTransfer-Out-Bytes", _CF),
    _r("cloudfront:https-requests-10k", r"Requests-", _CF, "0.0001"),
    _r("s3:standard-gb-month", r"^TimedStorage-ByteHrs$", _S3),
    _r("s3:put-requests-1k", r"Requests-Tier1", _S3, "0.001"),
    _r("s3:get-requests-1k", r"Requests-Tier2", _S3, "0.001"),
    _r("cloudwatch:logs-ingest-gb", r"DataProcessing-Bytes|VendedLog-Bytes", _CW),
    _r("cloudwatch:logs-storage-gb-month", r"TimedStorage-ByteHrs", _CW),
    _r("cloudwatch:metric-month", r"MetricMonitorUsage", _CW),
    _r("cloudwatch:alarm-month", r"AlarmMonitorUsage", _CW),
    _r("cloudwatch:dashboard-month", r"Dashboard", _CW, None),
    _r("xray:traces-million", r"TracesStored", (CE["xray"],), "0.000001"),
    _r("secretsmanager:secret-month", r"Secrets?$", _SM),
    _r("secretsmanager:api-requests-10k", r"APIRequest", _SM, "0.0001"),
    _r("kms:key-month", r"KMS-Keys", _KMS),
    _r("kms:requests-10k", r"KMS-Requests", _KMS, "0.0001"),
    _r("waf:web-acl-month", r"WebACL", _WAF),
    _r("waf:rule-month", r"Rule", _WAF),
    _r("waf:requests-million", r"Request", _WAF, "0.000001"),
    _r("route53:hosted-zone-month", r"HostedZone", _R53),
    _r("route53:queries-million", r"Queries", _R53, "0.000001"),
    _r("datatransfer:inter-az-gb", r"DataTransfer-Regional-Bytes"),
    _r("datatransfer:internet-out-gb", r"^DataTransfer-Out-Bytes$"),
    _r("elasticache:nodes", r"NodeUsage", (CE["elasticache"],)),
    _r("bedrock:input", r"(?i)input.?token"),
    _r("bedrock:output", r"(?i)output.?token"),
    _r("cloudtrail:data-events-100k", r"DataEventsRecorded", (CE["cloudtrail"],), "0.00001"),
    _r("guardduty:flow-logs-gb", r"(?i)(flow|dns|vpc).*(log|analy)", (CE["guardduty"],)),
    _r("guardduty:cloudtrail-events-million", r"(?i)(event|cloudtrail)", (CE["guardduty"],), "0.000001"),
    _r("config:configuration-item", r"ConfigurationItemRecorded", (CE["config"],)),
    _r("config:rule-evaluation", r"(ConfigRule|ConformancePack)Evaluations", (CE["config"],)),
    _r("securityhub:check", r"(?i)check", (CE["securityhub"],)),
    _r("macie:bucket-month", r"(?i)bucket", (CE["macie"],)),
)


@dataclass
class ReviewGroup:
    """One review line: the estimate lines it sums and the actual lines mapped to it."""

    id: str
    service: str                 # Cost Explorer service of the estimate lines
    label: str
    unit: str
    estimate_usd: Decimal
    estimate_quantity: Decimal
    price_keys: tuple[str, ...]
    actual: list[ActualLine] = field(default_factory=list)
    actual_quantity: Decimal | None = ZERO   # in the estimate's unit; None once a line without conversion joins

    @property
    def actual_usd(self) -> Decimal:
        return sum((a.cost_usd for a in self.actual), ZERO)

    @property
    def usage_types(self) -> list[str]:
        return sorted({a.usage_type for a in self.actual if a.usage_type})


@dataclass(frozen=True, slots=True)
class Unmatched:
    line: ActualLine
    reason: str


@dataclass
class Mapping:
    groups: dict[str, ReviewGroup]
    excluded: list[CostLine]           # estimate lines the AWS bill never carries (external LLM)
    unmatched: list[Unmatched]
    adjustments: list[ActualLine]      # tax, credits, refunds, savings plan fees, discounts


def estimate_groups(lines: tuple[CostLine, ...] | list[CostLine]) -> tuple[dict[str, ReviewGroup], list[CostLine]]:
    groups: dict[str, ReviewGroup] = {}
    excluded: list[CostLine] = []
    for ln in lines:
        if ln.ce_service == NOT_BILLED_BY_AWS:
            excluded.append(ln)
            continue
        gid = group_id(ln)
        g = groups.get(gid)
        if g is None:
            groups[gid] = ReviewGroup(gid, ln.ce_service, f"{ln.service}: {ln.item}", ln.unit, ln.monthly_usd,
                                      ln.quantity, (ln.price_key,) if ln.price_key else ())
        else:
            g.label += f" + {ln.item}"
            g.estimate_usd += ln.monthly_usd
            g.estimate_quantity += ln.quantity if ln.unit == g.unit else ZERO
            if ln.price_key and ln.price_key not in g.price_keys:
                g.price_keys += (ln.price_key,)
    return groups, excluded


def rule_for(line: ActualLine) -> Rule | None:
    """The first rule whose service and usage pattern fit the actual line."""
    base = split_usage_type(line.usage_type)[1]
    for r in RULES:
        if r.services is not None and line.service not in r.services:
            continue
        if r.usage.search(base):
            return r
    return None


def map_actuals(estimate_lines: tuple[CostLine, ...], actual: tuple[ActualLine, ...]) -> Mapping:
    """Attach every actual line to a review line, the adjustments, or the unmatched list; none is dropped."""
    groups, excluded = estimate_groups(estimate_lines)
    unmatched: list[Unmatched] = []
    adjustments: list[ActualLine] = []
    for a in actual:
        if a.kind != USAGE:
            adjustments.append(a)
            continue
        rule = rule_for(a)
        if rule is None:
            unmatched.append(Unmatched(a, "no estimate line for this usage type"))
            continue
        g = groups.get(rule.group)
        if g is None:
            unmatched.append(Unmatched(a, f"the estimate has no {rule.group} line"))
            continue
        g.actual.append(a)
        if g.actual_quantity is not None:
            if rule.per_unit is None or a.usage_amount is None:
                g.actual_quantity = None
            else:
                g.actual_quantity += a.usage_amount * rule.per_unit
    return Mapping(groups, excluded, unmatched, adjustments)
