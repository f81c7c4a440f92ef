"""Build the embedded price snapshot (offline tooling, deterministic).

    python -m tools.build_snapshot [--reference tools/reference/aws-list-prices.yaml]
                                     [--manual pricing/data/manual_prices.yaml]
                                     [--output pricing/data/snapshot.json] [--check]

Steps: (1) map every entry of the reference YAML to (key, region) points, keeping its
source and confidence; (2) add the manual table's prices where the reference has none;
(3) derive missing EC2 sizes within a family (linear scaling); (4) price EC2 families
without any regional price from a sibling family's regional ratio (approximation);
(5) attach tier tables; (6) copy us-east-1 prices to the remaining regions as marked
approximations; (7) fail unless every canonical (key, region) pair is present.
The output depends only on the two input files, so re-running reproduces it byte for byte.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import yaml

from pricing.catalog import EMBEDDED_SNAPSHOT
from pricing.keys import GLOBAL_REGION, KEY_UNITS, REGIONS, canonical_pairs
from pricing.services import service_code_for
from pricing.snapshot import PricePoint, PriceTier, build_document
from sizing.instances import INSTANCE_SHAPES

EC2_INSTANCE_TYPES: tuple[str, ...] = tuple(INSTANCE_SHAPES)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = Path(__file__).resolve().parent / "reference" / "aws-list-prices.yaml"
DEFAULT_MANUAL = REPO_ROOT / "pricing" / "data" / "manual_prices.yaml"

CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
EC2_SIZE_UNITS = {"medium": Decimal("0.5"), "large": Decimal(1), "xlarge": Decimal(2),
                  "2xlarge": Decimal(4)}
EC2_BASE_ORDER = ("large", "xlarge", "medium", "2xlarge")
EC2_USAGE_PREFIX = {"us-east-1": "", "us-west-2": "USW2-", "eu-west-1": "EU-",
                    "eu-central-1": "EUC1-", "ap-southeast-1": "APS1-"}
US_EAST_1_APPROX = "us-east-1 price used; no regional source"
_LEADING_DATE = re.compile(r"^(?:golden last changed |effective )?(\d{4}-\d{2}-\d{2})\b")


class BuildError(RuntimeError):
    """The inputs cannot produce a complete, consistent snapshot."""


Points = dict[tuple[str, str], PricePoint]

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


def _as_of(text: str, default: str) -> tuple[str, str]:
    """The date a reference as_of text leads with, and the original text when it is not exact.

    Only a leading date counts ("2026-07-20 (...)", "golden last changed 2024-07-01; ...",
    "effective 2024-11-01"); texts such as "unknown (... matches 2026-07-20 ...)" get the
    snapshot date and keep their text in the note.
    """
    match = _LEADING_DATE.match(text.strip())
    if match and text.strip() == match.group(1):
        return match.group(1), ""
    if match:
        return match.group(1), f"Source date: {text}"
    return default, f"Source date: {text} (snapshot date used)"


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _make_point(key: str, region: str, usd: str, *, as_of: str, source: str, confidence: str,
                note: str, approximation: str | None = None,
                tiers: tuple[PriceTier, ...] = ()) -> PricePoint:
    if confidence not in CONFIDENCE_RANK:
        raise BuildError(f"{key}/{region}: confidence must be high|medium|low, got {confidence!r}")
    usage_type = None
    if key.startswith("ec2:") and key != "ec2:t-unlimited-vcpu-hour":
        usage_type = f"{EC2_USAGE_PREFIX[region]}BoxUsage:{key[4:]}"
    return PricePoint(
        key=key, region=region, unit=KEY_UNITS[key], usd=Decimal(usd), as_of=as_of,
        source=source, confidence=confidence, note=note, approximation=approximation,
        service_code=service_code_for(key), usage_type=usage_type, sku=None, tiers=tiers,
    )


def _put(points: Points, point: PricePoint, origin: str) -> None:
    pair = (point.key, point.region)
    if pair in points:
        existing = points[pair]
        if existing.usd != point.usd:
            raise BuildError(f"{origin}: conflicting prices for {pair}: {existing.usd} vs {point.usd}")
        return
    points[pair] = point


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
        as_of, date_note = _as_of(str(entry["as_of"]), default_as_of)
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
                    note = _join(_valkey_note(entries, key.split(":", 1)[1], str(entry["region"])), note)
                point = _make_point(key, region, extract(entry), as_of=as_of, source=source,
                                    confidence=str(entry["confidence"]),
                                    note=_join(geo_note, note, date_note))
                _put(points, point, f"reference {service} / {item}")
    return points


# ---------------------------------------------------------------------------
# Manual table
# ---------------------------------------------------------------------------
def _by_region(value: Any, region: str, field: str, key: str) -> str:
    if isinstance(value, dict):
        if region not in value:
            raise BuildError(f"manual {key}: '{field}' has no entry for {region}")
        return str(value[region])
    return str(value)


def manual_points(manual: dict[str, Any], points: Points) -> None:
    """Add the manual table's prices where the reference has none (reference wins)."""
    as_of = str(manual["as_of"])
    for entry in manual.get("prices", []):
        key = entry["key"]
        if key not in KEY_UNITS:
            raise BuildError(f"manual price for unknown key {key!r}")
        for region, usd in entry["usd"].items():
            if (key, region) in points:
                continue
            points[(key, region)] = _make_point(
                key, region, str(usd), as_of=as_of, source=entry["source"],
                confidence=_by_region(entry["confidence"], region, "confidence", key),
                note=entry.get("note", ""))


