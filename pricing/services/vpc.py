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
ALB_IPV4_ITEM = "Public IPv4 addresses of the ALB"   # the ALB line's item (pricing/inventory.py tells the two apart)
ENDPOINT_HOUR, ENDPOINT_GB = "vpc:interface-endpoint-hour", "vpc:interface-endpoint-gb"

API_CALL_BYTES = 4096      # UNSOURCED: one AWS API request + response (GetSecretValue, Decrypt, ...) with TLS framing
STS_CALLS_PER_POD_HOUR = 1  # IRSA web-identity credentials last 1 h by default; the SDK refreshes them (sizing-facts § VPC endpoints under HIPAA)
ECR_TOKEN_HOURS = 12       # an ECR authorization token is valid 12 h: one GetAuthorizationToken per node per 12 h [S182]


def nat_gateways(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    net = p.network
    per = "one per AZ" if net.nat_gateways == net.availability_zones else "single NAT"
    moved = net.nat_gb_moved_to_endpoints
    note = "DynamoDB and S3 use free gateway endpoints" + (
        f"; {moved:,.1f} GB moved to the interface endpoints ({', '.join(net.endpoint_gb_month)})" if moved else "")
    return [Component("VPC", f"NAT gateways ({net.nat_gateways}, {per})", qty(net.nat_gateways * HOURS_PER_MONTH),
                      "gateway-hours", NAT_HOUR),
            Component("VPC", "NAT data processed (LLM calls, logs, image pulls)", qty(net.nat_gb_month), "GB",
                      NAT_GB, note)]


def public_ipv4(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    """Two lines, one per owner (pricing/inventory.py): the NAT gateways' Elastic IPs (network stack) and the
    ALB's addresses, one per AZ (created with the ALB by the AWS Load Balancer Controller from the Ingress)."""
    net = p.network
    alb = net.public_ipv4_addresses - net.nat_gateways
    out = [Component("VPC", f"Public IPv4 addresses of the NAT gateways ({net.nat_gateways} EIPs)",
                     qty(net.nat_gateways * HOURS_PER_MONTH), "address-hours", IPV4_HOUR)] if net.nat_gateways else []
    return out + [Component("VPC", f"{ALB_IPV4_ITEM} ({alb}, one per AZ)", qty(alb * HOURS_PER_MONTH), "address-hours",
                            IPV4_HOUR, "created with the ALB by the AWS Load Balancer Controller")]


def endpoint_gb(p: CapacityPlan) -> dict[str, tuple[float, str]]:
    """GB per month each interface endpoint carries, and where it comes from (docs/sizing-model.md § VPC endpoints):
    the NAT bytes it took over (sizing.network), or its API calls x API_CALL_BYTES."""
    sec, hours = p.security, int(HOURS_PER_MONTH)
    calls = {"secretsmanager": (sec.secret_api_calls_month, "Secrets Manager calls from the pods"),
             "kms": (sec.kms_requests_month + sec.compliance_kms_requests_month, "KMS requests"),
             "sts": (p.backend.replicas * STS_CALLS_PER_POD_HOUR * hours, "IRSA credential refreshes"),
             "ecr.api": (p.nodes.desired * hours / ECR_TOKEN_HOURS, "ECR authorization tokens")}
    moved = {"bedrock-runtime": "model requests and responses", "logs": "log ingest", "ecr.dkr": "image pulls"}
    out: dict[str, tuple[float, str]] = {}
    for name in p.network.interface_endpoints:
        if name in moved:
            out[name] = (p.network.endpoint_gb_month[name], f"{moved[name]}, off the NAT")
        else:
            n, what = calls[name]
            out[name] = (n * API_CALL_BYTES / BYTES_PER_GB, f"{what}: {n:,.0f} x {API_CALL_BYTES} B")
    return out


def interface_endpoints(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    """Each endpoint bills per AZ-hour (an interface in every AZ) and per GB it carries (one line per endpoint, in
    the plan's order: the bundle's usage file gives each endpoint its line)."""
    zones, names = p.network.availability_zones, p.network.interface_endpoints
    hours = Component("VPC", f"Interface endpoints ({', '.join(names)}) in {zones} AZs",
                      qty(len(names) * zones * HOURS_PER_MONTH), "endpoint-AZ-hours", ENDPOINT_HOUR,
                      "one network interface per endpoint per AZ")
    return [hours] + [Component("VPC", f"Interface endpoint data processed ({name})", qty(gb), "GB", ENDPOINT_GB,
                                note) for name, (gb, note) in endpoint_gb(p).items()]


SERVICE = Service(
    name="vpc", title="Amazon VPC", ce=CE, product_code="AmazonVPC",
    keys=(
        PriceKey(key=NAT_HOUR, unit="USD per NAT gateway-hour", ce=EC2_OTHER,
                 refresh=Refresh(service_code="AmazonEC2", usagetypes=("NatGateway-Hours",), operation="NatGateway", units=HOURS,
                                 filters={"productFamily": "NAT Gateway"})),
        PriceKey(key=NAT_GB, unit="USD per GB processed", ce=EC2_OTHER,
                 refresh=Refresh(service_code="AmazonEC2", usagetypes=("NatGateway-Bytes",), operation="NatGateway", units=GB,
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
                 over="more data through the interface endpoints than planned: more model traffic, logs or image pulls, "
                      "or more frequent secret reads",
                 under="less data through the interface endpoints than planned"),
    ),
    components=(Priced(order=40, fn=nat_gateways), Priced(order=41, fn=public_ipv4),
                Priced(order=42, fn=interface_endpoints)),
)
