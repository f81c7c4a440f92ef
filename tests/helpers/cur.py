"""CUR 2.0 (Data Exports) fixtures in the real column layout: rows, CSV / gzip CSV / Parquet writers,
and a bill that reproduces an estimate line by line (for "bill equals estimate" tests and the benchmark).
"""
from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterable, Iterator
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

# The fixed CUR 2.0 schema (AWS Data Exports "Cost and Usage Report (CUR) 2.0" table dictionary), in order.
CUR2_COLUMNS: tuple[str, ...] = (
    "bill_bill_type", "bill_billing_entity", "bill_billing_period_end_date", "bill_billing_period_start_date",
    "bill_invoice_id", "bill_invoicing_entity", "bill_payer_account_id", "bill_payer_account_name",
    "cost_category", "discount", "discount_bundled_discount", "discount_total_discount",
    "identity_line_item_id", "identity_time_interval",
    "line_item_availability_zone", "line_item_blended_cost", "line_item_blended_rate", "line_item_currency_code",
    "line_item_legal_entity", "line_item_line_item_description", "line_item_line_item_type",
    "line_item_net_unblended_cost", "line_item_net_unblended_rate", "line_item_normalization_factor",
    "line_item_normalized_usage_amount", "line_item_operation", "line_item_product_code", "line_item_resource_id",
    "line_item_tax_type", "line_item_unblended_cost", "line_item_unblended_rate", "line_item_usage_account_id",
    "line_item_usage_account_name", "line_item_usage_amount", "line_item_usage_end_date",
    "line_item_usage_start_date", "line_item_usage_type",
    "pricing_currency", "pricing_lease_contract_length", "pricing_offering_class", "pricing_public_on_demand_cost",
    "pricing_public_on_demand_rate", "pricing_purchase_option", "pricing_rate_code", "pricing_rate_id",
    "pricing_term", "pricing_unit",
    "product", "product_comment", "product_fee_code", "product_fee_description", "product_from_location",
    "product_from_location_type", "product_from_region_code", "product_instance_family", "product_instance_type",
    "product_instancesku", "product_location", "product_location_type", "product_operation",
    "product_pricing_unit", "product_product_family", "product_region_code", "product_servicecode", "product_sku",
    "product_to_location", "product_to_location_type", "product_to_region_code", "product_usagetype",
    "reservation_amortized_upfront_cost_for_usage", "reservation_amortized_upfront_fee_for_billing_period",
    "reservation_availability_zone", "reservation_effective_cost", "reservation_end_time",
    "reservation_modification_status", "reservation_net_amortized_upfront_cost_for_usage",
    "reservation_net_amortized_upfront_fee_for_billing_period", "reservation_net_effective_cost",
    "reservation_net_recurring_fee_for_usage", "reservation_net_unused_amortized_upfront_fee_for_billing_period",
    "reservation_net_unused_recurring_fee", "reservation_net_upfront_value",
    "reservation_normalized_units_per_reservation", "reservation_number_of_reservations",
    "reservation_recurring_fee_for_usage", "reservation_reservation_a_r_n", "reservation_start_time",
    "reservation_subscription_id", "reservation_total_reserved_normalized_units",
    "reservation_total_reserved_units", "reservation_units_per_reservation",
    "reservation_unused_amortized_upfront_fee_for_billing_period", "reservation_unused_normalized_unit_quantity",
    "reservation_unused_quantity", "reservation_unused_recurring_fee", "reservation_upfront_value",
    "resource_tags",
    "savings_plan_amortized_upfront_commitment_for_billing_period", "savings_plan_end_time",
    "savings_plan_instance_type_family", "savings_plan_net_amortized_upfront_commitment_for_billing_period",
    "savings_plan_net_recurring_commitment_for_billing_period", "savings_plan_net_savings_plan_effective_cost",
    "savings_plan_offering_type", "savings_plan_payment_option", "savings_plan_purchase_term",
    "savings_plan_recurring_commitment_for_billing_period", "savings_plan_region",
    "savings_plan_savings_plan_a_r_n", "savings_plan_savings_plan_effective_cost",
    "savings_plan_savings_plan_rate", "savings_plan_start_time", "savings_plan_total_commitment_to_date",
    "savings_plan_used_commitment",
    "split_line_item_actual_usage", "split_line_item_net_split_cost", "split_line_item_net_unused_cost",
    "split_line_item_parent_resource_id", "split_line_item_public_on_demand_split_cost",
    "split_line_item_public_on_demand_unused_cost", "split_line_item_reserved_usage",
    "split_line_item_split_cost", "split_line_item_split_usage", "split_line_item_split_usage_ratio",
    "split_line_item_unused_cost",
)
NUMERIC_COLUMNS = frozenset(c for c in CUR2_COLUMNS if c.endswith(("_cost", "_amount", "_rate", "_fee",
                                                                   "_to_date", "_commitment", "_quantity",
                                                                   "_for_billing_period", "_for_usage")))
