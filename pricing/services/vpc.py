"""Amazon VPC: NAT gateways, public IPv4 addresses and interface (PrivateLink) endpoints."""
from __future__ import annotations

from pricing.services.base import (
    EC2_OTHER,
    GB,
    HOURS,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    qty,
)
from sizing.assumptions import BYTES_PER_GB, HOURS_PER_MONTH
from sizing.capacity import CapacityPlan

CE = "Amazon Virtual Private Cloud"
NAT_HOUR, NAT_GB, IPV4_HOUR = "vpc:nat-gateway-hour", "vpc:nat-gateway-gb", "vpc:public-ipv4-hour"
ENDPOINT_HOUR, ENDPOINT_GB = "vpc:interface-endpoint-hour", "vpc:interface-endpoint-gb"

#: Interface endpoints the deployment plan puts in the VPC (one network interface per AZ each); the CDK
#: app deploys exactly these. Secrets Manager: the plan's "VPC endpoint for Secrets Manager".
INTERFACE_ENDPOINTS: tuple[str, ...] = ("secretsmanager",)
SECRET_CALL_BYTES = 4096   # UNSOURCED: one GetSecretValue request + response with TLS framing, rounded up


def nat_gateways(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    net = p.network
    per = "one per AZ" if net.nat_gateways == net.availability_zones else "single NAT"
    return [Component("VPC", f"NAT gateways ({net.nat_gateways}, {per})", qty(net.nat_gateways * HOURS_PER_MONTH),
                      "gateway-hours", NAT_HOUR),
            Component("VPC", "NAT data processed (LLM calls, logs, image pulls)", qty(net.nat_gb_month), "GB",
                      NAT_GB, "DynamoDB and S3 use free gateway endpoints")]


def public_ipv4(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    net = p.network
    return [Component("VPC", f"Public IPv4 addresses ({net.nat_gateways} NAT EIPs + {net.availability_zones} ALB)",
                      qty(net.public_ipv4_addresses * HOURS_PER_MONTH), "address-hours", IPV4_HOUR)]


def interface_endpoints(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    """Each endpoint bills per AZ-hour (an interface in every AZ) and per GB it carries."""
    zones, names = p.network.availability_zones, ", ".join(INTERFACE_ENDPOINTS)
    gb = p.security.secret_api_calls_month * SECRET_CALL_BYTES / BYTES_PER_GB
    return [Component("VPC", f"Interface endpoints ({names}) in {zones} AZs",
                      qty(len(INTERFACE_ENDPOINTS) * zones * HOURS_PER_MONTH), "endpoint-AZ-hours", ENDPOINT_HOUR,
                      "one network interface per endpoint per AZ"),
            Component("VPC", "Interface endpoint data processed", qty(gb), "GB", ENDPOINT_GB,
                      "Secrets Manager calls from the pods")]


SERVICE = Service(
    name="vpc", title="Amazon VPC", ce=CE, product_code="AmazonVPC",
    keys=(
        PriceKey(key=NAT_HOUR, unit="USD per NAT gateway-hour", ce=EC2_OTHER,
                 refresh=Refresh(service_code="AmazonEC2", usagetypes=("NatGateway-Hours",), units=HOURS,
                                 filters={"productFamily": "NAT Gateway"})),
        PriceKey(key=NAT_GB, unit="USD per GB processed", ce=EC2_OTHER,
                 refresh=Refresh(service_code="AmazonEC2", usagetypes=("NatGateway-Bytes",), units=GB,
                                 filters={"productFamily": "NAT Gateway"})),
        PriceKey(key=IPV4_HOUR, unit="USD per address-hour", ce=CE,
                 refresh=Refresh(service_code="AmazonVPC", usagetypes=("PublicIPv4:InUseAddress",), units=HOURS)),
        PriceKey(key=ENDPOINT_HOUR, unit="USD per endpoint-AZ-hour", ce=CE,
                 refresh=Refresh(service_code="AmazonVPC", usagetypes=("VpcEndpoint-Hours",), units=HOURS)),
        PriceKey(key=ENDPOINT_GB, unit="USD per GB processed", ce=CE,
                 refresh=Refresh(service_code="AmazonVPC", usagetypes=("VpcEndpoint-Bytes",), units=GB)),
    ),
    bill_lines=(
        BillLine(id=NAT_HOUR, rules=(BillRule(usage=r"NatGateway-Hours"),),
                 over="more NAT gateway hours than planned: extra gateways (one per AZ) or gateways left in other "
                      "VPCs",
                 under="fewer NAT gateway hours than planned (a single NAT?)"),
        BillLine(id=NAT_GB, rules=(BillRule(usage=r"NatGateway-Bytes"),),
                 over="NAT bytes far above plan: traffic that should use the VPC endpoints (DynamoDB/S3 gateway "
                      "endpoints, ECR, CloudWatch Logs and STS interface endpoints) goes through the NAT; check VPC "
                      "flow logs for the top talkers",
                 under="less traffic through the NAT than planned (fewer LLM calls, logs or image pulls)"),
        BillLine(id=IPV4_HOUR, rules=(BillRule(usage=r"PublicIPv4"),),
                 over="more public IPv4 addresses than planned: idle Elastic IPs or public IPs on nodes",
                 under="fewer public IPv4 addresses than planned"),
        BillLine(id=ENDPOINT_HOUR, rules=(BillRule(usage=r"VpcEndpoint-Hours", services=(CE,)),),
                 over="more interface endpoint hours than planned: endpoints added by hand or in more AZs",
                 under="fewer interface endpoint hours than planned: an endpoint not deployed or in fewer AZs"),
        BillLine(id=ENDPOINT_GB, rules=(BillRule(usage=r"VpcEndpoint-Bytes", services=(CE,)),),
                 over="more data through the interface endpoints than planned: larger or more frequent secret reads",
                 under="less data through the interface endpoints than planned"),
    ),
    components=(Priced(order=40, fn=nat_gateways), Priced(order=41, fn=public_ipv4),
                Priced(order=42, fn=interface_endpoints)),
)
