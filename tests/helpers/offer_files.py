"""Build AWS price-list entries and bulk offer files in the real format, for tests and the benchmark.

Shapes follow the AWS Price List (``get_products`` PriceList entries and bulk offer files):
``product`` {sku, productFamily, attributes}, ``terms.OnDemand.<sku>.<sku.termCode>.priceDimensions
.<sku.termCode.rateCode>`` {unit, pricePerUnit.USD, beginRange, endRange, description}.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ON_DEMAND_TERM = "JRTCKXETXF"
RESERVED_TERM = "4NA7Y494T4"
RATE_CODE = "6YS6EN2CT7"
PUBLICATION = "2026-11-01T00:00:00Z"
PREFIX = {"us-east-1": "USE1", "us-west-2": "USW2", "eu-west-1": "EU", "eu-central-1": "EUC1",
          "ap-southeast-1": "APS1", "ap-northeast-1": "APN1"}
LOCATION = {"us-east-1": "US East (N. Virginia)", "us-west-2": "US West (Oregon)", "eu-west-1": "EU (Ireland)",
            "eu-central-1": "EU (Frankfurt)", "ap-southeast-1": "Asia Pacific (Singapore)",
            "ap-northeast-1": "Asia Pacific (Tokyo)"}


def make_sku(*parts: object) -> str:
    """Deterministic 16-character SKU like AWS's."""
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16].upper()


@dataclass
class Dim:
    """One price dimension (a tier when begin/end are set)."""

    unit: str
    usd: str
    begin: str = "0"
    end: str = "Inf"
    description: str = ""


@dataclass
class Item:
    """A product with its on-demand dimensions (None: the product has no on-demand term)."""

    service_code: str
    sku: str
    product_family: str
    attributes: dict[str, str]
    dims: list[Dim] | None
    reserved: bool = False
    extra_terms: dict[str, Any] = field(default_factory=dict)

    def product(self) -> dict[str, Any]:
        """The ``product`` object."""
        return {"productFamily": self.product_family, "attributes": self.attributes, "sku": self.sku}

    def on_demand(self) -> dict[str, Any] | None:
        """``terms.OnDemand[sku]``: offerTermCode -> term."""
        if self.dims is None:
            return None
        code = f"{self.sku}.{ON_DEMAND_TERM}"
        dims = {}
        for i, d in enumerate(self.dims):
            rate = f"{code}.{RATE_CODE}" if len(self.dims) == 1 else f"{code}.{RATE_CODE[:-1]}{i}"
            dims[rate] = {"rateCode": rate, "description": d.description or f"${d.usd} per {d.unit}",
                          "beginRange": d.begin, "endRange": d.end, "unit": d.unit,
                          "pricePerUnit": {"USD": d.usd}, "appliesTo": []}
        return {code: {"priceDimensions": dims, "sku": self.sku, "effectiveDate": "2026-11-01T00:00:00Z",
                       "offerTermCode": ON_DEMAND_TERM, "termAttributes": {}}}

    def reserved_terms(self) -> dict[str, Any] | None:
        """A 1-year no-upfront reserved term (ignored by the ingest)."""
        if not self.reserved:
            return None
        code = f"{self.sku}.{RESERVED_TERM}"
        return {code: {"priceDimensions": {f"{code}.{RATE_CODE}": {
            "rateCode": f"{code}.{RATE_CODE}", "description": "Linux/UNIX reserved", "beginRange": "0",
            "endRange": "Inf", "unit": "Hrs", "pricePerUnit": {"USD": "0.0260000000"}, "appliesTo": []}},
            "sku": self.sku, "effectiveDate": "2026-11-01T00:00:00Z", "offerTermCode": RESERVED_TERM,
            "termAttributes": {"LeaseContractLength": "1yr", "OfferingClass": "standard",
                               "PurchaseOption": "No Upfront"}}}

    def price_list_entry(self, publication: str = PUBLICATION) -> str:
        """The JSON string ``get_products`` returns in ``PriceList``."""
        terms: dict[str, Any] = {}
        if (od := self.on_demand()) is not None:
            terms["OnDemand"] = {next(iter(od)): next(iter(od.values()))}
        if (rs := self.reserved_terms()) is not None:
            terms["Reserved"] = rs
        return json.dumps({"product": self.product(), "serviceCode": self.service_code, "terms": terms,
                           "version": "20261101000000", "publicationDate": publication})


