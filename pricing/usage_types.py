"""Usage-type spellings: a price key's usage type as AWS bills it in a Region, its operation, and its unit.

One place: the usage type (without the Region's prefix) is the first of the key's `Refresh.usagetypes` in its
service module (the spelling the price refresh matches first and AWS bills today); the Region's prefix comes
from REGION_PREFIX below. The AWS Pricing Calculator export (pricing/calculator_usage.py) sends exactly these
spellings, the offer-file fixtures are checked against them (tests/pricing/test_usage_types.py) and the bill
review's rules must match them (review/mapping.py `bill_line_of`, tested for every key and Region in tests/review/test_usage_type_rules.py).

Prefix rules (docs/sizing-facts.md § Usage-type Region prefixes):
- regional keys: the Region's billing short code and a dash (``EUC1-VpcEndpoint-Hours``); eu-west-1 is ``EU``;
- us-east-1: no prefix for the services that predate the codes (EC2 instances, EBS, NAT gateways, S3, data
  transfer), ``USE1-`` for the others;
- AWS KMS: the Region code itself (``eu-west-1-KMS-Requests``);
- CloudFront (edge keys): the edge geography of the users (``US-``, ``EU-``, ``AP-``);
- global keys (Route 53): no prefix.
"""
from __future__ import annotations

from decimal import Decimal

from pricing.price_list import edge_geography
from pricing.services import KEYS
from pricing.services.base import Refresh

#: Region -> the short code AWS puts in front of usage types [S220]. Every scenario Region is here.
REGION_PREFIX: dict[str, str] = {
    "us-east-1": "USE1", "us-east-2": "USE2", "us-west-1": "USW1", "us-west-2": "USW2",
    "ca-central-1": "CAN1", "eu-west-1": "EU", "eu-west-2": "EUW2", "eu-west-3": "EUW3",
    "eu-central-1": "EUC1", "eu-north-1": "EUN1", "eu-south-1": "EUS1", "ap-southeast-1": "APS1",
    "ap-southeast-2": "APS2", "ap-south-1": "APS3", "ap-northeast-1": "APN1", "ap-northeast-2": "APN2",
    "ap-northeast-3": "APN3", "sa-east-1": "SAE1",
}
#: Price List service codes whose us-east-1 usage types carry no prefix (``BoxUsage:m5.large``) [S221].
US_EAST_1_UNPREFIXED: frozenset[str] = frozenset({"AmazonEC2", "AmazonS3", "AWSDataTransfer"})
#: Service codes whose usage types start with the Region code itself (``us-east-1-KMS-Keys``).
REGION_CODE_PREFIXED: frozenset[str] = frozenset({"awskms"})


class NoUsageType(LookupError):
    """A key tiersizer has no usage-type spelling for (the reason says why)."""


def _rule(key: str) -> Refresh:
    info = KEYS.get(key)
    if info is None:
        raise NoUsageType(f"unknown price key {key!r}")
    if not isinstance(info.refresh, Refresh):
        raise NoUsageType(f"{key}: its price is kept from the snapshot ({info.refresh.reason}); no usage type recorded")
    if not info.refresh.billed_usage_type:
        raise NoUsageType(f"{key}: matched in the price list by attributes (model, feature), not by a usage type; "
                          f"no usage-type spelling to send")
    return info.refresh


def region_prefix(service_code: str, scope: str, region: str) -> str:
    """The text in front of a usage type of `service_code` in `region` ('' when none), dash included."""
    if scope == "global":
        return ""
    if scope == "edge":
        return f"{edge_geography(region)}-"
    if service_code in REGION_CODE_PREFIXED:
        return f"{region}-"
    if region == "us-east-1" and service_code in US_EAST_1_UNPREFIXED:
        return ""
    if region not in REGION_PREFIX:
        raise NoUsageType(f"no usage-type prefix known for Region {region!r}; known: {', '.join(REGION_PREFIX)}")
    return f"{REGION_PREFIX[region]}-"


def usage_type(key: str, region: str) -> str:
    """The usage type AWS bills `key` under in `region` (``EU-NatGateway-Hours``); NoUsageType if none."""
    rule = _rule(key)
    return region_prefix(rule.service_code, rule.scope, region) + rule.billed_usage_type


def service_code(key: str) -> str:
    """The Price List service code of `key` (what the Pricing Calculator calls serviceCode)."""
    return _rule(key).service_code


def operation(key: str) -> str:
    """The price list's operation for `key` ('' where the service module records none)."""
    return _rule(key).operation


def amount_factor(key: str) -> Decimal:
    """Price-list units per catalog unit: a quantity in the estimate's unit x this = the amount AWS bills
    (``s3:put-requests-1k``: 1,000 requests per unit). NoUsageType when the key's accepted units disagree."""
    factors = set(_rule(key).units.values())
    if len(factors) != 1:
        raise NoUsageType(f"{key}: its price-list units convert differently ({sorted(factors)}); no single amount")
    return next(iter(factors))
