"""The registry: CloudFormation resource type -> a small function returning the `Component`s it costs.

Like Infracost's resource registry. Hourly and monthly things (NAT gateways, load balancers, clusters, nodes,
keys, secrets, endpoints, web ACLs) take their quantities from the template; usage-priced ones (GB
processed, requests, storage) take monthly quantities from the usage file, keyed by logical ID, and are 0
("no usage given") without it. The price keys are the estimate's, imported from pricing/services/, and the
engine's `price_line` prices them. Account-wide free tiers are not subtracted (docs/price-template.md).
A pricer returning [] marks that resource free (a gateway VPC endpoint); FREE_TYPES are always free.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from pricing.purchase import SPOT_DISCOUNT
from pricing.services import backup as backup_svc
from pricing.services import (
    cloudfront,
    cloudtrail,
    cloudwatch,
    config,
    dynamodb,
    ebs,
    elasticache,
    elb,
    guardduty,
    kms,
    macie,
    route53,
    s3,
    secretsmanager,
    securityhub,
    vpc,
    waf,
)
from pricing.services.base import Component
from pricing.services.ec2 import SPOT, instance_key
from pricing.template.context import Ctx
from pricing.template.reader import TemplateInputError
from sizing.eks_versions import EKS_CALENDAR, Support, support_on

EKS_HOUR = "eks:cluster-hour"
EKS_EXTENDED_HOUR = "eks:cluster-hour-extended"
EKS_DEFAULT_DESIRED = 2          # EKS CreateNodegroup scalingConfig.desiredSize default (AWS EKS API reference)
EKS_DEFAULT_DISK_GIB = 20        # EKS CreateNodegroup diskSize default for Linux nodes (AWS EKS API reference)
EKS_DEFAULT_INSTANCE = "t3.medium"   # EKS CreateNodegroup instanceTypes default (AWS EKS API reference)
MILLION, TEN_K, HUNDRED_K, THOUSAND = 1_000_000, 10_000, 100_000, 1_000


@dataclass(frozen=True, slots=True)
class Pricer:
    fn: Callable[[Ctx], list[Component]]
    usage: tuple[str, ...] = ()          # the usage-file keys the type takes (monthly quantities)


PRICERS: dict[str, Pricer] = {}

#: Types that cost nothing by themselves (their traffic or usage is billed on another resource, or never).
FREE_TYPES: frozenset[str] = frozenset({
    "AWS::CDK::Metadata", "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::NetworkAcl", "AWS::EC2::NetworkAclEntry", "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::EC2::LaunchTemplate", "AWS::EC2::EIPAssociation", "AWS::EC2::DHCPOptions",
    "AWS::EC2::VPCDHCPOptionsAssociation", "AWS::EC2::EgressOnlyInternetGateway", "AWS::EC2::VPCCidrBlock",
    "AWS::KMS::Alias", "AWS::S3::BucketPolicy", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy",
    "AWS::SNS::Subscription", "AWS::SSM::Parameter", "AWS::EKS::Addon", "AWS::EKS::AccessEntry",
    "AWS::EKS::PodIdentityAssociation", "AWS::ElastiCache::SubnetGroup", "AWS::ElastiCache::ParameterGroup",
    "AWS::Backup::BackupVault", "AWS::Backup::BackupSelection", "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::CachePolicy", "AWS::CloudFront::OriginRequestPolicy", "AWS::CloudFront::ResponseHeadersPolicy",
    "AWS::WAFv2::WebACLAssociation", "AWS::WAFv2::IPSet", "AWS::WAFv2::RegexPatternSet",
    "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ElasticLoadBalancingV2::ListenerCertificate",
    "AWS::Logs::ResourcePolicy", "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy", "AWS::Lambda::Permission", "AWS::SecretsManager::SecretTargetAttachment",
    "AWS::SecretsManager::ResourcePolicy", "AWS::CloudFormation::WaitConditionHandle",
    # their cost is on another resource: Config's on the recorder and rules, a standard's checks on the hub
    "AWS::Config::DeliveryChannel", "AWS::SecurityHub::Standard",
})
FREE_PREFIXES: tuple[str, ...] = ("AWS::IAM::",)


def is_free(rtype: str) -> bool:
    return rtype in FREE_TYPES or rtype.startswith(FREE_PREFIXES)


def pricer(*types: str, usage: tuple[str, ...] = ()) -> Callable[[Callable[[Ctx], list[Component]]], Callable]:
    def register(fn: Callable[[Ctx], list[Component]]) -> Callable[[Ctx], list[Component]]:
        for t in types:
            PRICERS[t] = Pricer(fn, usage)
        return fn
    return register


def usage_keys() -> dict[str, tuple[str, ...]]:
    """Resource type -> the usage-file keys it takes."""
    return {t: p.usage for t, p in PRICERS.items()}


# --------------------------------------------------------------------------- network
@pricer("AWS::EC2::NatGateway", usage=("data_processed_gb",))
def nat_gateway(c: Ctx) -> list[Component]:
    return [c.hourly("VPC", "NAT gateway", 1, "gateway-hours", vpc.NAT_HOUR),
            c.used("VPC", "NAT data processed", "data_processed_gb", "GB", vpc.NAT_GB)]


@pricer("AWS::EC2::EIP")
def elastic_ip(c: Ctx) -> list[Component]:
    return [c.hourly("VPC", "Public IPv4 address (Elastic IP)", 1, "address-hours", vpc.IPV4_HOUR,
                     "billed in use or idle")]


@pricer("AWS::EC2::VPCEndpoint", usage=("data_processed_gb",))
def vpc_endpoint(c: Ctx) -> list[Component]:
    kind = c.text("VpcEndpointType", "Gateway")
    if kind == "Gateway":
        return []                                  # S3 / DynamoDB gateway endpoints are free
    if kind != "Interface":
        return [c.hourly("VPC", f"{kind} endpoint", 1, "endpoint-hours", f"vpc:{kind.lower()}-endpoint-hour")]
    zones = c.value("SubnetIds", [])
    if not isinstance(zones, list) or not zones:
        raise TemplateInputError(c.where("SubnetIds"), "an interface endpoint bills per subnet (AZ); list them")
    service = c.text("ServiceName", "?").rsplit(".", 1)[-1] if isinstance(c.raw("ServiceName"), str) else "?"
    return [c.hourly("VPC", f"Interface endpoint ({service}) in {len(zones)} AZs", len(zones), "endpoint-AZ-hours",
                     vpc.ENDPOINT_HOUR, "one network interface per subnet"),
            c.used("VPC", "Interface endpoint data processed", "data_processed_gb", "GB", vpc.ENDPOINT_GB)]


@pricer("AWS::ElasticLoadBalancingV2::LoadBalancer", usage=("lcu_hours",))
def load_balancer(c: Ctx) -> list[Component]:
    kind = c.text("Type", "application")
    if kind != "application":
        return [c.hourly("ELB", f"{kind} load balancer", 1, "LB-hours", f"elb:{kind[:3]}lb-hour")]
    out = [c.hourly("ELB", "Application Load Balancer", 1, "ALB-hours", elb.ALB_HOUR),
           c.used("ELB", "ALB capacity units", "lcu_hours", "LCU-hours", elb.LCU_HOUR)]
    if c.text("Scheme", "internet-facing") == "internet-facing":
        subnets = c.value("Subnets", None) or c.value("SubnetMappings", [])
        if isinstance(subnets, str):                 # a CommaDelimitedList parameter's Default
            subnets = [s for s in subnets.split(",") if s.strip()]
        if isinstance(subnets, list) and subnets:
            out.append(c.hourly("VPC", f"Public IPv4 addresses of the ALB ({len(subnets)} subnets)", len(subnets),
                                "address-hours", vpc.IPV4_HOUR, "one public address per AZ"))
    return out


# --------------------------------------------------------------------------- compute
@pricer("AWS::EKS::Cluster")
def eks_cluster(c: Ctx) -> list[Component]:
    """Standard or extended support by the version's place in the EKS calendar (docs/sizing-facts.md § EKS
    Kubernetes version calendar): a version past standard support bills the extended rate unless the policy
    is STANDARD (then EKS upgrades it). No version given: the newest, standard support."""
    support = c.text("UpgradePolicy.SupportType", "")
    version = c.text("Version", "")
    release = EKS_CALENDAR.get(version)
    extended = release is not None and support_on(release) is Support.extended and support != "STANDARD"
    key = EKS_EXTENDED_HOUR if extended else EKS_HOUR
    if extended:
        note = f"Kubernetes {version} left standard support on {release.end_standard.isoformat()}"
    elif not version:
        note = "no Version given: EKS creates the newest version, in standard support"
    elif release is None:
        note = f"Kubernetes {version} is not in the EKS calendar: priced at standard support"
    else:
        note = f"Kubernetes {version}, standard support until {release.end_standard.isoformat()}"
    return [c.hourly("EKS", f"Cluster control plane ({'extended' if extended else 'standard'} support)", 1,
                     "cluster-hours", key, note)]


def _launch_template(c: Ctx) -> dict:
    """The nodegroup's launch template data when it points at one in the same template."""
    spec = c.raw("LaunchTemplate") or {}
    ref = spec.get("Id") or spec.get("Name") if isinstance(spec, dict) else None
    lid = ref.get("Ref") if isinstance(ref, dict) else None
    res = c.template.resources.get(lid) if isinstance(lid, str) else None
    data = (res.get("Properties") or {}).get("LaunchTemplateData") if isinstance(res, dict) else None
    return data if isinstance(data, dict) else {}


