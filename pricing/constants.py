"""Pricing facts that are not unit prices: free tiers, purchase-option discounts, CE service names."""
from __future__ import annotations

from decimal import Decimal

from sizing.scenario import PurchaseOption

# --- Always-free tiers, modelled once (pricing-catalog.md "Free tiers") -------------------------
FREE_CLOUDFRONT_GB = 1024                 # 1 TB data out per month; facts 6 [S44]
FREE_CLOUDFRONT_REQUESTS = 10_000_000     # 10 M HTTP(S) requests per month; facts 6 [S44]
FREE_DYNAMODB_STORAGE_GB = 25             # facts 4.2 [S30]
FREE_XRAY_TRACES = 100_000                # facts 12 [S101]
FREE_INTERNET_OUT_GB = 100                # 100 GB/month across services; facts 12 [S37][S104]
FREE_CLOUDWATCH_LOGS_GB = 5               # facts 12 [S97][S98]
FREE_CLOUDWATCH_METRICS = 10              # CloudWatch free tier [S98]
FREE_CLOUDWATCH_ALARMS = 10               # CloudWatch free tier [S98]
FREE_CLOUDWATCH_DASHBOARDS = 3            # facts 12 [S98][S100]
FREE_KMS_REQUESTS = 20_000                # facts 9 [S83]

# --- Purchase options: visible assumptions, not list prices -------------------------------------
SPOT_DISCOUNT = Decimal("0.60")           # UNSOURCED: plan says spot saves 60-90%; we take the low end
SAVINGS_PLAN: dict[PurchaseOption, tuple[Decimal, int, bool]] = {
    # option: (discount off on-demand EC2, term months, all upfront). UNSOURCED typical Compute Savings
    # Plan rates for m5/c5 in us-east-1 ("up to 66%" on the AWS page); shown to the user as assumptions.
    PurchaseOption.on_demand: (Decimal("0"), 0, False),
    PurchaseOption.savings_plan_1y_no_upfront: (Decimal("0.28"), 12, False),
    PurchaseOption.savings_plan_1y_all_upfront: (Decimal("0.32"), 12, True),
    PurchaseOption.savings_plan_3y_no_upfront: (Decimal("0.47"), 36, False),
    PurchaseOption.savings_plan_3y_all_upfront: (Decimal("0.52"), 36, True),
}

CENT = Decimal("0.01")

# Cost Explorer SERVICE dimension spellings, so the monthly review can match lines to bills.
CE = {
    "ec2": "Amazon Elastic Compute Cloud - Compute",
    "ec2_other": "EC2 - Other",            # EBS volumes, NAT gateways, data transfer
    "vpc": "Amazon Virtual Private Cloud",  # public IPv4 addresses, interface endpoints
    "eks": "Amazon Elastic Container Service for Kubernetes",
    "elb": "Amazon Elastic Load Balancing",
    "dynamodb": "Amazon DynamoDB",
    "cloudfront": "Amazon CloudFront",
    "s3": "Amazon Simple Storage Service",
    "cloudwatch": "AmazonCloudWatch",
    "secretsmanager": "AWS Secrets Manager",
    "kms": "AWS Key Management Service",
    "waf": "AWS WAF",
    "xray": "AWS X-Ray",
    "route53": "Amazon Route 53",
    "elasticache": "Amazon ElastiCache",
    "backup": "AWS Backup",
    "cloudtrail": "AWS CloudTrail",
    "guardduty": "Amazon GuardDuty",
    "config": "AWS Config",
    "securityhub": "AWS Security Hub",
    "macie": "Amazon Macie",
    "bedrock": "Amazon Bedrock",
    "external": "External LLM provider",
}
