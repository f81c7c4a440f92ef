"""One small function per priced resource: each returns cost components (no prices here).

A component names what is bought (quantity, unit) and the catalog key that prices it; the engine
looks the price up and multiplies. Quantities come from the capacity plan (sizing/).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pricing import constants as K
from sizing import assumptions as A
from sizing.capacity import CapacityPlan
from sizing.llm import EXTERNAL_MODEL, NO_MODEL
from sizing.profiles import CONTROL_LABELS

INFRA, LLM, COMPLIANCE = "infrastructure", "llm", "compliance"


@dataclass(frozen=True, slots=True)
class Component:
    service: str
    item: str
    quantity: float
    unit: str
    price_key: str | None
    ce: str                         # key of constants.CE
    note: str = ""
    category: str = INFRA
    control: str | None = None      # compliance control this line pays for
    price_factor: Decimal = Decimal(1)   # spot / savings plan multiplier on the list price
    unit_usd: Decimal | None = None      # price given by the scenario (external LLM), no catalog key
    tiered: bool = False


def _billable(qty: float, free: float) -> float:
    return max(0.0, qty - free)


def eks_cluster(p: CapacityPlan) -> list[Component]:
    return [Component("EKS", "Cluster control plane (standard support)", int(A.HOURS_PER_MONTH), "cluster-hours",
                      "eks:cluster-hour", "eks", "upgrade policy STANDARD; extended support would be $0.60/h")]


def ec2_nodes(p: CapacityPlan, sp_discount: Decimal) -> list[Component]:
    n = p.nodes
    out = []
    if n.on_demand:
        note = f"{n.on_demand} on-demand nodes at peak, priced all month"
        if sp_discount:
            note += f"; Compute Savings Plan rate: list price less {sp_discount * 100:.0f}% (assumption)"
        out.append(Component("EC2", f"{n.instance_type} nodes, on-demand", n.on_demand * int(A.HOURS_PER_MONTH),
                             "instance-hours", f"ec2:{n.instance_type}", "ec2", note,
                             price_factor=Decimal(1) - sp_discount))
    if n.spot:
        out.append(Component("EC2", f"{n.instance_type} nodes, spot", n.spot * int(A.HOURS_PER_MONTH), "instance-hours",
                             f"ec2:{n.instance_type}", "ec2",
                             f"{n.spot} spot nodes ({p.spot_share_pct:g}% share); spot = list price less "
                             f"{K.SPOT_DISCOUNT * 100:.0f}% (assumption; plan: 60-90% savings)",
                             price_factor=Decimal(1) - K.SPOT_DISCOUNT))
    if n.surplus_vcpu_hours_month > 0:
        out.append(Component("EC2", f"{n.instance_type} unlimited-mode surplus CPU credits",
                             n.surplus_vcpu_hours_month, "vCPU-hours", "ec2:t-unlimited-vcpu-hour", "ec2",
                             f"expected CPU {n.utilisation_pct:.1f}% > baseline {n.burst_baseline_pct:g}% "
                             f"(sizing-facts 2)"))
    return out


def ebs_volumes(p: CapacityPlan) -> list[Component]:
    return [Component("EBS", f"gp3 node root volumes ({A.NODE_DISK_GIB} GiB x {p.nodes.desired})", p.ebs_gb,
                      "GB-month", "ebs:gp3-gb-month", "ec2_other")]


def nat_gateways(p: CapacityPlan) -> list[Component]:
    net = p.network
    per = "one per AZ" if net.nat_gateways == net.availability_zones else "single NAT"
    return [Component("VPC", f"NAT gateways ({net.nat_gateways}, {per})", net.nat_gateways * int(A.HOURS_PER_MONTH),
                      "gateway-hours", "vpc:nat-gateway-hour", "ec2_other"),
            Component("VPC", "NAT data processed (LLM calls, logs, image pulls)", net.nat_gb_month, "GB",
                      "vpc:nat-gateway-gb", "ec2_other", "DynamoDB and S3 use free gateway endpoints")]


def public_ipv4(p: CapacityPlan) -> list[Component]:
    net = p.network
    return [Component("VPC", f"Public IPv4 addresses ({net.nat_gateways} NAT EIPs + {net.availability_zones} ALB)",
                      net.public_ipv4_addresses * int(A.HOURS_PER_MONTH), "address-hours", "vpc:public-ipv4-hour",
                      "vpc")]


def load_balancer(p: CapacityPlan) -> list[Component]:
    net = p.network
    dim = max(net.alb_lcu_dimensions, key=lambda k: net.alb_lcu_dimensions[k])
    return [Component("ELB", "Application Load Balancer", int(A.HOURS_PER_MONTH), "ALB-hours", "elb:alb-hour", "elb"),
            Component("ELB", "ALB capacity units", net.alb_lcu * int(A.HOURS_PER_MONTH), "LCU-hours",
                      "elb:alb-lcu-hour", "elb", f"{net.alb_lcu:.3f} LCU at average load, bound by {dim}")]


def dynamodb(p: CapacityPlan, provisioned: bool) -> list[Component]:
    d = p.dynamodb
    out: list[Component] = []
    if provisioned:
        out += [Component("DynamoDB", "Provisioned write capacity", d.provisioned_wcu_total * int(A.HOURS_PER_MONTH),
                          "WCU-hours", "dynamodb:wcu-hour", "dynamodb",
                          f"chats table and GSI {d.provisioned_wcu} WCU each at "
                          f"{A.PROVISIONED_TARGET_UTILISATION:.0%} target; users table and GSI at the minimum"),
                Component("DynamoDB", "Provisioned read capacity", d.provisioned_rcu_total * int(A.HOURS_PER_MONTH),
                          "RCU-hours", "dynamodb:rcu-hour", "dynamodb",
                          f"chats table and GSI {d.provisioned_rcu} RCU each; users table and GSI at the minimum")]
    else:
        out += [Component("DynamoDB", "On-demand write request units", d.write_request_units_month / 1e6,
                          "million WRU", "dynamodb:write-request-million", "dynamodb",
                          f"{d.write_units_per_message} WRU per message (4 KB chat item + 2 GSI writes)"),
                Component("DynamoDB", "On-demand read request units", d.read_request_units_month / 1e6,
                          "million RRU", "dynamodb:read-request-million", "dynamodb")]
    stored = d.table_gb + d.gsi_gb
    out.append(Component("DynamoDB", "Table and GSI storage", _billable(stored, K.FREE_DYNAMODB_STORAGE_GB),
                         "GB-month", "dynamodb:storage-gb-month", "dynamodb",
                         f"{stored:.2f} GB at {p.scenario.chat_history_retention_days}-day retention; "
                         f"first {K.FREE_DYNAMODB_STORAGE_GB} GB free"))
    if d.pitr_enabled:
        out.append(Component("DynamoDB", "Point-in-time recovery", d.pitr_gb, "GB-month",
                             "dynamodb:pitr-gb-month", "dynamodb", "billed on table size"))
    if d.backups_enabled:
        out.append(Component("AWS Backup", f"DynamoDB daily backups, {A.BACKUP_RETENTION_DAYS}-day retention",
                             d.backup_gb, "GB-month", "backup:dynamodb-gb-month", "backup",
                             "each backup is a full copy of the table"))
    return out


def cloudfront(p: CapacityPlan) -> list[Component]:
    net = p.network
    return [Component("CloudFront", "Data transfer out (SPA)", _billable(net.cloudfront_gb_month,
                                                                        K.FREE_CLOUDFRONT_GB),
                      "GB", "cloudfront:data-out-gb", "cloudfront",
                      f"{net.cloudfront_gb_month:.1f} GB; first {K.FREE_CLOUDFRONT_GB} GB free", tiered=True),
            Component("CloudFront", "HTTPS requests", _billable(net.cloudfront_requests_month,
                                                                K.FREE_CLOUDFRONT_REQUESTS) / 1e4,
                      "10k requests", "cloudfront:https-requests-10k", "cloudfront",
                      f"{net.cloudfront_requests_month:,.0f} requests; first 10 M free")]


def s3(p: CapacityPlan) -> list[Component]:
    net = p.network
    return [Component("S3", "Standard storage (SPA assets, ALB access logs)", net.s3_storage_gb, "GB-month",
                      "s3:standard-gb-month", "s3"),
            Component("S3", "PUT requests (log delivery, deploys)", net.s3_put_requests_month / 1e3,
                      "1k requests", "s3:put-requests-1k", "s3"),
            Component("S3", "GET requests (CloudFront origin misses)", net.s3_get_requests_month / 1e3,
                      "1k requests", "s3:get-requests-1k", "s3")]


def cloudwatch(p: CapacityPlan) -> list[Component]:
    o = p.observability
    return [Component("CloudWatch", "Logs ingested", _billable(o.logs_ingest_gb_month, K.FREE_CLOUDWATCH_LOGS_GB),
                      "GB", "cloudwatch:logs-ingest-gb", "cloudwatch",
                      f"{o.logs_ingest_gb_month:.2f} GB; first {K.FREE_CLOUDWATCH_LOGS_GB} GB free"),
            Component("CloudWatch", f"Log storage ({o.base_log_retention_days}-day retention)", o.log_storage_gb,
                      "GB-month", "cloudwatch:logs-storage-gb-month", "cloudwatch", "compressed archive"),
            Component("CloudWatch", "Metrics (app + Container Insights)",
                      _billable(o.custom_metrics, K.FREE_CLOUDWATCH_METRICS), "metrics",
                      "cloudwatch:metric-month", "cloudwatch", f"{o.custom_metrics} metrics; first 10 free"),
            Component("CloudWatch", "Alarms", _billable(o.alarms, K.FREE_CLOUDWATCH_ALARMS), "alarms",
                      "cloudwatch:alarm-month", "cloudwatch", f"{o.alarms} alarms; first 10 free"),
            Component("CloudWatch", "Dashboards", _billable(o.dashboards, K.FREE_CLOUDWATCH_DASHBOARDS),
                      "dashboards", "cloudwatch:dashboard-month", "cloudwatch", f"{o.dashboards} dashboards; 3 free")]


def xray(p: CapacityPlan) -> list[Component]:
    t = p.observability.xray_traces_month
    return [Component("X-Ray", "Traces recorded", _billable(t, K.FREE_XRAY_TRACES) / 1e6, "million traces",
                      "xray:traces-million", "xray", f"{t:,.0f} traces at 5% sampling; first 100k free")]


def secrets_and_keys(p: CapacityPlan) -> list[Component]:
    sec = p.security
    return [Component("Secrets Manager", f"Secrets ({', '.join(sec.secrets)})", len(sec.secrets), "secrets",
                      "secretsmanager:secret-month", "secretsmanager"),
            Component("Secrets Manager", "API calls", sec.secret_api_calls_month / 1e4, "10k calls",
                      "secretsmanager:api-requests-10k", "secretsmanager"),
            Component("KMS", f"Customer-managed keys ({', '.join(sec.cmks)})", len(sec.cmks), "keys",
                      "kms:key-month", "kms"),
            Component("KMS", "Requests", _billable(sec.kms_requests_month, K.FREE_KMS_REQUESTS) / 1e4,
                      "10k requests", "kms:requests-10k", "kms", "first 20k requests free")]


def waf(p: CapacityPlan) -> list[Component]:
    sec = p.security
    if not sec.waf_enabled:
        return []
    control = "waf" if sec.waf_compliance_only else None   # on only because a regime demands it
    cat = COMPLIANCE if control else INFRA
    return [Component("WAF", "Web ACL on the ALB", 1, "web ACLs", "waf:web-acl-month", "waf", category=cat,
                      control=control),
            Component("WAF", f"Rules ({len(A.WAF_MANAGED_RULE_GROUPS)} managed groups + rate limit)", sec.waf_rules,
                      "rules", "waf:rule-month", "waf", category=cat, control=control),
            Component("WAF", "Requests inspected", sec.waf_requests_month / 1e6, "million requests",
                      "waf:requests-million", "waf", category=cat, control=control)]


def route53(p: CapacityPlan) -> list[Component]:
    return [Component("Route 53", "Hosted zone", 1, "zones", "route53:hosted-zone-month", "route53"),
            Component("Route 53", "DNS queries", p.network.route53_queries_month / 1e6, "million queries",
                      "route53:queries-million", "route53")]


def data_transfer(p: CapacityPlan) -> list[Component]:
    net = p.network
    out = [Component("Data transfer", "Internet egress (API responses, streamed answers)",
                     _billable(net.internet_out_gb_month, K.FREE_INTERNET_OUT_GB), "GB",
                     "datatransfer:internet-out-gb", "ec2_other", f"first {K.FREE_INTERNET_OUT_GB} GB free",
                     tiered=True)]
    if net.inter_az_gb_month > 0:
        out.append(Component("Data transfer", "Cross-AZ traffic to the shared NAT", net.inter_az_gb_month, "GB",
                             "datatransfer:inter-az-gb", "ec2_other", "both directions billed"))
    return out


def elasticache(p: CapacityPlan) -> list[Component]:
    if not p.elasticache_node_type:
        return []
    return [Component("ElastiCache", f"{p.elasticache_node_type} nodes (Valkey) x {p.elasticache_nodes}",
                      p.elasticache_nodes * int(A.HOURS_PER_MONTH), "node-hours",
                      f"elasticache:{p.elasticache_node_type}", "elasticache")]


def llm_tokens(p: CapacityPlan) -> list[Component]:
    s, w = p.scenario, p.workload
    if s.llm_model == NO_MODEL:
        return []
    if s.llm_model == EXTERNAL_MODEL:
        return [Component("LLM (external)", "Input tokens", w.input_tokens_per_month / 1e6, "million tokens", None,
                          "external", "price per 1M tokens given in the scenario", LLM,
                          unit_usd=Decimal(str(s.external_input_usd_per_1m_tokens))),
                Component("LLM (external)", "Output tokens", w.output_tokens_per_month / 1e6, "million tokens",
                          None, "external", "price per 1M tokens given in the scenario", LLM,
                          unit_usd=Decimal(str(s.external_output_usd_per_1m_tokens)))]
    return [Component("Bedrock", f"{s.llm_model} input tokens", w.input_tokens_per_month / 1e3, "1k tokens",
                      f"bedrock:{s.llm_model}:input-1k", "bedrock",
                      f"{w.messages_per_month:,.0f} messages x {s.input_tokens_per_message:,} tokens", LLM),
            Component("Bedrock", f"{s.llm_model} output tokens", w.output_tokens_per_month / 1e3, "1k tokens",
                      f"bedrock:{s.llm_model}:output-1k", "bedrock",
                      f"{w.messages_per_month:,.0f} messages x {s.output_tokens_per_message:,} tokens", LLM)]


def compliance_controls(p: CapacityPlan) -> list[Component]:
    """Each compliance control with its own cost lines, so the user sees what compliance costs."""
    c, sec, o = p.compliance, p.security, p.observability
    out: list[Component] = []

    def add(control: str, service: str, item: str, qty: float, unit: str, key: str, ce: str, note: str = ""):
        who = ", ".join(c.controls[control])
        out.append(Component(service, item, qty, unit, key, ce, f"{CONTROL_LABELS[control]} ({who})"
                             + (f"; {note}" if note else ""), COMPLIANCE, control))

    if "cmk" in c.controls:
        add("cmk", "KMS", f"Customer-managed keys ({', '.join(sec.compliance_cmks)})", len(sec.compliance_cmks),
            "keys", "kms:key-month", "kms")
        add("cmk", "KMS", "Requests from CMK-encrypted DynamoDB, S3", sec.compliance_kms_requests_month / 1e4,
            "10k requests", "kms:requests-10k", "kms")
    if "cloudtrail_data_events" in c.controls:
        add("cloudtrail_data_events", "CloudTrail", "Data events (DynamoDB, S3)",
            c.cloudtrail_data_events_month / 1e5, "100k events", "cloudtrail:data-events-100k", "cloudtrail")
    if "guardduty" in c.controls:
        add("guardduty", "GuardDuty", "CloudTrail management events analysed", c.guardduty_events_month / 1e6,
            "million events", "guardduty:cloudtrail-events-million", "guardduty")
        add("guardduty", "GuardDuty", "VPC flow and DNS logs analysed", c.guardduty_flow_gb_month, "GB",
            "guardduty:flow-logs-gb", "guardduty")
    if "config" in c.controls:
        add("config", "Config", "Configuration items recorded", c.config_items_month, "items",
            "config:configuration-item", "config")
        add("config", "Config", "Conformance pack rule evaluations", c.config_evaluations_month, "evaluations",
            "config:rule-evaluation", "config")
    if "security_hub" in c.controls:
        add("security_hub", "Security Hub", "CSPM security checks", c.security_hub_checks_month, "checks",
            "securityhub:check", "securityhub")
    if "macie" in c.controls:
        add("macie", "Macie", "S3 buckets monitored", c.macie_buckets, "buckets", "macie:bucket-month", "macie")
    if "log_retention" in c.controls and o.compliance_log_storage_gb > 0:
        add("log_retention", "CloudWatch", f"Log storage from {o.base_log_retention_days} to "
            f"{o.log_retention_days} days", o.compliance_log_storage_gb, "GB-month",
            "cloudwatch:logs-storage-gb-month", "cloudwatch", "compressed archive, steady state")
    return out


def infrastructure(p: CapacityPlan, sp_discount: Decimal, dynamodb_provisioned: bool) -> list[Component]:
    """All components of the deployment, in bill-of-materials order."""
    return (eks_cluster(p) + ec2_nodes(p, sp_discount) + ebs_volumes(p) + nat_gateways(p) + public_ipv4(p)
            + load_balancer(p) + dynamodb(p, dynamodb_provisioned) + cloudfront(p) + s3(p) + cloudwatch(p) + xray(p)
            + secrets_and_keys(p) + waf(p) + route53(p) + data_transfer(p) + elasticache(p)
            + compliance_controls(p) + llm_tokens(p))