def _ut(region: str, name: str, *, bare_in_use1: bool = False) -> str:
    if bare_in_use1 and region == "us-east-1":
        return name
    return f"{PREFIX[region]}-{name}"


def _base(region: str, usagetype: str, service_code: str, **attrs: str) -> dict[str, str]:
    return {"servicecode": service_code, "location": LOCATION.get(region, region), "locationType": "AWS Region",
            "regionCode": region, "usagetype": usagetype, **attrs}


# ---- product builders (one per key family) ---------------------------------
def ec2_instance(region: str, itype: str, usd: str, *, os: str = "Linux", tenancy: str = "Shared",
                 capacity: str = "Used", sw: str = "NA") -> Item:
    """EC2 Compute Instance (with a reserved term, as in real data)."""
    ut = _ut(region, f"BoxUsage:{itype}", bare_in_use1=True) if tenancy == "Shared" else \
        _ut(region, f"DedicatedUsage:{itype}", bare_in_use1=True)
    attrs = _base(region, ut, "AmazonEC2", instanceType=itype, operatingSystem=os, tenancy=tenancy,
                  capacitystatus=capacity, preInstalledSw=sw, licenseModel="No License required",
                  operation="RunInstances", vcpu="2", memory="4 GiB", instanceFamily="General purpose",
                  marketoption="OnDemand")
    return Item("AmazonEC2", make_sku("ec2", region, itype, os, tenancy, capacity, sw), "Compute Instance", attrs,
                [Dim("Hrs", usd, description=f"${usd} per On Demand {os} {itype} Instance Hour")], reserved=True)


def ec2_cpu_credits(region: str, usd: str) -> Item:
    return Item("AmazonEC2", make_sku("cpucredit", region), "CPU Credits",
                _base(region, _ut(region, "CPUCredits:t3", bare_in_use1=True), "AmazonEC2", operatingSystem="Linux",
                      instance="t3"), [Dim("vCPU-Hours", usd)])


def ebs_gp3(region: str, usd: str) -> Item:
    return Item("AmazonEC2", make_sku("gp3", region), "Storage",
                _base(region, _ut(region, "EBS:VolumeUsage.gp3", bare_in_use1=True), "AmazonEC2",
                      volumeApiName="gp3", volumeType="General Purpose"), [Dim("GB-Mo", usd)])


def nat(region: str, hour_usd: str, gb_usd: str) -> list[Item]:
    return [Item("AmazonEC2", make_sku("nat-h", region), "NAT Gateway",
                 _base(region, _ut(region, "NatGateway-Hours", bare_in_use1=True), "AmazonEC2",
                       group="NGW:NatGateway", operation="NatGateway"), [Dim("Hrs", hour_usd)]),
            Item("AmazonEC2", make_sku("nat-b", region), "NAT Gateway",
                 _base(region, _ut(region, "NatGateway-Bytes", bare_in_use1=True), "AmazonEC2",
                       group="NGW:NatGateway", operation="NatGateway"), [Dim("GB", gb_usd)])]


def eks(region: str, usd: str, extended_usd: str) -> list[Item]:
    return [Item("AmazonEKS", make_sku("eks", region), "Compute",
                 _base(region, _ut(region, "AmazonEKS-Hours:perCluster"), "AmazonEKS", operation="CreateOperation"),
                 [Dim("Hours", usd)]),
            Item("AmazonEKS", make_sku("eks-x", region), "Compute",
                 _base(region, _ut(region, "AmazonEKS-Hours:extendedSupport"), "AmazonEKS",
                       operation="ExtendedSupport"), [Dim("Hours", extended_usd)])]


def alb(region: str, hour_usd: str, lcu_usd: str) -> list[Item]:
    fam = "Load Balancer-Application"
    return [Item("AWSELB", make_sku("alb-h", region), fam,
                 _base(region, _ut(region, "LoadBalancerUsage"), "AWSELB", operation="LoadBalancing:Application"),
                 [Dim("Hrs", hour_usd)]),
            Item("AWSELB", make_sku("alb-lcu", region), fam,
                 _base(region, _ut(region, "LCUUsage"), "AWSELB", operation="LoadBalancing:Application"),
                 [Dim("LCU-Hrs", lcu_usd)]),
            # Network Load Balancer: same usagetype name, other family -> must not match elb:alb-hour
            Item("AWSELB", make_sku("nlb-h", region), "Load Balancer-Network",
                 _base(region, _ut(region, "LoadBalancerUsage"), "AWSELB", operation="LoadBalancing:Network"),
                 [Dim("Hrs", "0.0999")])]


