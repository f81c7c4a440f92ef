"""Pricers of the disaster-recovery resources the generated CDK app adds (docs/price-template.md § Disaster
recovery): DynamoDB global tables (`AWS::DynamoDB::GlobalTable`, a replica per Region) and the backup plan's copy
actions to another Region's vault. A replica's lines are priced in the replica's Region, the data sent to it in
the stack's Region, as the estimate's DR lines (pricing/services/dr.py)."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pricing.services import backup, datatransfer, dynamodb
from pricing.services.base import Component
from pricing.template.context import Ctx
from pricing.template.resources import MILLION, PRICERS, Pricer, capacity_line, pricer

_ARN_REGION = re.compile(r":backup:([a-z]{2}(?:-[a-z]+)+-\d):")
GLOBAL_USAGE = ("write_request_units", "read_request_units", "storage_gb", "pitr_gb", "write_capacity_unit_hours",
                "read_capacity_unit_hours", "replicated_write_request_units", "replica_gsi_write_request_units",
                "replica_storage_gb", "replica_pitr_gb", "replication_gb")


def _max_units(c: Ctx, path: str, settings: Any, kind: str) -> Decimal:
    """A capacity setting: fixed `<Kind>CapacityUnits`, or auto scaling's MaxCapacity (priced all month)."""
    if not isinstance(settings, dict):
        return Decimal(0)
    scaled = settings.get(f"{kind}CapacityAutoScalingSettings")
    if isinstance(scaled, dict):
        return c.count(f"{path}.{kind}CapacityAutoScalingSettings.MaxCapacity", of=scaled.get("MaxCapacity"))
    return c.count(f"{path}.{kind}CapacityUnits", 0, of=settings.get(f"{kind}CapacityUnits"))


def _replicas(c: Ctx) -> tuple[dict, list[dict]]:
    """(the stack's own replica, the other Regions' replicas); without a manifest Region, the first is the own."""
    replicas = [r for r in (c.value("Replicas", []) or []) if isinstance(r, dict)]
    own = next((r for r in replicas if r.get("Region") == c.template.region), replicas[0] if replicas else {})
    return own, [r for r in replicas if r is not own]


def _gsi_capacity(c: Ctx, holder: dict, kind: str, path: str) -> Decimal:
    total = Decimal(0)
    for i, gsi in enumerate(holder.get("GlobalSecondaryIndexes") or []):
        if isinstance(gsi, dict):
            total += _max_units(c, f"{path}.GlobalSecondaryIndexes.{i}.{kind}ProvisionedThroughputSettings",
                                gsi.get(f"{kind}ProvisionedThroughputSettings"), kind)
    return total


def _pitr(replica: dict) -> bool:
    spec = replica.get("PointInTimeRecoverySpecification")
    return isinstance(spec, dict) and str(spec.get("PointInTimeRecoveryEnabled")).lower() == "true"


@pricer("AWS::DynamoDB::GlobalTable", usage=GLOBAL_USAGE)
def global_table(c: Ctx) -> list[Component]:
    own, others = _replicas(c)
    provisioned = c.text("BillingMode", "PROVISIONED") == "PROVISIONED"
    table = c.resource.get("Properties") or {}
    wcu = _max_units(c, "WriteProvisionedThroughputSettings", table.get("WriteProvisionedThroughputSettings"), "Write")
    gsi_wcu = _gsi_capacity(c, table, "Write", "")
    scaled = "auto scaled: MaxCapacity priced all month"
    if provisioned:
        rcu = _max_units(c, "Replicas.ReadProvisionedThroughputSettings", own.get("ReadProvisionedThroughputSettings"),
                         "Read") + _gsi_capacity(c, own, "Read", "Replicas")
        # the usage file's capacity-unit-hours when given (auto scaling follows the load), else MaxCapacity all month
        out = [capacity_line(c, "write", wcu + gsi_wcu, "WCU", dynamodb.WCU_HOUR, scaled),
               capacity_line(c, "read", rcu, "RCU", dynamodb.RCU_HOUR, scaled)]
    else:
        out = [c.used("DynamoDB", "On-demand write request units", "write_request_units", "million WRU",
                      dynamodb.WRITES, MILLION),
               c.used("DynamoDB", "On-demand read request units", "read_request_units", "million RRU",
                      dynamodb.READS, MILLION)]
    out.append(c.used("DynamoDB", "Table and GSI storage", "storage_gb", "GB-month", dynamodb.STORAGE))
    if _pitr(own):
        out.append(c.used("DynamoDB", "Point-in-time recovery", "pitr_gb", "GB-month", dynamodb.PITR))
    for r in others:
        out += _replica_lines(c, r, provisioned, wcu, gsi_wcu)
    return out


