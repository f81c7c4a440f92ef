"""Reference list prices (tools/reference/aws-list-prices.yaml) -> canonical price points."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pricing.keys import GLOBAL_REGION, KEY_UNITS, REGIONS
from tools.snapshot_points import BuildError, Points, as_of_date, join, make_point, put

# ---------------------------------------------------------------------------
# Reference YAML -> points
# ---------------------------------------------------------------------------
# A rule maps (service, item) to a list of (key, value-extractor); the extractor takes
# the entry and returns the usd string. Regions come from the entry (see _entry_regions).
Extractor = Callable[[dict[str, Any]], str]


def _usd(entry: dict[str, Any]) -> str:
    return str(entry["usd"])


def _from_text(field: str, pattern: str) -> Extractor:
    """Extractor reading a second price out of the entry's unit/note text."""
    rx = re.compile(pattern)

    def extract(entry: dict[str, Any]) -> str:
        match = rx.search(str(entry[field]))
        if not match:
            raise BuildError(f"reference entry {entry['item']!r}: no match for {pattern!r} in {field}")
        return match.group(1)
    return extract


_OUTPUT_IN_UNIT = _from_text("unit", r"\(output ([0-9.]+)\)")
_RCU_IN_UNIT = _from_text("unit", r"\(RCU: ([0-9.]+)\)")