PROJECT_TAGS = {"user_project": "ChatApp", "user_environment": "prod"}
ACCOUNT = "123456789012"


def _next_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


def cur_row(month: str, product: str, usage_type: str, cost: Decimal | str, amount: Decimal | str | None = None,
            line_type: str = "Usage", tags: dict[str, str] | None = None, region: str = "us-east-1",
            currency: str = "USD", day: int = 1, **extra: Any) -> dict[str, str]:
    """One CUR 2.0 line item as CSV cells (every column present, unused ones empty)."""
    row = dict.fromkeys(CUR2_COLUMNS, "")
    start = f"{month}-{day:02d}T00:00:00Z"
    row.update({
        "bill_bill_type": "Anniversary", "bill_billing_entity": "AWS",
        "bill_billing_period_start_date": f"{month}-01T00:00:00Z",
        "bill_billing_period_end_date": f"{_next_month(month)}-01T00:00:00Z",
        "bill_payer_account_id": ACCOUNT, "bill_invoicing_entity": "Amazon Web Services, Inc.",
        "identity_line_item_id": f"li-{abs(hash((month, product, usage_type, day, str(cost)))) % 10**12}",
        "identity_time_interval": f"{start}/{month}-{day:02d}T23:59:59Z",
        "line_item_currency_code": currency, "line_item_line_item_type": line_type,
        "line_item_product_code": product, "line_item_usage_type": usage_type,
        "line_item_usage_start_date": start, "line_item_usage_end_date": f"{month}-{day:02d}T23:59:59Z",
        "line_item_unblended_cost": str(cost), "line_item_blended_cost": str(cost),
        "line_item_net_unblended_cost": str(cost),
        "line_item_usage_amount": "" if amount is None else str(amount),
        "line_item_usage_account_id": ACCOUNT, "line_item_legal_entity": "Amazon Web Services, Inc.",
        "line_item_line_item_description": f"{line_type} {usage_type}",
        "product_region_code": region if line_type != "Tax" else "",
        "product_servicecode": product, "product_usagetype": usage_type, "pricing_currency": currency,
        "resource_tags": json.dumps(tags) if tags else "",
        "line_item_tax_type": "Sales Tax" if line_type == "Tax" else "",
    })
    for k, v in extra.items():
        if k not in row:
            raise KeyError(f"{k} is not a CUR 2.0 column")
        row[k] = str(v)
    return row


def write_cur_csv(path: Path, rows: Iterable[dict[str, str]], gz: bool = False) -> Path:
    """Write rows as a CUR 2.0 CSV (gzip-compressed when `gz`)."""
    opener = (lambda p: gzip.open(p, "wt", newline="", encoding="utf-8", compresslevel=1)) if gz else \
        (lambda p: open(p, "w", newline="", encoding="utf-8"))
    with opener(path) as fh:
        w = csv.writer(fh)
        w.writerow(CUR2_COLUMNS)
        for r in rows:
            w.writerow([r[c] for c in CUR2_COLUMNS])
    return path


