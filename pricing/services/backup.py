"""AWS Backup: the backup policy's full copies of the DynamoDB tables."""
from __future__ import annotations

from pricing.services.base import BillLine, BillRule, Component, KeptPrice, Priced, PriceKey, PriceOptions, Service, qty
from sizing.capacity import CapacityPlan
from sizing.dynamodb import DynamoPlan

CE = "AWS Backup"
KEY = "backup:dynamodb-gb-month"


def backups(d: DynamoPlan) -> list[Component]:
    """The policy's full copies of the table (DynamoPlan.at_month for the first year)."""
    if not d.backups_enabled:
        return []
    vault = "; in a separate locked vault" if d.backup_vault_separate else ""
    return [Component("AWS Backup", f"DynamoDB backups ({d.backup_policy.value}), {d.backup_copies} full copies",
                      qty(d.backup_gb), "GB-month", KEY,
                      f"each copy is a full copy of the table ({d.table_gb:.2f} GB), kept "
                      f"{d.backup_retention_days} days{vault}; {d.backup_policy_reason}")]


def dynamodb_backups(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    return backups(p.dynamodb)


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
                 over="backup storage above plan: more copies than the policy keeps, or on-demand backups kept",
                 under="less backup storage than planned (young table or shorter retention)"),
    ),
    components=(Priced(order=61, fn=dynamodb_backups),),
)