REFERENCE_RULES: list[tuple[str, str, list[tuple[str, Extractor]]]] = [
    ("EKS", r"Cluster, standard support", [("eks:cluster-hour", _usd)]),
    ("EKS", r"Cluster, extended support", [("eks:cluster-hour-extended", _usd)]),
    ("VPC/NAT Gateway", r"NAT gateway hour", [("vpc:nat-gateway-hour", _usd)]),
    ("VPC/NAT Gateway", r"Data processed", [("vpc:nat-gateway-gb", _usd)]),
    ("VPC/NAT Gateway", r"NAT gateway hour \(and per-GB processed, same value\)",
     [("vpc:nat-gateway-hour", _usd), ("vpc:nat-gateway-gb", _usd)]),
    ("ELB/ALB", r"Application Load Balancer hour", [("elb:alb-hour", _usd)]),
    ("ELB/ALB", r"Load balancer capacity unit \(LCU\)", [("elb:alb-lcu-hour", _usd)]),
    ("DynamoDB", r"On-demand write request units \(CURRENT.*", [("dynamodb:write-request-million", _usd)]),
    ("DynamoDB", r"On-demand read request units \(CURRENT.*", [("dynamodb:read-request-million", _usd)]),
    ("DynamoDB", r"Data storage \(Standard table class\)", [("dynamodb:storage-gb-month", _usd)]),
    ("DynamoDB", r"Point-in-time recovery.*", [("dynamodb:pitr-gb-month", _usd)]),
    ("DynamoDB", r"Provisioned WCU / RCU", [("dynamodb:wcu-hour", _usd), ("dynamodb:rcu-hour", _RCU_IN_UNIT)]),
    ("CloudFront", r"Data transfer out to internet, first 10 TB, .*", [("cloudfront:data-out-gb", _usd)]),
    ("CloudFront", r"HTTPS requests, .*", [("cloudfront:https-requests-10k", _usd)]),
    ("S3", r"Standard storage, first 50 TB", [("s3:standard-gb-month", _usd)]),
    ("S3", r"Standard PUT/COPY/POST/LIST requests", [("s3:put-requests-1k", _usd)]),
    ("S3", r"Standard GET/SELECT and other requests", [("s3:get-requests-1k", _usd)]),
    ("CloudWatch", r"Logs data ingested.*", [("cloudwatch:logs-ingest-gb", _usd)]),
    ("CloudWatch", r"Logs archival storage", [("cloudwatch:logs-storage-gb-month", _usd)]),
    ("CloudWatch", r"Custom / detailed-monitoring metric.*", [("cloudwatch:metric-month", _usd)]),
    ("CloudWatch", r"Alarm, standard resolution", [("cloudwatch:alarm-month", _usd)]),
    ("CloudWatch", r"Dashboard", [("cloudwatch:dashboard-month", _usd)]),
    ("Secrets Manager", r"Secret", [("secretsmanager:secret-month", _usd)]),
    ("Secrets Manager", r"API requests", [("secretsmanager:api-requests-10k", _usd)]),
    ("KMS", r"Customer managed key", [("kms:key-month", _usd)]),
    ("KMS", r"Symmetric requests", [("kms:requests-10k", _usd)]),
    ("WAF (WAFv2)", r"Web ACL", [("waf:web-acl-month", _usd)]),
    ("WAF (WAFv2)", r"Rule", [("waf:rule-month", _usd)]),
    ("WAF (WAFv2)", r"Requests", [("waf:requests-million", _usd)]),
    ("X-Ray", r"Traces recorded.*", [("xray:traces-million", _usd)]),
    ("Route 53", r"Hosted zone.*", [("route53:hosted-zone-month", _usd)]),
    ("Route 53", r"Standard queries.*", [("route53:queries-million", _usd)]),
    ("ElastiCache", r"(cache\.[a-z0-9]+\.[a-z0-9]+) on-demand node, Valkey engine", []),  # key from item
    ("EBS", r"gp3 storage", [("ebs:gp3-gb-month", _usd)]),
    ("Data transfer (EC2)", r"Outbound to internet, first 10 TB/month", [("datatransfer:internet-out-gb", _usd)]),
    ("Data transfer (EC2)", r"Inter-AZ.*", [("datatransfer:inter-az-gb", _usd)]),
    ("VPC / EC2", r"Public IPv4 address.*", [("vpc:public-ipv4-hour", _usd)]),
    ("AWS Backup", r"DynamoDB backup warm storage", [("backup:dynamodb-gb-month", _usd)]),
    ("CloudTrail", r"Data events", [("cloudtrail:data-events-100k", _usd)]),
    ("GuardDuty", r"Foundational: CloudTrail management events.*", [("guardduty:cloudtrail-events-million", _usd)]),
    ("GuardDuty", r"Foundational: VPC Flow Logs.*", [("guardduty:flow-logs-gb", _usd)]),
    ("Bedrock", r"Anthropic Claude 3\.5 Sonnet.* - input", [("bedrock:anthropic.claude-3-5-sonnet:input-1k", _usd)]),
    ("Bedrock", r"Anthropic Claude 3\.5 Sonnet - output", [("bedrock:anthropic.claude-3-5-sonnet:output-1k", _usd)]),
    ("Bedrock", r"Anthropic Claude 3 Haiku - input", [("bedrock:anthropic.claude-3-haiku:input-1k", _usd)]),
    ("Bedrock", r"Anthropic Claude 3 Haiku - output", [("bedrock:anthropic.claude-3-haiku:output-1k", _usd)]),
    ("Bedrock", r"Anthropic Claude 3\.5 Haiku - input/output",
     [("bedrock:anthropic.claude-3-5-haiku:input-1k", _usd),
      ("bedrock:anthropic.claude-3-5-haiku:output-1k", _OUTPUT_IN_UNIT)]),
    ("Bedrock", r"Meta Llama 3 70B Instruct.* - input", [("bedrock:meta.llama3-70b-instruct:input-1k", _usd)]),
    ("Bedrock", r"Meta Llama 3 70B Instruct - output", [("bedrock:meta.llama3-70b-instruct:output-1k", _usd)]),
    ("Bedrock", r"Amazon Nova Pro - input/output",
     [("bedrock:amazon.nova-pro:input-1k", _usd), ("bedrock:amazon.nova-pro:output-1k", _OUTPUT_IN_UNIT)]),
]

