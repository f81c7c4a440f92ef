"""Write the sample input files in examples/ that README.md's commands use (run from the repository root):

    .venv/bin/python -m tests.helpers.make_examples

Deterministic: the same code and price snapshot write the same files. The files are committed; rerun this
after a change in the estimate of examples/medium-prod.yaml to keep the CUR extract "close to the estimate".
- cur-2026-10.csv: a CUR 2.0 (Data Exports) extract for October 2026 of examples/medium-prod.yaml, one day per
  line item, with LLM input tokens 20% and NAT data 50% above the estimate (so the review flags them), and a tax
  line.
- ce-2026-10.csv: the same month as a Cost Explorer console CSV export (services as columns, one row per month).
- offer-ec2-us-east-1.json: a small AWS bulk offer file in the real format (AmazonEC2, us-east-1: the 39 instance
  types tiersizer prices, CPU credits, gp3, NAT), with the test helpers' synthetic prices (not AWS's).
- prices-2026-10.json / prices-2026-11.json: two small price snapshots for `pricing diff` (one price moved,
  one added, one removed).
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from pricing.catalog import EMBEDDED_SNAPSHOT, load_snapshot
from pricing.engine import estimate
from pricing.snapshot import write_snapshot
from tests.helpers.cur import bill_rows, cur_row, write_cur_csv
from tests.helpers.offer_files import ec2_full, write_offer_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MONTH = "2026-10"
SCALE = {"bedrock:input": Decimal("1.2"), "vpc:nat-gateway-gb": Decimal("1.5")}
TAX_USD = Decimal("12.34")
# CUR product code -> the Cost Explorer console's column name (EC2 instance hours are "EC2-Instances", the rest
# of AmazonEC2 - EBS, NAT, data transfer - is "EC2-Other")
CE_NAMES = {"AmazonEC2": "EC2-Other", "AmazonEKS": "Elastic Container Service for Kubernetes",
            "AmazonDynamoDB": "DynamoDB", "AmazonBedrock": "Bedrock", "AmazonCloudWatch": "CloudWatch",
            "AmazonS3": "S3", "AWSELB": "Elastic Load Balancing", "AWSBackup": "Backup", "AWSConfig": "Config",
            "AWSSecretsManager": "Secrets Manager", "AWSSecurityHub": "Security Hub", "AWSXRay": "X-Ray",
            "AmazonCloudFront": "CloudFront", "AmazonGuardDuty": "GuardDuty", "AmazonMacie": "Macie",
            "AmazonRoute53": "Route 53", "AmazonVPC": "VPC", "awskms": "Key Management Service", "awswaf": "WAF"}


def _estimate():  # type: ignore[no-untyped-def]
    from app.scenario_input import build_scenario
    return estimate(build_scenario(EXAMPLES / "medium-prod.yaml", {}), load_snapshot(EMBEDDED_SNAPSHOT))


def write_cur(est) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    rows = list(bill_rows(est, MONTH, days=1, scale=SCALE))
    rows.append(cur_row(MONTH, "AmazonEC2", "", TAX_USD, line_type="Tax", line_item_tax_type="VAT"))
    for i, r in enumerate(rows, start=1):      # cur_row's ids come from hash(), which changes between runs
        r["identity_line_item_id"] = f"li-{i:012d}"
    write_cur_csv(EXAMPLES / f"cur-{MONTH}.csv", rows)
    return rows


def write_ce_csv(rows: list[dict[str, str]]) -> None:
    by_service: dict[str, Decimal] = defaultdict(Decimal)
    tax = Decimal(0)
    for r in rows:
        cost = Decimal(r["line_item_unblended_cost"])
        if r["line_item_line_item_type"] == "Tax":
            tax += cost
        else:
            code = r["line_item_product_code"]
            instances = code == "AmazonEC2" and r["line_item_usage_type"].startswith(("BoxUsage", "SpotUsage"))
            by_service["EC2-Instances" if instances else CE_NAMES.get(code, code)] += cost
    names = sorted(by_service)
    cents = {n: by_service[n].quantize(Decimal("0.01")) for n in names}
    total = sum(cents.values()) + tax
    with open(EXAMPLES / f"ce-{MONTH}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(["Service", *(f"{n}($)" for n in names), "Tax($)", "Total costs($)"])
        w.writerow(["Service total", *(cents[n] for n in names), tax, total])
        w.writerow([f"{MONTH}-01", *(cents[n] for n in names), tax, total])


def write_offer() -> None:
    items = ec2_full("us-east-1")
    write_offer_file(EXAMPLES / "offer-ec2-us-east-1.json", "AmazonEC2", items, region_code="us-east-1")


def write_snapshots() -> None:
    points = [p for p in load_snapshot(EMBEDDED_SNAPSHOT).points()
              if p.region == "us-east-1" and p.key.split(":")[0] in ("ec2", "vpc", "eks")]
    old = [replace(p, as_of="2026-10-01") for p in points[:-1]]
    new = [replace(p, as_of="2026-11-01", usd=p.usd * Decimal("1.05") if i == 0 else p.usd)
           for i, p in enumerate(points[1:])]
    src = ["examples: a slice of the embedded snapshot (tests/helpers/make_examples.py)"]
    write_snapshot(old, EXAMPLES / "prices-2026-10.json", as_of="2026-10-01", sources=src,
                   built_at="2026-10-01T00:00:00+00:00")
    write_snapshot(new, EXAMPLES / "prices-2026-11.json", as_of="2026-11-01", sources=src,
                   built_at="2026-11-01T00:00:00+00:00")


def main() -> None:
    rows = write_cur(_estimate())
    write_ce_csv(rows)
    write_offer()
    write_snapshots()


if __name__ == "__main__":
    main()