def _replica_lines(c: Ctx, r: dict, provisioned: bool, wcu: Decimal, gsi_wcu: Decimal) -> list[Component]:
    region = str(r.get("Region"))
    if provisioned:
        rcu = _max_units(c, "Replicas.ReadProvisionedThroughputSettings", r.get("ReadProvisionedThroughputSettings"),
                         "Read") + _gsi_capacity(c, r, "Read", "Replicas")
        out = [c.hourly("DynamoDB", f"replica {region}: replicated write capacity ({wcu} rWCU)", wcu, "rWCU-hours",
                        dynamodb.REPL_WCU_HOUR),
               c.hourly("DynamoDB", f"replica {region}: GSI write capacity ({gsi_wcu} WCU)", gsi_wcu, "WCU-hours",
                        dynamodb.WCU_HOUR),
               c.hourly("DynamoDB", f"replica {region}: read capacity ({rcu} RCU)", rcu, "RCU-hours",
                        dynamodb.RCU_HOUR)]
    else:
        out = [c.used("DynamoDB", f"replica {region}: replicated write request units",
                      "replicated_write_request_units", "million rWRU", dynamodb.REPL_WRITES, MILLION),
               c.used("DynamoDB", f"replica {region}: GSI write request units", "replica_gsi_write_request_units",
                      "million WRU", dynamodb.WRITES, MILLION)]
    out.append(c.used("DynamoDB", f"replica {region}: table and GSI storage", "replica_storage_gb", "GB-month",
                      dynamodb.STORAGE))
    if _pitr(r):
        out.append(c.used("DynamoDB", f"replica {region}: point-in-time recovery", "replica_pitr_gb", "GB-month",
                          dynamodb.PITR))
    sent = c.used("Data transfer", f"replication to {region}", "replication_gb", "GB", datatransfer.INTER_REGION)
    return [replace(x, region=region) for x in out] + [sent]


def _destination_region(arn: Any) -> str | None:
    """The Region of a copy action's destination vault ARN (a string, or CDK's Fn::Join of literals and Refs)."""
    if isinstance(arn, dict) and isinstance(arn.get("Fn::Join"), list) and len(arn["Fn::Join"]) == 2:
        arn = "".join(p if isinstance(p, str) else "?" for p in arn["Fn::Join"][1])
    m = _ARN_REGION.search(arn) if isinstance(arn, str) else None
    return m[1] if m else None


_PLAN = PRICERS["AWS::Backup::BackupPlan"]


def backup_plan_with_copies(c: Ctx) -> list[Component]:
    """The plan's own backup storage, and for copy actions the copies' storage in the destination Region and the
    data sent there (both from the usage file: dr_copy_gb, dr_copy_transfer_gb)."""
    out = _PLAN.fn(c)
    rules = c.raw("BackupPlan.BackupPlanRule") or []
    regions = sorted({r for rule in rules if isinstance(rule, dict) for a in rule.get("CopyActions") or []
                      if isinstance(a, dict) and (r := _destination_region(a.get("DestinationBackupVaultArn")))})
    for region in regions:
        out.append(replace(c.used("AWS Backup", f"backup copies in {region}", "dr_copy_gb", "GB-month", backup.KEY),
                           region=region))
        out.append(c.used("Data transfer", f"backup copies sent to {region}", "dr_copy_transfer_gb", "GB",
                          datatransfer.INTER_REGION))
    return out


PRICERS["AWS::Backup::BackupPlan"] = Pricer(backup_plan_with_copies, (*_PLAN.usage, "dr_copy_gb", "dr_copy_transfer_gb"))
