"""Usage-type spellings (pricing/usage_types.py) against the offer-file fixtures, and the prefix rules by hand."""
from __future__ import annotations

from decimal import Decimal

import pytest

from pricing.price_list import match_product
from pricing.services import KEYS
from pricing.usage_types import REGION_PREFIX, NoUsageType, amount_factor, operation, usage_type
from sizing.scenario import REGIONS
from tests.helpers import offer_files as H


def fixture_items(region: str) -> list[H.Item]:
    geo = {"us": "US", "eu": "EU", "ap": "AP"}[region[:2]]
    return [*H.ec2_full(region), *H.dynamodb_full(region), *H.eks(region, "0.10", "0.60"),
            *H.alb(region, "0.0225", "0.008"), *H.cloudfront(geo, [("0", "Inf", "0.085")], "0.000001"),
            *H.cloudwatch(region, "0.5", "0.03", [("0", "Inf", "0.3")], "0.1", "3"), *H.kms(region, "1", "0.000003"),
            *H.waf(region, "5", "1", "0.0000006"), *H.vpc(region, "0.005", "0.01", "0.01")]


#: Keys with a usage type but no product in the fixtures (checked by the bill-rule test only).
NOT_IN_FIXTURES = {"cloudtrail:data-events-100k", "config:configuration-item", "config:rule-evaluation",
                   "datatransfer:internet-out-gb", "datatransfer:inter-az-gb",
                   "elasticache:cache.t3.medium", "elasticache:cache.r6g.large", "route53:hosted-zone-month",
                   "route53:queries-million", "s3:standard-gb-month", "s3:put-requests-1k", "s3:get-requests-1k",
                   "secretsmanager:secret-month", "secretsmanager:api-requests-10k", "securityhub:check",
                   "xray:traces-million"}


@pytest.mark.parametrize("region", sorted(H.PREFIX))
def test_usage_types_match_the_offer_file_fixtures(region: str) -> None:
    """Each key's usage type and operation are those of the fixture product the refresh prices it from."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for item in fixture_items(region):
        for key, _ in match_product(item.service_code, item.product(), [region]):
            seen.setdefault(key, []).append((item.attributes["usagetype"], item.attributes.get("operation", "")))
    spelled = set()
    for key in KEYS:
        try:
            spelled.add((key, usage_type(key, region)))
        except NoUsageType:
            continue
    assert {k for k, _ in spelled} - set(seen) == NOT_IN_FIXTURES
    for key, ut in spelled:
        if key in seen:
            assert ut in [u for u, _ in seen[key]], (key, ut, seen[key])
            ops = {o for u, o in seen[key] if u == ut and o}
            assert not ops or operation(key) in ops, (key, operation(key), ops)


def test_prefix_rules_by_hand() -> None:
    # EC2 instances in us-east-1 carry no prefix, elsewhere the Region's short code [S220, S221]
    assert usage_type("ec2:m5.large", "us-east-1") == "BoxUsage:m5.large"
    assert usage_type("ec2:m5.large", "eu-west-1") == "EU-BoxUsage:m5.large"
    assert usage_type("vpc:nat-gateway-hour", "eu-central-1") == "EUC1-NatGateway-Hours"
    assert usage_type("eks:cluster-hour", "us-east-1") == "USE1-AmazonEKS-Hours:perCluster"
    assert usage_type("s3:put-requests-1k", "us-east-1") == "Requests-Tier1"
    assert usage_type("kms:requests-10k", "ap-southeast-1") == "ap-southeast-1-KMS-Requests"
    assert usage_type("cloudfront:data-out-gb", "eu-central-1") == "EU-DataTransfer-Out-Bytes"
    assert usage_type("route53:hosted-zone-month", "us-west-2") == "HostedZone"
    assert usage_type("waf:web-acl-month", "us-west-2") == "USW2-WebACLV2"
    assert set(REGIONS) <= set(REGION_PREFIX)


def test_amounts_and_what_has_no_spelling() -> None:
    assert amount_factor("s3:put-requests-1k") == Decimal(1000)          # a 1k-requests unit = 1,000 requests
    assert amount_factor("waf:requests-million") == Decimal(1_000_000)
    assert amount_factor("ec2:m5.large") == Decimal(1)
    assert operation("ec2:m5.large") == "RunInstances" and operation("kms:key-month") == ""
    for key, why in (("bedrock:anthropic.claude-haiku-4-5:input-1k", "attributes"),
                     ("backup:dynamodb-gb-month", "kept from the snapshot"), ("nope:x", "unknown price key")):
        with pytest.raises(NoUsageType, match=why):
            usage_type(key, "us-east-1")
    with pytest.raises(NoUsageType, match="no usage-type prefix known for Region 'mars-1'"):
        usage_type("ec2:m5.large", "mars-1")


def test_every_exported_spelling_fits_the_api_fields() -> None:
    """BatchCreateWorkloadEstimateUsageEntry: usageType <= 128 and operation <= 32 of [-a-zA-Z0-9.\\-_:, /()],
    group <= 30 of [a-zA-Z0-9-], key <= 10 of [a-zA-Z0-9] (botocore model, docs/sizing-facts.md [S222])."""
    import re

    from pricing.calculator_usage import group_name, usage_lines
    from pricing.engine import estimate
    from sizing.scenario import parse_scenario

    field = re.compile(r"^[-a-zA-Z0-9.\-_:, /()]*$")
    for region in REGIONS:
        for key in KEYS:
            try:
                ut, op = usage_type(key, region), operation(key)
            except NoUsageType:
                continue
            assert len(ut) <= 128 and field.match(ut) and len(op) <= 32 and field.match(op), (key, ut, op)
        est = estimate(parse_scenario({"name": "x", "region": region, "environment": "prod",
                                       "compliance": ["pci", "hipaa"]}))
        lines, _ = usage_lines(est.lines, region)
        assert lines and all(re.match(r"^[a-zA-Z0-9]{1,10}$", ln.key) for ln in lines)
        assert all(re.match(r"^[a-zA-Z0-9-]{0,30}$", ln.group) for ln in lines)
    assert group_name("Secrets Manager") == "Secrets-Manager" and group_name("AWS Backup (DR)") == "AWS-Backup-DR"