@pricer("AWS::EKS::Nodegroup")
def eks_nodegroup(c: Ctx) -> list[Component]:
    lt = _launch_template(c)
    desired = c.count("ScalingConfig.DesiredSize", int(c.count("ScalingConfig.MinSize", EKS_DEFAULT_DESIRED)))
    types = c.value("InstanceTypes", None)
    first = types[0] if isinstance(types, list) and types else None
    itype = str(c.value("LaunchTemplate.InstanceType", of=lt.get("InstanceType") or first) or EKS_DEFAULT_INSTANCE)
    spot = c.text("CapacityType", "ON_DEMAND") == "SPOT"
    note = f"{desired} nodes at ScalingConfig.DesiredSize, priced all month" + (
        f"; spot = list price less {SPOT_DISCOUNT * 100:.0f}% (assumption, as the estimate)" if spot else "")
    nodes = c.hourly("EC2", f"{itype} nodes, {'spot' if spot else 'on-demand'}", desired, "instance-hours",
                     instance_key(itype), note, factor=(1 - SPOT_DISCOUNT) if spot else Decimal(1))
    if spot:
        nodes = replace(nodes, bill_line=SPOT)
    mappings = lt.get("BlockDeviceMappings") or [{}]
    disk = mappings[0].get("Ebs", {}) if isinstance(mappings[0], dict) else {}
    if disk.get("VolumeSize") is None:
        size = c.count("DiskSize", EKS_DEFAULT_DISK_GIB)
    else:
        size = c.count("LaunchTemplate.VolumeSize", of=disk["VolumeSize"])
    volumes = c.monthly("EBS", f"gp3 node root volumes ({size} GiB x {desired})", size * desired, "GB-month",
                        ebs.KEY, f"volume type {disk.get('VolumeType', 'not given')}, priced as gp3")
    return [nodes, volumes]


