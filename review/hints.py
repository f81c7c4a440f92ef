"""Short explanations of a gap between a review line's estimate and its bill, by direction."""
from __future__ import annotations

from decimal import Decimal

# group id -> (hint when the bill is above the estimate, hint when below)
HINTS: dict[str, tuple[str, str]] = {
    "vpc:nat-gateway-gb": (
        "NAT bytes far above plan: traffic that should use the VPC endpoints (DynamoDB/S3 gateway endpoints, "
        "ECR, CloudWatch Logs and STS interface endpoints) goes through the NAT; check VPC flow logs for the "
        "top talkers", "less traffic through the NAT than planned (fewer LLM calls, logs or image pulls)"),
    "vpc:nat-gateway-hour": ("more NAT gateway hours than planned: extra gateways (one per AZ) or gateways left "
                             "in other VPCs", "fewer NAT gateway hours than planned (a single NAT?)"),
    "ec2:nodes:on-demand": (
        "EC2 above plan: more nodes than planned or nodes running longer (cluster autoscaler max, stuck "
        "scale-down), a larger instance type, spot capacity replaced by on-demand, or t3 surplus CPU credits",
        "fewer on-demand node hours than planned: nodes scaled in below peak, or savings plan coverage"),
    "ec2:nodes:spot": ("more spot hours than planned, or spot prices above the assumed discount",
                       "fewer spot hours than planned: spot capacity unavailable or nodes scaled in"),
    "ec2:t-unlimited-vcpu-hour": ("t3 surplus credits: nodes run above the burst baseline; a non-burstable "
                                  "type (c5/m5) may be cheaper", "fewer surplus CPU credits than planned"),
    "ebs:gp3-gb-month": ("more or larger EBS volumes than planned, snapshots, or gp2/io volumes",
                         "less EBS storage than planned"),
    "vpc:public-ipv4-hour": ("more public IPv4 addresses than planned: idle Elastic IPs or public IPs on nodes",
                             "fewer public IPv4 addresses than planned"),
    "elb:alb-hour": ("more load balancer hours than planned: one ALB per Ingress (no IngressGroup)?",
                     "fewer load balancer hours than planned"),
    "elb:alb-lcu-hour": ("more ALB capacity units: more new or active connections or bytes than planned",
                         "fewer ALB capacity units than planned"),
    "dynamodb:write-request-million": ("more DynamoDB writes: more messages than planned, larger items or more "
                                       "index writes", "fewer DynamoDB writes than planned (fewer messages)"),
    "dynamodb:read-request-million": ("more DynamoDB reads: chatty API calls, scans or strongly consistent "
                                      "reads", "fewer DynamoDB reads than planned"),
    "dynamodb:wcu-hour": ("more provisioned write capacity: auto scaling raised WCU for more writes than planned",
                          "less provisioned write capacity than planned"),
    "dynamodb:rcu-hour": ("more provisioned read capacity than planned", "less provisioned read capacity than "
                          "planned"),
    "dynamodb:storage-gb-month": ("chat history larger than planned: retention (TTL) not enforced or bigger items",
                                  "less chat history stored than planned (young table)"),
    "dynamodb:pitr-gb-month": ("PITR billed on a larger table than planned", "PITR below plan: smaller table"),
    "backup:dynamodb-gb-month": ("backup storage above plan: retention longer than 30 days or on-demand backups "
                                 "kept", "less backup storage than planned (young table or shorter retention)"),
    "cloudfront:data-out-gb": ("more CloudFront data out: bigger SPA bundle or weaker browser caching",
                               "less CloudFront data out than planned (within the free 1 TB?)"),
    "cloudfront:https-requests-10k": ("more CloudFront requests than planned: more page loads or uncached assets",
                                      "fewer CloudFront requests than planned"),
    "s3:standard-gb-month": ("more S3 storage: access logs without a lifecycle rule, or old SPA builds kept",
                             "less S3 storage than planned"),
    "cloudwatch:logs-ingest-gb": ("more logs ingested than planned: debug logging or noisy containers; check the "
                                  "top log groups", "fewer logs ingested than planned"),
    "cloudwatch:logs-storage-gb-month": ("log storage above plan: log groups without a retention setting never "
                                         "expire", "less log storage than planned (young log groups)"),
    "cloudwatch:metric-month": ("more custom metrics than planned (high-cardinality dimensions)",
                                "fewer metrics than planned"),
    "xray:traces-million": ("more traces recorded: sampling above the planned 5%", "fewer traces than planned"),
    "waf:requests-million": ("more requests inspected by WAF: traffic above plan, or bots", "fewer WAF requests"),
    "datatransfer:internet-out-gb": ("more internet egress: larger responses or traffic bypassing CloudFront",
                                     "less internet egress than planned"),
    "datatransfer:inter-az-gb": ("more cross-AZ traffic: pods calling across zones or through another zone's NAT",
                                 "less cross-AZ traffic than planned"),
    "bedrock:input": ("more input tokens: more messages or longer prompts (chat history) than planned",
                      "fewer input tokens: fewer messages or shorter prompts than planned"),
    "bedrock:output": ("more output tokens: longer answers or more messages than planned",
                       "fewer output tokens than planned"),
    "eks:cluster-hour": ("more EKS cluster hours: extra clusters, or extended support ($0.60/h) after a missed "
                         "upgrade", "fewer cluster hours than planned (cluster created mid-month?)"),
    "elasticache:nodes": ("more cache node hours than planned (replicas?)", "fewer cache node hours than planned"),
}


def hint(group: str, estimate_usd: Decimal, actual_usd: Decimal, estimate_qty: Decimal | None,
         actual_qty: Decimal | None, unit: str, extra: str = "") -> str:
    """The reason text for a flagged review line, with the usage ratio when both quantities are known."""
    if actual_usd == 0 and estimate_usd > 0:
        return ("not in the bill: the resource is not deployed, runs in another account/region, or lacks the "
                "Project/Environment tags")
    over, under = HINTS.get(group, ("actual above the estimate", "actual below the estimate"))
    text = over if actual_usd > estimate_usd else under
    if estimate_qty and actual_qty is not None and estimate_qty > 0:
        ratio = actual_qty / estimate_qty
        qty = f"usage {ratio:.1f}x plan ({actual_qty:,.1f} vs {estimate_qty:,.1f} {unit})"
        if Decimal("0.9") <= ratio <= Decimal("1.1"):
            text = f"usage as planned ({qty}); the unit price differs: region, price tier, discount or a price change"
        else:
            text = f"{text}; {qty}"
    return f"{text}; {extra}" if extra else text