def dynamodb(region: str, wru_per_unit: str, rru_per_unit: str, storage: str = "0.25") -> list[Item]:
    """On-demand request units are priced per unit in the price list (catalog: per million)."""
    return [Item("AmazonDynamoDB", make_sku("ddb-w", region), "Amazon DynamoDB PayPerRequest Throughput",
                 _base(region, _ut(region, "WriteRequestUnits"), "AmazonDynamoDB", group="DDB-WriteUnits"),
                 [Dim("WriteRequestUnits", wru_per_unit)]),
            Item("AmazonDynamoDB", make_sku("ddb-r", region), "Amazon DynamoDB PayPerRequest Throughput",
                 _base(region, _ut(region, "ReadRequestUnits"), "AmazonDynamoDB", group="DDB-ReadUnits"),
                 [Dim("ReadRequestUnits", rru_per_unit)]),
            Item("AmazonDynamoDB", make_sku("ddb-rw", region), "Amazon DynamoDB PayPerRequest Throughput",
                 _base(region, _ut(region, "ReplicatedWriteRequestUnits"), "AmazonDynamoDB",
                       group="DDB-ReplicatedWriteUnits"), [Dim("ReplicatedWriteRequestUnits", "0.000000999")]),
            Item("AmazonDynamoDB", make_sku("ddb-s", region), "Database Storage",
                 _base(region, _ut(region, "TimedStorage-ByteHrs"), "AmazonDynamoDB"),
                 [Dim("GB-Mo", "0", "0", "25", "First 25 GB free"), Dim("GB-Mo", storage, "25", "Inf")])]


def cloudfront(geo: str, tiers: Sequence[tuple[str, str, str]], https_per_request: str) -> list[Item]:
    """Global CloudFront products for one edge geography (US, EU, AP); tiers are (begin, end, usd)."""
    loc = {"US": "United States", "EU": "Europe", "AP": "Asia Pacific"}[geo]
    attrs = {"servicecode": "AmazonCloudFront", "fromLocation": loc, "location": loc, "locationType": "Other",
             "usagetype": f"{geo}-DataTransfer-Out-Bytes", "transferType": "CloudFront Outbound"}
    return [Item("AmazonCloudFront", make_sku("cf-out", geo), "Data Transfer", attrs,
                 [Dim("GB", u, b, e) for b, e, u in tiers]),
            Item("AmazonCloudFront", make_sku("cf-https", geo), "Request",
                 {"servicecode": "AmazonCloudFront", "location": loc, "locationType": "Other",
                  "usagetype": f"{geo}-Requests-Tier2-HTTPS", "requestType": "CloudFront-Request-HTTPS-Proxy"},
                 [Dim("Requests", https_per_request)])]


def cloudwatch(region: str, ingest: str, storage: str, metric_tiers: Sequence[tuple[str, str, str]],
               alarm: str, dashboard: str) -> list[Item]:
    return [Item("AmazonCloudWatch", make_sku("cw-in", region), "Data Payload",
                 _base(region, _ut(region, "DataProcessing-Bytes"), "AmazonCloudWatch", group="Ingested Logs"),
                 [Dim("GB", "0", "0", "5"), Dim("GB", ingest, "5", "Inf")]),
            Item("AmazonCloudWatch", make_sku("cw-st", region), "Storage Snapshot",
                 _base(region, _ut(region, "TimedStorage-ByteHrs"), "AmazonCloudWatch"), [Dim("GB-Mo", storage)]),
            Item("AmazonCloudWatch", make_sku("cw-m", region), "Metric",
                 _base(region, _ut(region, "CW:MetricMonitorUsage"), "AmazonCloudWatch"),
                 [Dim("Metrics", u, b, e) for b, e, u in metric_tiers]),
            Item("AmazonCloudWatch", make_sku("cw-a", region), "Alarm",
                 _base(region, _ut(region, "CW:AlarmMonitorUsage"), "AmazonCloudWatch"), [Dim("Alarms", alarm)]),
            Item("AmazonCloudWatch", make_sku("cw-d", region), "Dashboard",
                 _base(region, _ut(region, "DashboardsUsageHour-Basic"), "AmazonCloudWatch"),
                 [Dim("Dashboards", "0", "0", "3"), Dim("Dashboards", dashboard, "3", "Inf")])]


