"""AWS data transfer: internet egress and cross-AZ traffic."""
from __future__ import annotations

from pricing.services.base import (
    EC2_OTHER,
    GB,
    BillLine,
    BillRule,
    Component,
    KeptPrice,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    billable,
    qty,
)
from sizing.capacity import CapacityPlan

CE = "AWS Data Transfer"
INTERNET_OUT, INTER_AZ = "datatransfer:internet-out-gb", "datatransfer:inter-az-gb"
INTER_REGION = "datatransfer:inter-region-gb"   # to another AWS Region, billed at the source (pricing/services/dr.py)
FREE_INTERNET_OUT_GB = 100   # always-free tier: 100 GB/month out to the internet across services [S37][S104]


def traffic(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    net = p.network
    out = [Component("Data transfer", "Internet egress (API responses, streamed answers)",
                     qty(billable(net.internet_out_gb_month, FREE_INTERNET_OUT_GB)), "GB", INTERNET_OUT,
                     f"first {FREE_INTERNET_OUT_GB} GB free", tiered=True)]
    if net.inter_az_gb_month > 0:
        out.append(Component("Data transfer", "Cross-AZ traffic to the shared NAT", qty(net.inter_az_gb_month), "GB",
                             INTER_AZ, "both directions billed"))
    return out


SERVICE = Service(
    name="datatransfer", title="AWS data transfer", ce=CE, product_code="AWSDataTransfer",
    keys=(
        PriceKey(key=INTERNET_OUT, unit="USD per GB", ce=EC2_OTHER,
                 refresh=Refresh(service_code="AWSDataTransfer", usagetypes=("DataTransfer-Out-Bytes",), units=GB,
                                 attrs={"transferType": "AWS Outbound"}, filters={"transferType": "AWS Outbound"},
                                 tiered=True)),
        PriceKey(key=INTER_AZ, unit="USD per GB per direction", ce=EC2_OTHER,
                 refresh=Refresh(service_code="AWSDataTransfer", usagetypes=("DataTransfer-Regional-Bytes",), units=GB,
                                 attrs={"transferType": "IntraRegion"}, filters={"transferType": "IntraRegion"})),
        PriceKey(key=INTER_REGION, unit="USD per GB", ce=EC2_OTHER,
                 refresh=KeptPrice(service_code="AWSDataTransfer",
                                   reason="the inter-Region usage type names both Regions (USE1-USW2-AWS-Out-Bytes); "
                                          "one key per Region pair is not modelled, the snapshot price is kept")),
    ),
    bill_lines=(
        BillLine(id=INTER_REGION, rules=(BillRule(usage=r"^[A-Z]{2,3}\d-AWS-Out-Bytes$"),),
                 over="more data sent to the DR Region: larger or more frequent backup copies, more replicated writes",
                 under="less data sent to the DR Region than planned"),
        BillLine(id=INTER_AZ, rules=(BillRule(usage=r"DataTransfer-Regional-Bytes"),),
                 over="more cross-AZ traffic: pods calling across zones or through another zone's NAT",
                 under="less cross-AZ traffic than planned"),
        BillLine(id=INTERNET_OUT, rules=(BillRule(usage=r"^DataTransfer-Out-Bytes$"),),
                 over="more internet egress: larger responses or traffic bypassing CloudFront",
                 under="less internet egress than planned"),
    ),
    components=(Priced(order=140, fn=traffic),),
)