def write_cur_parquet(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write rows as CUR 2.0 Parquet: costs as double, dates as timestamps, resource_tags as map<string,string>."""
    from datetime import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq
    cols: dict[str, Any] = {}
    for c in CUR2_COLUMNS:
        vals = [r[c] for r in rows]
        if c == "resource_tags":
            cols[c] = pa.array([list(json.loads(v).items()) if v else None for v in vals],
                               type=pa.map_(pa.string(), pa.string()))
        elif c in ("line_item_usage_start_date", "line_item_usage_end_date", "bill_billing_period_start_date",
                   "bill_billing_period_end_date"):
            cols[c] = pa.array([datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ") if v else None for v in vals],
                               type=pa.timestamp("ms"))
        elif c in NUMERIC_COLUMNS:
            cols[c] = pa.array([float(v) if v else None for v in vals], type=pa.float64())
        else:
            cols[c] = pa.array(vals, type=pa.string())
    pq.write_table(pa.table(cols), path)
    return path


# review line -> (CUR product code, usage type with the us-east-1 prefix, billed units per estimate unit)
USAGE_FOR_GROUP: dict[str, tuple[str, str, Decimal]] = {
    "eks:cluster-hour": ("AmazonEKS", "USE1-AmazonEKS-Hours:perCluster", Decimal(1)),
    "ec2:nodes:on-demand": ("AmazonEC2", "BoxUsage:{type}", Decimal(1)),
    "ec2:nodes:spot": ("AmazonEC2", "SpotUsage:{type}", Decimal(1)),
    "ec2:t-unlimited-vcpu-hour": ("AmazonEC2", "USE1-CPUCredits:t3", Decimal(1)),
    "ebs:gp3-gb-month": ("AmazonEC2", "USE1-EBS:VolumeUsage.gp3", Decimal(1)),
    "vpc:nat-gateway-hour": ("AmazonEC2", "USE1-NatGateway-Hours", Decimal(1)),
    "vpc:nat-gateway-gb": ("AmazonEC2", "USE1-NatGateway-Bytes", Decimal(1)),
    "vpc:public-ipv4-hour": ("AmazonVPC", "USE1-PublicIPv4:InUseAddress", Decimal(1)),
    "vpc:interface-endpoint-hour": ("AmazonVPC", "USE1-VpcEndpoint-Hours", Decimal(1)),
    "vpc:interface-endpoint-gb": ("AmazonVPC", "USE1-VpcEndpoint-Bytes", Decimal(1)),
    "elb:alb-hour": ("AWSELB", "USE1-LoadBalancerUsage", Decimal(1)),
    "elb:alb-lcu-hour": ("AWSELB", "USE1-LCUUsage", Decimal(1)),
    "dynamodb:write-request-million": ("AmazonDynamoDB", "USE1-WriteRequestUnits", Decimal(1_000_000)),
    "dynamodb:read-request-million": ("AmazonDynamoDB", "USE1-ReadRequestUnits", Decimal(1_000_000)),
    "dynamodb:wcu-hour": ("AmazonDynamoDB", "USE1-WriteCapacityUnit-Hrs", Decimal(1)),
    "dynamodb:rcu-hour": ("AmazonDynamoDB", "USE1-ReadCapacityUnit-Hrs", Decimal(1)),
    "dynamodb:storage-gb-month": ("AmazonDynamoDB", "USE1-TimedStorage-ByteHrs", Decimal(1)),
    "dynamodb:pitr-gb-month": ("AmazonDynamoDB", "USE1-TimedPITRStorage-ByteHrs", Decimal(1)),
    "backup:dynamodb-gb-month": ("AWSBackup", "USE1-WarmStorage-ByteHrs-DynamoDB", Decimal(1)),
    "cloudfront:data-out-gb": ("AmazonCloudFront", "US-DataTransfer-Out-Bytes", Decimal(1)),
    "cloudfront:https-requests-10k": ("AmazonCloudFront", "US-Requests-Tier2-HTTPS", Decimal(10_000)),
    "s3:standard-gb-month": ("AmazonS3", "TimedStorage-ByteHrs", Decimal(1)),
    "s3:put-requests-1k": ("AmazonS3", "Requests-Tier1", Decimal(1000)),
    "s3:get-requests-1k": ("AmazonS3", "Requests-Tier2", Decimal(1000)),
    "cloudwatch:logs-ingest-gb": ("AmazonCloudWatch", "USE1-DataProcessing-Bytes", Decimal(1)),
    "cloudwatch:logs-storage-gb-month": ("AmazonCloudWatch", "USE1-TimedStorage-ByteHrs", Decimal(1)),
    "cloudwatch:metric-month": ("AmazonCloudWatch", "USE1-CW:MetricMonitorUsage", Decimal(1)),
    "cloudwatch:alarm-month": ("AmazonCloudWatch", "USE1-CW:AlarmMonitorUsage", Decimal(1)),
    "cloudwatch:dashboard-month": ("AmazonCloudWatch", "DashboardsUsageHour-Basic", Decimal(744)),
    "xray:traces-million": ("AWSXRay", "USE1-XRay-TracesStored", Decimal(1_000_000)),
    "secretsmanager:secret-month": ("AWSSecretsManager", "USE1-AWSSecretsManager-Secrets", Decimal(1)),
    "secretsmanager:api-requests-10k": ("AWSSecretsManager", "USE1-AWSSecretsManager-APIRequest", Decimal(10_000)),
    "kms:key-month": ("awskms", "USE1-KMS-Keys", Decimal(1)),
    "kms:requests-10k": ("awskms", "USE1-KMS-Requests", Decimal(10_000)),
    "waf:web-acl-month": ("awswaf", "USE1-WebACLV2", Decimal(1)),
    "waf:rule-month": ("awswaf", "USE1-RuleV2", Decimal(1)),
    "waf:requests-million": ("awswaf", "USE1-RequestV2-Tier1", Decimal(1_000_000)),
    "route53:hosted-zone-month": ("AmazonRoute53", "HostedZone", Decimal(1)),
    "route53:queries-million": ("AmazonRoute53", "DNS-Queries", Decimal(1_000_000)),
    "datatransfer:internet-out-gb": ("AmazonEC2", "USE1-DataTransfer-Out-Bytes", Decimal(1)),
    "datatransfer:inter-az-gb": ("AmazonEC2", "USE1-DataTransfer-Regional-Bytes", Decimal(1)),
    "elasticache:nodes": ("AmazonElastiCache", "USE1-NodeUsage:{cache}", Decimal(1)),
    "bedrock:input": ("AmazonBedrock", "USE1-Claude-input-tokens", Decimal(1000)),
    "bedrock:output": ("AmazonBedrock", "USE1-Claude-output-tokens", Decimal(1000)),
    "cloudtrail:data-events-100k": ("AWSCloudTrail", "USE1-DataEventsRecorded", Decimal(100_000)),
    "guardduty:cloudtrail-events-million": ("AmazonGuardDuty", "USE1-PaidEventsAnalyzed", Decimal(1_000_000)),
    "guardduty:flow-logs-gb": ("AmazonGuardDuty", "USE1-PaidFlowLogsAnalyzed", Decimal(1)),
    "config:configuration-item": ("AWSConfig", "USE1-ConfigurationItemRecorded", Decimal(1)),
    "config:rule-evaluation": ("AWSConfig", "USE1-ConformancePackEvaluations", Decimal(1)),
    "securityhub:check": ("AWSSecurityHub", "USE1-PaidComplianceCheck", Decimal(1)),
    "macie:bucket-month": ("AmazonMacie", "USE1-Macie:BucketsMonitored", Decimal(1)),
}


def split_exact(total: Decimal, parts: int) -> list[Decimal]:
    """`parts` amounts (to 10 decimals) that add up to `total` exactly."""
    share = (total / parts).quantize(Decimal("0.0000000001"), rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def bill_rows(est: Any, month: str, tags: dict[str, str] | None = None, days: int = 3,
              scale: dict[str, Decimal] | None = None) -> Iterator[dict[str, str]]:
    """CUR rows whose cost per review line equals the estimate (times `scale[group]`), spread over `days` days."""
    from review.mapping import estimate_groups
    groups, _ = estimate_groups(est.lines)
    plan = est.plan
    tags = PROJECT_TAGS if tags is None else tags
    for gid, g in groups.items():
        product, ut, per = USAGE_FOR_GROUP[gid]
        ut = ut.format(type=plan.nodes.instance_type, cache=plan.elasticache_node_type or "")
        factor = (scale or {}).get(gid, Decimal(1))
        cost = g.estimate_usd * factor
        amount = g.estimate_quantity * per * factor
        for day, (c, a) in enumerate(zip(split_exact(cost, days), split_exact(amount, days)), start=1):
            yield cur_row(month, product, ut, c, a, tags=tags, day=day)