def _match_keys(patterns: Iterable[str]) -> list[str]:
    keys = [k for k in KEY_UNITS if any(fnmatch.fnmatchcase(k, p) for p in patterns)]
    if not keys:
        raise BuildError(f"manual key patterns match nothing: {list(patterns)}")
    return keys


def copy_same_price(manual: dict[str, Any], points: Points) -> None:
    """Copy prices known to be identical in another region (not approximations)."""
    for entry in manual.get("copy_same_price", []):
        for key in _match_keys(entry["keys"]):
            src = points.get((key, entry["from_region"]))
            if src is None:
                raise BuildError(f"copy_same_price: no {key} in {entry['from_region']}")
            for region in entry["regions"]:
                if (key, region) not in points:
                    points[(key, region)] = replace(
                        src, region=region, source=entry["source"], confidence=entry["confidence"],
                        as_of=str(manual["as_of"]), note=_join(entry["note"], src.note))


def copy_from_us_east_1(manual: dict[str, Any], points: Points) -> None:
    """Copy us-east-1 points into regions without a price, marked as approximations."""
    for entry in manual.get("copy_from_us_east_1", []):
        for key in _match_keys(entry["keys"]):
            src = points.get((key, "us-east-1"))
            if src is None:
                raise BuildError(f"copy_from_us_east_1: no us-east-1 price for {key}")
            for region in entry["regions"]:
                if (key, region) in points:
                    continue
                points[(key, region)] = replace(
                    src, region=region, confidence="low", approximation=US_EAST_1_APPROX,
                    source=f"{src.source} (us-east-1 price)",
                    note=_join(entry.get("note", ""), f"us-east-1 point was confidence {src.confidence}.",
                               src.note))


# ---------------------------------------------------------------------------
# EC2 derivations
# ---------------------------------------------------------------------------
def _split(instance_type: str) -> tuple[str, str]:
    family, size = instance_type.split(".", 1)
    return family, size


def _factor_text(factor: Decimal) -> str:
    return format(factor.normalize(), "f")


def derive_ec2_sizes(points: Points) -> None:
    """Missing EC2 sizes = same-family price in the region scaled by size (AWS scales linearly)."""
    originals = dict(points)
    for itype in EC2_INSTANCE_TYPES:
        family, size = _split(itype)
        for region in REGIONS:
            if (f"ec2:{itype}", region) in points:
                continue
            bases = [originals[(f"ec2:{family}.{s}", region)] for s in EC2_BASE_ORDER
                     if (f"ec2:{family}.{s}", region) in originals]
            if not bases:
                continue
            base = min(bases, key=lambda p: CONFIDENCE_RANK[p.confidence])
            base_size = _split(base.key[4:])[1]
            factor = EC2_SIZE_UNITS[size] / EC2_SIZE_UNITS[base_size]
            confidence = "medium" if base.confidence == "high" else base.confidence
            points[(f"ec2:{itype}", region)] = _make_point(
                f"ec2:{itype}", region, format((base.usd * factor).normalize(), "f"), as_of=base.as_of,
                source=base.source, confidence=confidence,
                note=f"derived from {base.key[4:]} x {_factor_text(factor)} "
                     f"(AWS on-demand prices scale linearly with size within a family).",
                approximation=base.approximation)


def derive_ec2_siblings(manual: dict[str, Any], points: Points) -> None:
    """Families without regional prices: us-east-1 price x the sibling family's regional ratio."""
    for family, sibling in manual.get("ec2_sibling_families", {}).items():
        for itype in (t for t in EC2_INSTANCE_TYPES if _split(t)[0] == family):
            size = _split(itype)[1]
            home = points.get((f"ec2:{itype}", "us-east-1"))
            if home is None:
                raise BuildError(f"ec2_sibling_families: no us-east-1 price for {itype}")
            for region in REGIONS:
                if (f"ec2:{itype}", region) in points:
                    continue
                sib_key = f"ec2:{sibling}.{size}"
                sib_r, sib_home = points.get((sib_key, region)), points.get((sib_key, "us-east-1"))
                if sib_r is None or sib_home is None:
                    raise BuildError(f"ec2_sibling_families: {sib_key} missing for {region}/us-east-1")
                ratio = sib_r.usd / sib_home.usd
                usd = (home.usd * ratio).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
                ratio_txt = format(ratio.quantize(Decimal("0.001")), "f")
                points[(f"ec2:{itype}", region)] = _make_point(
                    f"ec2:{itype}", region, format(usd, "f"), as_of=home.as_of,
                    source=f"{home.source} (us-east-1 price, scaled)", confidence="low",
                    note=f"{sibling}.{size} {region}/us-east-1 ratio {sib_r.usd}/{sib_home.usd}. {home.note}",
                    approximation=f"estimated: us-east-1 price x {ratio_txt} ({sibling} {region} vs "
                                  f"us-east-1 ratio); no regional source")