@pricer("AWS::EC2::Instance")
def ec2_instance(c: Ctx) -> list[Component]:
    itype = c.text("InstanceType", "m1.small")
    return [c.hourly("EC2", f"{itype} instance, on-demand", 1, "instance-hours", instance_key(itype))]


@pricer("AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster")
def cache(c: Ctx) -> list[Component]:
    node = c.text("CacheNodeType")
    if c.type.endswith("CacheCluster"):
        n = c.count("NumCacheNodes", 1)
    elif c.raw("NumCacheClusters") is not None:
        n = c.count("NumCacheClusters")
    else:
        n = c.count("NumNodeGroups", 1) * (c.count("ReplicasPerNodeGroup", 0) + 1)
    return [c.hourly("ElastiCache", f"{node} nodes x {n}", n, "node-hours", elasticache.node_key(node))]


# --------------------------------------------------------------------------- data
def _enabled(c: Ctx, path: str) -> bool:
    return str(c.value(path, False)).lower() == "true"


@pricer("AWS::DynamoDB::Table", usage=("write_request_units", "read_request_units", "storage_gb", "pitr_gb",
                                      "write_capacity_unit_hours", "read_capacity_unit_hours"))
def dynamodb_table(c: Ctx) -> list[Component]:
    if c.text("BillingMode", "PROVISIONED") == "PAY_PER_REQUEST":
        out = [c.used("DynamoDB", "On-demand write request units", "write_request_units", "million WRU",
                      dynamodb.WRITES, MILLION),
               c.used("DynamoDB", "On-demand read request units", "read_request_units", "million RRU",
                      dynamodb.READS, MILLION)]
    else:
        indexes = c.value("GlobalSecondaryIndexes", []) or []
        wcu = c.count("ProvisionedThroughput.WriteCapacityUnits")
        rcu = c.count("ProvisionedThroughput.ReadCapacityUnits")
        for i, _ in enumerate(indexes if isinstance(indexes, list) else []):
            wcu += c.count(f"GlobalSecondaryIndexes.{i}.ProvisionedThroughput.WriteCapacityUnits",
                           of=_gsi(indexes[i], "WriteCapacityUnits"))
            rcu += c.count(f"GlobalSecondaryIndexes.{i}.ProvisionedThroughput.ReadCapacityUnits",
                           of=_gsi(indexes[i], "ReadCapacityUnits"))
        out = [capacity_line(c, "write", wcu, "WCU", dynamodb.WCU_HOUR), capacity_line(c, "read", rcu, "RCU", dynamodb.RCU_HOUR)]
    out.append(c.used("DynamoDB", "Table and GSI storage", "storage_gb", "GB-month", dynamodb.STORAGE))
    if _enabled(c, "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"):
        out.append(c.used("DynamoDB", "Point-in-time recovery (table + LSIs)", "pitr_gb", "GB-month",
                          dynamodb.PITR, fallback="storage_gb"))
    return out