def kms(region: str, key_usd: str, request_usd: str) -> list[Item]:
    """KMS uses region-code usage-type prefixes (us-east-1-KMS-Keys)."""
    return [Item("awskms", make_sku("kms-k", region), "Encryption Key",
                 _base(region, f"{region}-KMS-Keys", "awskms"), [Dim("Keys", key_usd)]),
            Item("awskms", make_sku("kms-r", region), "API Request",
                 _base(region, f"{region}-KMS-Requests", "awskms"),
                 [Dim("Requests", "0", "0", "20000"), Dim("Requests", request_usd, "20000", "Inf")])]


def waf(region: str, acl: str, rule: str, request: str) -> list[Item]:
    return [Item("awswaf", make_sku("waf-a", region), "Web Application Firewall",
                 _base(region, _ut(region, "WebACLV2"), "awswaf", group="Web ACL"), [Dim("WebACL", acl)]),
            Item("awswaf", make_sku("waf-r", region), "Web Application Firewall",
                 _base(region, _ut(region, "RuleV2"), "awswaf", group="Rule"), [Dim("Rule", rule)]),
            Item("awswaf", make_sku("waf-q", region), "Web Application Firewall",
                 _base(region, _ut(region, "RequestV2-Tier1"), "awswaf", group="Request"),
                 [Dim("Request", request)])]


def bedrock(region: str, model: str, direction: str, usd_per_1k: str, *, feature: str = "On-demand Inference",
            suffix: str = "") -> Item:
    ut = _ut(region, f"{model.replace(' ', '')}-{direction}-tokens{suffix}")
    return Item("AmazonBedrock", make_sku("br", region, model, direction, feature, suffix), "Amazon Bedrock",
                _base(region, ut, "AmazonBedrock", model=model, provider="Anthropic" if "Claude" in model else "Amazon",
                      feature=feature, inferenceType=f"{direction.capitalize()} tokens"),
                [Dim("1K tokens", usd_per_1k)])


# ---- offer files ----------------------------------------------------------
def write_offer_file(path: Path, offer_code: str, items: Iterable[Item], *, publication: str = PUBLICATION,
                     region_code: str | None = None) -> Path:
    """Write a bulk offer file (products, then terms.OnDemand, then terms.Reserved)."""
    items = list(items)
    doc = {"formatVersion": "v1.0", "disclaimer": "This pricing list is for informational purposes only.",
           "offerCode": offer_code, "version": "20261101000000", "publicationDate": publication,
           "products": {i.sku: i.product() for i in items},
           "terms": {"OnDemand": {i.sku: od for i in items if (od := i.on_demand()) is not None},
                     "Reserved": {i.sku: rs for i in items if (rs := i.reserved_terms()) is not None}},
           "attributesList": {}}
    if region_code:
        doc["regionCode"] = region_code
    path.write_text(json.dumps(doc, indent=2))
    return path


_FILLER_TYPES = [f"{fam}.{size}" for fam in ("m5", "m5d", "m6i", "m6id", "c5", "c5d", "c6i", "r5", "r6i", "i3",
                                             "x2idn", "z1d", "g5", "p4d", "inf2", "hpc7g", "u-6tb1")
                 for size in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "metal")]
_FILLER_OS = [("Linux", "NA"), ("Windows", "NA"), ("RHEL", "NA"), ("SUSE", "NA"), ("Windows", "SQL Std"),
              ("Linux", "SQL Web"), ("Red Hat Enterprise Linux with HA", "NA")]
_FILLER_TENANCY = ["Shared", "Dedicated", "Host"]
_FILLER_CAPACITY = ["Used", "UnusedCapacityReservation", "AllocatedCapacityReservation"]