#: Reference entries deliberately not used, with the reason (anything else unmatched fails the build).
REFERENCE_IGNORED: list[tuple[str, str, str]] = [
    ("EC2", r".*\(cross-check\)", "duplicate of the Karpenter row"),
    ("EKS", r"Cluster, extended support", "no component prices it (clusters pin a standard-support version)"),
    ("DynamoDB", r"On-demand backup storage", "backups are AWS Backup's (backup:dynamodb-gb-month)"),
    ("DynamoDB", r".*\(OLD, before Nov-2024 cut\)", "superseded price"),
    ("DynamoDB", r"On-demand [WR]RU \(current\) - exact golden", "us-east-2 only"),
    ("DynamoDB", r"Provisioned (write|read) capacity unit", "us-east-2 only (us-east-1 row used)"),
    ("ElastiCache", r".*Redis OSS engine", "Valkey engine prices are used (noted on the point)"),
    ("Data transfer (EC2)", r"Outbound to other AWS regions", "no canonical key"),
    ("Bedrock", r"Amazon Titan Text Express.*", "model not in the catalog"),
]

CLOUDFRONT_GEOGRAPHY = {"NA": ("us-east-1", "us-west-2"), "EU": ("eu-west-1", "eu-central-1")}
GEOGRAPHY_NOTE = {"NA": "Edge geography United States/Mexico/Canada.", "EU": "Edge geography Europe/Israel."}


def _entry_regions(entry: dict[str, Any], key: str) -> tuple[tuple[str, ...], str]:
    """Target regions for a reference entry, plus an extra note."""
    region = str(entry["region"])
    if key in ("route53:hosted-zone-month", "route53:queries-million"):
        return (GLOBAL_REGION,), ""
    geo = re.fullmatch(r"global \(edge location (NA|EU)\)", region)
    if geo:
        return CLOUDFRONT_GEOGRAPHY[geo.group(1)], GEOGRAPHY_NOTE[geo.group(1)]
    if region == "all commercial regions":
        return REGIONS, ""
    return ((region,) if region in REGIONS else ()), ""


def _valkey_note(entries: list[dict[str, Any]], node: str, region: str) -> str:
    for e in entries:
        if e["service"] == "ElastiCache" and e["item"] == f"{node} on-demand node, Redis OSS engine" \
                and e["region"] == region:
            return f"Valkey engine price; Redis OSS engine costs {e['usd']} per node-hour."
    return "Valkey engine price."


def reference_points(doc: dict[str, Any], default_as_of: str) -> Points:
    """Map the reference YAML entries onto canonical (key, region) points."""
    entries: list[dict[str, Any]] = doc["prices"]
    points: Points = {}
    last_source: dict[str, str] = {}
    for entry in entries:
        service, item = str(entry["service"]), str(entry["item"])
        source = str(entry["source"])
        if re.match(r"^(same as|see) .*entry", source):
            source = last_source.get(service, source)
        last_source[service] = source
        as_of, date_note = as_of_date(str(entry["as_of"]), default_as_of)
        base_note = str(entry.get("note") or "")
        targets: list[tuple[str, Extractor]] = []
        ec2 = re.fullmatch(r"([a-z0-9]+\.[a-z0-9]+) on-demand Linux shared tenancy", item)
        if service == "EC2" and ec2:
            targets = [(f"ec2:{ec2.group(1)}", _usd)]
        else:
            for r_service, pattern, outs in REFERENCE_RULES:
                match = re.fullmatch(pattern, item) if service == r_service else None
                if match:
                    targets = outs or [(f"elasticache:{match.group(1)}", _usd)]
                    break
        if not targets:
            if any(service == s and re.fullmatch(p, item) for s, p, _ in REFERENCE_IGNORED):
                continue
            raise BuildError(f"reference entry not mapped: {service} / {item} ({entry['region']})")
        for key, extract in targets:
            if key not in KEY_UNITS:
                continue  # e.g. an EC2 type outside the catalog
            regions, geo_note = _entry_regions(entry, key)
            for region in regions:
                note = base_note
                if key.startswith("elasticache:"):
                    note = join(_valkey_note(entries, key.split(":", 1)[1], str(entry["region"])), note)
                point = make_point(key, region, extract(entry), as_of=as_of, source=source,
                                    confidence=str(entry["confidence"]),
                                    note=join(geo_note, note, date_note))
                put(points, point, f"reference {service} / {item}")
    return points