def capacity_line(c: Ctx, kind: str, units: Decimal, unit: str, key: str, note: str = "") -> Component:
    """Provisioned capacity: the usage file's capacity-unit-hours when auto scaling moves it with the load
    (`{kind}_capacity_unit_hours`), else the template's units all month."""
    usage_key = f"{kind}_capacity_unit_hours"
    if usage_key in c.usage:
        return c.used("DynamoDB", f"Provisioned {kind} capacity (auto scaled, table + GSIs)", usage_key,
                      f"{unit}-hours", key)
    return c.hourly("DynamoDB", f"Provisioned {kind} capacity ({units} {unit}, table + GSIs)", units,
                    f"{unit}-hours", key, note)


def _gsi(index: object, field: str) -> object:
    pt = index.get("ProvisionedThroughput") if isinstance(index, dict) else None
    return pt.get(field) if isinstance(pt, dict) else None


@pricer("AWS::S3::Bucket", usage=("storage_gb", "put_requests", "get_requests"))
def s3_bucket(c: Ctx) -> list[Component]:
    return [c.used("S3", "Standard storage", "storage_gb", "GB-month", s3.STORAGE),
            c.used("S3", "PUT requests", "put_requests", "1k requests", s3.PUTS, THOUSAND),
            c.used("S3", "GET requests", "get_requests", "1k requests", s3.GETS, THOUSAND)]


@pricer("AWS::Backup::BackupPlan", usage=("dynamodb_backup_gb",))
def backup_plan(c: Ctx) -> list[Component]:
    return [c.used("AWS Backup", "DynamoDB backup storage", "dynamodb_backup_gb", "GB-month", backup_svc.KEY)]


# --------------------------------------------------------------------------- edge, security
@pricer("AWS::CloudFront::Distribution", usage=("data_out_gb", "https_requests"))
def distribution(c: Ctx) -> list[Component]:
    return [c.used("CloudFront", "Data transfer out", "data_out_gb", "GB", cloudfront.DATA_OUT),
            c.used("CloudFront", "HTTPS requests", "https_requests", "10k requests", cloudfront.REQUESTS, TEN_K)]


