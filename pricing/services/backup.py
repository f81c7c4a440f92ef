"""AWS Backup: daily backups of the DynamoDB tables."""
from __future__ import annotations

from pricing.services.base import BillLine, BillRule, Component, KeptPrice, Priced, PriceKey, PriceOptions, Service, qty
from sizing.assumptions import BACKUP_RETENTION_DAYS
from sizing.capacity import CapacityPlan

CE = "AWS Backup"
KEY = "backup:dynamodb-gb-month"


def dynamodb_backups(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    d = p.dynamodb
    if not d.backups_enabled:
        return []
    return [Component("AWS Backup", f"DynamoDB daily backups, {BACKUP_RETENTION_DAYS}-day retention", qty(d.backup_gb),
                      "GB-month", KEY, "each backup is a full copy of the table")]


SERVICE = Service(
    name="backup", title="AWS Backup", ce=CE, product_code="AWSBackup",
    keys=(
        PriceKey(key=KEY, unit="USD per GB-month", ce=CE,
                 refresh=KeptPrice(service_code="AWSBackup",
                                  reason="the AWSBackup price-list spelling of DynamoDB warm storage is not "
                                          "verified against a live offer; the snapshot price is kept")),
    ),
    bill_lines=(
        BillLine(id=KEY, rules=(BillRule(usage=r"TimedBackupStorage-ByteHrs", services=("Amazon DynamoDB",)),
                                BillRule(usage=r"Storage-ByteHrs", services=(CE,))),
                 over="backup storage above plan: retention longer than 30 days or on-demand backups kept",
                 under="less backup storage than planned (young table or shorter retention)"),
    ),
    components=(Priced(order=61, fn=dynamodb_backups),),
)
