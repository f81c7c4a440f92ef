"""Disaster recovery: the DR Region's lines (sizing/dr.py), priced at the DR Region's prices; the data sent there
is priced at the primary Region's inter-Region rate, where it is billed. Every item names the DR Region.

The keys belong to their services (backup, dynamodb, datatransfer, eks, ec2, ebs, vpc, elb); this module declares
none, only the components (docs/sizing-model.md § Disaster recovery)."""
from __future__ import annotations

from decimal import Decimal

from pricing.services import backup, datatransfer, dynamodb, ebs, eks, elb, kms, vpc
from pricing.services.base import Component, Priced, PriceOptions, Service, qty
from sizing import assumptions as A
from sizing.capacity import CapacityPlan
from sizing.dr import DrPlan
from sizing.eks_versions import Support
from sizing.scenario import DrMode

DR = "dr"                     # the lines' category: infrastructure, grouped as the DR line group
STORED_UNITS = ("GB-month", "GB copied")   # lines proportional to the stored chats: they grow in the first year


def grows_with_table(category: str, unit: str) -> bool:
    """A DR line whose quantity is proportional to the months of chats stored (copies, replica, copy transfer)."""
    return category == DR and unit in STORED_UNITS
_MILLION = 1e6


def _c(p: CapacityPlan, service: str, item: str, quantity: float | Decimal, unit: str, key: str, note: str = "",
       *, source_region: bool = False) -> Component:
    dr = p.dr
    assert dr is not None and dr.region is not None
    return Component(service, f"DR {dr.region}: {item}", qty(quantity), unit, key, note, category=DR,
                     region=None if source_region else dr.region)


def _backup_copy(p: CapacityPlan, dr: DrPlan) -> list[Component]:
    d = p.dynamodb
    rule = (f"daily rule added only for the copy (backup_policy pitr-only has none), copies kept "
            f"{dr.copy_retention_days} days" if dr.copy_rule_added else
            f"every recovery point of the {d.backup_policy.value} rule, kept {dr.copy_retention_days} days as the source")
    out = [_c(p, "AWS Backup", f"DynamoDB backup copies ({dr.copies_kept} full copies)", dr.copy_gb, "GB-month",
              backup.KEY, f"{rule}; each copy is a full copy of the table ({d.table_gb:.2f} GB)"),
           _c(p, "Data transfer", f"backup copies sent from {p.scenario.region} ({dr.copy_jobs_month:.2f} a month)",
              dr.copy_transfer_gb_month, "GB copied", datatransfer.INTER_REGION,
              f"{dr.copy_jobs_month:.2f} copy jobs x {d.table_gb:.2f} GB: DynamoDB copies are full, not incremental; "
              f"billed in {p.scenario.region}", source_region=True)]
    if dr.copy_rule_added:
        out.append(_c(p, "AWS Backup", f"source recovery point of the copy, in {p.scenario.region}", dr.source_gb,
                      "GB-month", backup.KEY, f"the added daily rule keeps its source {A.DR_COPY_SOURCE_RETENTION_DAYS} "
                      f"day in {p.scenario.region} (one full copy)", source_region=True))
    return out


def _replica(p: CapacityPlan, dr: DrPlan, o: PriceOptions) -> list[Component]:
    if o.dynamodb_provisioned:
        writes = [_c(p, "DynamoDB", "replicated write capacity (global tables)", dr.replicated_wcu_hours_month,
                     "rWCU-hours", dynamodb.REPL_WCU_HOUR, "the replica tables hold the tables' write capacity, hour "
                     "by hour"),
                  _c(p, "DynamoDB", "replica GSI write capacity", dr.replica_gsi_wcu_hours_month, "WCU-hours",
                     dynamodb.WCU_HOUR, "the replica's indexes follow their tables"),
                  _c(p, "DynamoDB", "replica read capacity (standby, minimum)", dr.replica_rcu_hours_month,
                     "RCU-hours", dynamodb.RCU_HOUR, "4 tables and indexes at the minimum until failover")]
    else:
        writes = [_c(p, "DynamoDB", "replicated write request units (global tables)", dr.replicated_wru_month / _MILLION,
                     "million rWRU", dynamodb.REPL_WRITES, "every table write is replayed in the replica"),
                  _c(p, "DynamoDB", "replica GSI write request units", dr.replica_gsi_wru_month / _MILLION,
                     "million WRU", dynamodb.WRITES, "the replica updates its own index")]
    out = writes + [_c(p, "DynamoDB", "replica table and GSI storage", dr.replica_gb, "GB-month", dynamodb.STORAGE,
                       "the replica holds the whole table and its index (no free tier counted)")]
    if dr.replica_pitr_gb:
        out.append(_c(p, "DynamoDB", "replica point-in-time recovery", dr.replica_pitr_gb, "GB-month", dynamodb.PITR,
                      "the replica keeps PITR like the table"))
    if "dynamodb" in p.security.cmks + p.security.compliance_cmks:
        out.append(_c(p, "KMS", "replica tables' customer-managed key", 1, "keys", kms.KEYS,
                      "the replica tables are encrypted with a key of their own Region"))
        out.append(_c(p, "KMS", "replica key's rotated versions", kms.ROTATION_BILLED_VERSIONS, kms.ROTATED_UNIT,
                      kms.KEYS, "rotation is on: the 1st and 2nd rotations (months 13 and 25) add $1/key-month each"))
    out.append(_c(p, "Data transfer", f"global-table replication from {p.scenario.region}", dr.replication_gb_month,
                  "GB", datatransfer.INTER_REGION, f"the written items' bytes; billed in {p.scenario.region}",
                  source_region=True))
    return out


def _cluster(p: CapacityPlan, dr: DrPlan) -> list[Component]:
    hours = A.HOURS_PER_MONTH
    key = eks.EXTENDED if p.kubernetes.support is Support.extended else eks.STANDARD
    return [
        _c(p, "EKS", f"standby cluster control plane, Kubernetes {p.kubernetes.version}", hours, "cluster-hours", key),
        _c(p, "EC2", f"standby nodes ({dr.nodes} x {dr.instance_type}, on demand)", dr.nodes * hours,
           "instance-hours", f"ec2:{dr.instance_type}", "the environment's minimum node count, on demand"),
        _c(p, "EBS", f"standby node root volumes ({A.NODE_DISK_GIB} GiB x {dr.nodes})", dr.nodes * A.NODE_DISK_GIB,
           "GB-month", ebs.KEY),
        _c(p, "VPC", "standby NAT gateway (1)", dr.nat_gateways * hours, "gateway-hours", vpc.NAT_HOUR,
           f"{dr.availability_zones} AZs, one NAT"),
        _c(p, "VPC", f"standby public IPv4 addresses ({dr.public_ipv4_addresses})", dr.public_ipv4_addresses * hours,
           "address-hours", vpc.IPV4_HOUR, "the NAT's and the ALB's (one per AZ)"),
        _c(p, "ELB", "standby Application Load Balancer", hours, "ALB-hours", elb.ALB_HOUR,
           "made by the AWS Load Balancer Controller from the Helm ingress once the chart is installed (runbook)"),
    ]


def dr_lines(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    dr = p.dr
    if dr is None or dr.mode is DrMode.none:
        return []
    if dr.mode is DrMode.backup_copy:
        return _backup_copy(p, dr)
    return _replica(p, dr, o) + _cluster(p, dr)


SERVICE = Service(name="dr", title="Disaster recovery", ce="(the services of each line)", product_code=None,
                  keys=(), components=(Priced(order=900, fn=dr_lines),))