# ---------------------------------------------------------------------------
# Tiers
# ---------------------------------------------------------------------------
def apply_tiers(manual: dict[str, Any], points: Points) -> None:
    """Attach tier tables; the first tier must equal the point's price."""
    for entry in manual.get("tiers", []):
        key = entry["key"]
        tiers = tuple(PriceTier(Decimal(str(b)), None if e is None else Decimal(str(e)), Decimal(str(u)))
                      for b, e, u in entry["tiers"])
        _check_tiers(key, tiers)
        for region in entry["regions"]:
            point = points.get((key, region))
            if point is None:
                raise BuildError(f"tiers for {key}/{region}: no point to attach them to")
            if point.usd != tiers[0].usd:
                raise BuildError(f"tiers for {key}/{region}: first tier {tiers[0].usd} != price {point.usd}")
            confidence = max(point.confidence, entry["confidence"], key=CONFIDENCE_RANK.__getitem__)
            points[(key, region)] = replace(
                point, tiers=tiers, confidence=confidence,
                source=_join(point.source, "; tiers:", entry["source"]),
                note=_join(point.note, entry["note"]))


def _check_tiers(key: str, tiers: tuple[PriceTier, ...]) -> None:
    if not tiers or tiers[0].begin_units != 0:
        raise BuildError(f"tiers for {key} must start at 0")
    for a, b in zip(tiers, tiers[1:]):
        if a.end_units is None or a.end_units != b.begin_units:
            raise BuildError(f"tiers for {key} are not contiguous at {a.end_units}")
    if tiers[-1].end_units is not None:
        raise BuildError(f"last tier for {key} must be open-ended (end null)")


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------
def build_points(reference: dict[str, Any], manual: dict[str, Any]) -> list[PricePoint]:
    """All snapshot points from the two inputs; BuildError if any canonical pair is missing."""
    as_of = str(manual["as_of"])
    points = reference_points(reference, as_of)
    manual_points(manual, points)
    copy_same_price(manual, points)
    derive_ec2_sizes(points)
    derive_ec2_siblings(manual, points)
    apply_tiers(manual, points)
    copy_from_us_east_1(manual, points)
    required = set(canonical_pairs())
    missing = sorted(required - points.keys())
    if missing:
        raise BuildError("no price for: " + ", ".join(f"{k}/{r}" for k, r in missing))
    extra = sorted(points.keys() - required)
    if extra:
        raise BuildError("non-canonical points: " + ", ".join(f"{k}/{r}" for k, r in extra))
    return sorted(points.values(), key=lambda p: (p.key, p.region))


def sources_list(reference: dict[str, Any], reference_name: str, manual_name: str) -> list[str]:
    """Header sources: the reference file and its main sources, then the manual table."""
    compiled = reference.get("meta", {}).get("compiled", "")
    return [f"{reference_name} (compiled {compiled})".strip(),
            *[str(s) for s in reference.get("meta", {}).get("main_sources", [])],
            f"{manual_name} (AWS pricing pages, recalled; regional copies marked as approximations)"]


def build(reference_path: Path, manual_path: Path) -> tuple[list[PricePoint], dict[str, Any], str]:
    """(points, JSON document, serialized text) for the inputs; deterministic."""
    import json

    reference = yaml.safe_load(reference_path.read_text(encoding="utf-8"))
    manual = yaml.safe_load(manual_path.read_text(encoding="utf-8"))
    points = build_points(reference, manual)
    as_of = str(manual["as_of"])
    _, doc = build_document(points, as_of=as_of,
                            sources=sources_list(reference, "aws-list-prices.yaml",
                                                 "pricing/data/manual_prices.yaml"),
                            built_at=f"{as_of}T00:00:00+00:00")
    return points, doc, json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; exit 0 on success, 1 when the build fails or --check finds drift."""
    from pricing.files import write_atomic

    parser = argparse.ArgumentParser(prog="python -m tools.build_snapshot", description=__doc__.split("\n")[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--manual", type=Path, default=DEFAULT_MANUAL)
    parser.add_argument("--output", type=Path, default=EMBEDDED_SNAPSHOT)
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if OUTPUT differs from a fresh build")
    args = parser.parse_args(argv)
    try:
        points, doc, text = build(args.reference, args.manual)
    except (BuildError, OSError, yaml.YAMLError, KeyError) as exc:
        print(f"snapshot build failed: {exc}", file=sys.stderr)
        return 1
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run python -m tools.build_snapshot", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({len(points)} points)")
        return 0
    write_atomic(args.output, text)
    by_conf: dict[str, int] = {}
    for p in points:
        by_conf[p.confidence] = by_conf.get(p.confidence, 0) + 1
    approx = sum(1 for p in points if p.approximation)
    print(f"wrote {args.output}: {doc['header']['point_count']} points, {doc['header']['key_count']} keys, "
          f"confidence {by_conf}, {approx} approximations, {doc['header']['checksum']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