@pricer("AWS::Route53::HostedZone", usage=("queries",))
def hosted_zone(c: Ctx) -> list[Component]:
    return [c.monthly("Route 53", "Hosted zone", 1, "zones", route53.ZONE),
            c.used("Route 53", "DNS queries", "queries", "million queries", route53.QUERIES, MILLION)]


@pricer("AWS::WAFv2::WebACL", usage=("requests",))
def web_acl(c: Ctx) -> list[Component]:
    rules = c.value("Rules", []) or []
    n = len(rules) if isinstance(rules, list) else 0
    return [c.monthly("WAF", "Web ACL", 1, "web ACLs", waf.ACL),
            c.monthly("WAF", f"Rules ({n} in the web ACL)", n, "rules", waf.RULES),
            c.used("WAF", "Requests inspected", "requests", "million requests", waf.REQUESTS, MILLION)]


@pricer("AWS::KMS::Key", usage=("requests",))
def kms_key(c: Ctx) -> list[Component]:
    out = [c.monthly("KMS", "Customer-managed key", 1, "keys", kms.KEYS),
           c.used("KMS", "Requests", "requests", "10k requests", kms.REQUESTS, TEN_K)]
    if c.value("EnableKeyRotation", False) is True:     # the steady month: two billed rotated versions
        out.append(kms.rotation("KMS", "Rotated key versions", 1))
    return out


@pricer("AWS::SecretsManager::Secret", usage=("api_calls",))
def secret(c: Ctx) -> list[Component]:
    return [c.monthly("Secrets Manager", "Secret", 1, "secrets", secretsmanager.SECRETS),
            c.used("Secrets Manager", "API calls", "api_calls", "10k calls", secretsmanager.CALLS, TEN_K)]


@pricer("AWS::CloudTrail::Trail", usage=("data_events",))
def trail(c: Ctx) -> list[Component]:
    return [c.used("CloudTrail", "Data events recorded", "data_events", "100k events", cloudtrail.DATA_EVENTS,
                   HUNDRED_K)]


@pricer("AWS::Config::ConfigurationRecorder", usage=("configuration_items",))
def config_recorder(c: Ctx) -> list[Component]:
    return [c.used("Config", "Configuration items recorded", "configuration_items", "items", config.ITEMS)]


@pricer("AWS::Config::ConfigRule", usage=("rule_evaluations",))
def config_rule(c: Ctx) -> list[Component]:
    return [c.used("Config", "Rule evaluations", "rule_evaluations", "evaluations", config.EVALUATIONS)]


@pricer("AWS::GuardDuty::Detector", usage=("cloudtrail_events", "flow_logs_gb"))
def detector(c: Ctx) -> list[Component]:
    return [c.used("GuardDuty", "CloudTrail events analysed", "cloudtrail_events", "million events",
                   guardduty.EVENTS, MILLION),
            c.used("GuardDuty", "VPC flow logs analysed", "flow_logs_gb", "GB", guardduty.FLOW_LOGS)]


@pricer("AWS::SecurityHub::Hub", usage=("security_checks",))
def security_hub(c: Ctx) -> list[Component]:
    return [c.used("Security Hub", "Security checks", "security_checks", "checks", securityhub.CHECKS)]


@pricer("AWS::Macie::Session", usage=("buckets",))
def macie_session(c: Ctx) -> list[Component]:
    return [c.used("Macie", "Buckets monitored", "buckets", "buckets", macie.BUCKETS)]


# --------------------------------------------------------------------------- observability
@pricer("AWS::Logs::LogGroup", usage=("ingested_gb", "stored_gb"))
def log_group(c: Ctx) -> list[Component]:
    return [c.used("CloudWatch", "Logs ingested", "ingested_gb", "GB", cloudwatch.INGEST),
            c.used("CloudWatch", "Log storage", "stored_gb", "GB-month", cloudwatch.STORAGE)]


@pricer("AWS::CloudWatch::Alarm")
def alarm(c: Ctx) -> list[Component]:
    return [c.monthly("CloudWatch", "Alarm (standard resolution)", 1, "alarms", cloudwatch.ALARMS)]


@pricer("AWS::CloudWatch::Dashboard")
def dashboard(c: Ctx) -> list[Component]:
    return [c.monthly("CloudWatch", "Dashboard", 1, "dashboards", cloudwatch.DASHBOARDS)]