def write_synthetic_ec2_offer(path: Path, target_bytes: int, region: str = "us-east-1",
                              canonical: Sequence[tuple[str, str]] = ()) -> int:
    """Stream a real-format EC2 regional offer file of at least ``target_bytes``; return its size.

    Filler products (other types, OS, tenancies, capacity states) come first, the
    ``canonical`` (instance type, usd) products last, so an ingest has to read the whole
    products map and the whole ``terms.OnDemand`` map to find them (worst case).
    Memory stays flat: products and terms are written one at a time and the product
    sequence is regenerated for each terms section instead of being kept.
    """
    def filler() -> Iterable[Item]:
        return _filler_products(region)

    def sequence(n_filler: int) -> Iterable[Item]:
        yield from _take(filler(), n_filler)
        for itype, usd in canonical:
            yield ec2_instance(region, itype, usd)

    head = {"formatVersion": "v1.0", "disclaimer": "synthetic", "offerCode": "AmazonEC2",
            "version": "20261101000000", "publicationDate": PUBLICATION, "regionCode": region}
    # Products take ~30% of these files, terms (on-demand + reserved) the rest.
    product_budget = int(target_bytes * 0.29)
    n_filler = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(head)[:-1] + ', "products": {\n')
        written = 0
        for item in filler():
            if written >= product_budget:
                break
            text = f'{"," if n_filler else ""}\n    {json.dumps(item.sku)}: {json.dumps(item.product(), indent=6)}'
            fh.write(text)
            written += len(text)
            n_filler += 1
        for item in sequence(0):
            fh.write(f'{"," if n_filler else ""}\n    {json.dumps(item.sku)}: {json.dumps(item.product(), indent=6)}')
        fh.write('\n  },\n  "terms": {\n    "OnDemand": {')
        for i, item in enumerate(sequence(n_filler)):
            fh.write(f'{"," if i else ""}\n      {json.dumps(item.sku)}: {json.dumps(item.on_demand(), indent=8)}')
        fh.write('\n    },\n    "Reserved": {')
        for i, item in enumerate(sequence(n_filler)):
            fh.write(f'{"," if i else ""}\n      {json.dumps(item.sku)}: {json.dumps(item.reserved_terms(), indent=8)}')
        fh.write('\n    }\n  }\n}\n')
    return path.stat().st_size


def _filler_products(region: str) -> Iterable[Item]:
    """Endless EC2 products that price no catalog key: other types, OS, tenancies and capacity states."""
    import itertools

    from sizing.instances import INSTANCE_SHAPES
    combos = [(itype, os_, sw, ten, cap) for itype in _FILLER_TYPES for os_, sw in _FILLER_OS
              for ten in _FILLER_TENANCY for cap in _FILLER_CAPACITY
              # never a second on-demand price for a catalog key
              if not ((os_, sw, ten, cap) == ("Linux", "NA", "Shared", "Used") and itype in INSTANCE_SHAPES)]
    for n, (itype, os_, sw, ten, cap) in enumerate(itertools.cycle(combos)):
        item = ec2_instance(region, f"{itype}", f"{0.01 + (n % 997) / 100:.4f}", os=os_, tenancy=ten, capacity=cap,
                            sw=sw)
        item.sku = make_sku(item.sku, n)
        yield item


def _take(it: Iterable[Item], n: int) -> Iterable[Item]:
    for i, item in enumerate(it):
        if i >= n:
            return
        yield item


def vpc(region: str, ipv4: str, endpoint_hour: str, endpoint_gb: str) -> list[Item]:
    return [Item("AmazonVPC", make_sku("ipv4", region), "VPC Public IPv4 Address",
                 _base(region, _ut(region, "PublicIPv4:InUseAddress"), "AmazonVPC", group="VPCPublicIPv4Address"),
                 [Dim("Hrs", ipv4)]),
            Item("AmazonVPC", make_sku("ipv4-idle", region), "VPC Public IPv4 Address",
                 _base(region, _ut(region, "PublicIPv4:IdleAddress"), "AmazonVPC", group="VPCPublicIPv4Address"),
                 [Dim("Hrs", ipv4)]),
            Item("AmazonVPC", make_sku("vpce-h", region), "VpcEndpoint",
                 _base(region, _ut(region, "VpcEndpoint-Hours"), "AmazonVPC", endpointType="PrivateLink"),
                 [Dim("Hrs", endpoint_hour)]),
            Item("AmazonVPC", make_sku("vpce-b", region), "VpcEndpoint",
                 _base(region, _ut(region, "VpcEndpoint-Bytes"), "AmazonVPC", endpointType="PrivateLink"),
                 [Dim("GB", endpoint_gb, "0", "1048576"), Dim("GB", "0.006", "1048576", "5242880"),
                  Dim("GB", "0.004", "5242880", "Inf")])]


def dynamodb_full(region: str, scale: str = "1") -> list[Item]:
    """All eight DynamoDB keys (prices x ``scale``)."""
    from decimal import Decimal as D

    s = D(scale)

    def p(x: str) -> str:
        return format((D(x) * s).normalize(), "f")
    items = dynamodb(region, p("0.000000625"), p("0.000000125"), p("0.25"))
    items += [
        Item("AmazonDynamoDB", make_sku("ddb-wcu", region), "Provisioned IOPS",
             _base(region, _ut(region, "WriteCapacityUnit-Hrs"), "AmazonDynamoDB", group="DDB-WriteUnits"),
             [Dim("WCU-Hrs", "0", "0", "18600"), Dim("WCU-Hrs", p("0.00065"), "18600", "Inf")]),
        Item("AmazonDynamoDB", make_sku("ddb-rcu", region), "Provisioned IOPS",
             _base(region, _ut(region, "ReadCapacityUnit-Hrs"), "AmazonDynamoDB", group="DDB-ReadUnits"),
             [Dim("RCU-Hrs", "0", "0", "18600"), Dim("RCU-Hrs", p("0.00013"), "18600", "Inf")]),
        Item("AmazonDynamoDB", make_sku("ddb-pitr", region), "Database Storage",
             _base(region, _ut(region, "TimedPITRStorage-ByteHrs"), "AmazonDynamoDB"), [Dim("GB-Mo", p("0.20"))]),
        Item("AmazonDynamoDB", make_sku("ddb-bak", region), "Amazon DynamoDB On-Demand Backup Storage",
             _base(region, _ut(region, "TimedBackupStorage-ByteHrs"), "AmazonDynamoDB"), [Dim("GB-Mo", p("0.10"))]),
        Item("AmazonDynamoDB", make_sku("ddb-str", region), "API Request",
             _base(region, _ut(region, "Streams-Requests"), "AmazonDynamoDB", group="DDB-StreamsReadRequests"),
             [Dim("Requests", "0", "0", "2500000"), Dim("Requests", p("0.0000002"), "2500000", "Inf")]),
    ]
    return items


EC2_FAMILY_PRICES = {"t3": "0.0832", "t3a": "0.0752",  # price of the .large size
                     "m5": "0.096", "m6i": "0.096", "m7i": "0.1008",
                     "c5": "0.085", "c6i": "0.085", "c7i": "0.08925", "r6i": "0.126", "m6g": "0.077",
                     "m7g": "0.0816", "c6g": "0.068", "c7g": "0.0725"}
_SIZE = {"medium": "0.5", "large": "1", "xlarge": "2", "2xlarge": "4"}


def ec2_full(region: str, scale: str = "1") -> list[Item]:
    """Every AmazonEC2 canonical key (39 instance types, CPU credits, gp3, NAT) for one region."""
    from decimal import Decimal as D

    from sizing.instances import INSTANCE_SHAPES as EC2_INSTANCE_TYPES

    s = D(scale)
    items = []
    for itype in EC2_INSTANCE_TYPES:
        fam, size = itype.split(".")
        usd = D(EC2_FAMILY_PRICES[fam]) * D(_SIZE[size]) * s
        items.append(ec2_instance(region, itype, format(usd.normalize(), "f")))
    items.append(ec2_cpu_credits(region, "0.05"))
    items.append(ebs_gp3(region, format((D("0.08") * s).normalize(), "f")))
    items += nat(region, format((D("0.045") * s).normalize(), "f"), format((D("0.045") * s).normalize(), "f"))
    return items


BEDROCK_NAMES = {
    "anthropic.claude-sonnet-4-5": ("Claude Sonnet 4.5", "0.0033", "0.0165"),
    "anthropic.claude-haiku-4-5": ("Claude Haiku 4.5", "0.0011", "0.0055"),
    "anthropic.claude-3-5-sonnet": ("Claude 3.5 Sonnet", "0.006", "0.03"),
    "anthropic.claude-3-5-haiku": ("Claude 3.5 Haiku", "0.0008", "0.004"),
    "anthropic.claude-3-haiku": ("Claude 3 Haiku", "0.00025", "0.00125"),
    "amazon.nova-pro": ("Nova Pro", "0.0008", "0.0032"),
    "amazon.nova-lite": ("Nova Lite", "0.00006", "0.00024"),
    "amazon.nova-micro": ("Nova Micro", "0.000035", "0.00014"),
    "meta.llama3-70b-instruct": ("Llama 3 70B Instruct", "0.00265", "0.0035"),
}


def bedrock_full(region: str) -> list[Item]:
    """Input and output token prices of every catalog model, plus batch and cached SKUs to ignore."""
    items = []
    for name, inp, out in BEDROCK_NAMES.values():
        items.append(bedrock(region, name, "input", inp))
        items.append(bedrock(region, name, "output", out))
    items.append(bedrock(region, "Claude 3.5 Sonnet", "input", "0.0015", feature="Batch Inference", suffix="-batch"))
    items.append(bedrock(region, "Claude 3.5 Sonnet", "input", "0.0003", suffix="-cache-read"))
    return items
