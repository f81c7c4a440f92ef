"""Disaster recovery: what the DR Region holds and moves each month, per mode (docs/sizing-model.md § Disaster
recovery; docs/sizing-facts.md § Disaster recovery). Pure quantities; pricing/services/dr.py prices them at the DR
Region's prices (the transfer at the primary Region's, where it leaves)."""
from __future__ import annotations

from dataclasses import dataclass

from sizing import assumptions as A
from sizing.dr_regions import default_dr_region
from sizing.dynamodb import DynamoPlan
from sizing.nodes import NodePlan
from sizing.profiles import TierSpec
from sizing.scenario import BackupPolicy, DrMode, Environment, Scenario
from sizing.workload import Workload

DAYS_PER_WEEK = 7
ENTERPRISE = "Enterprise"   # the plan's tier table: Enterprise plans DR (sizing/profiles.py TIERS)


@dataclass(frozen=True, slots=True, kw_only=True)
class DrPlan:
    """The DR Region's share of the deployment; zeros where the mode has no such part."""

    mode: DrMode
    region: str | None                   # None with dr: none
    # backup-copy: every recovery point of the backup rule is copied to a vault in the DR Region
    copy_rule_added: bool                # pitr-only has no rule: a daily rule is added only for the copy
    copy_jobs_month: float               # copies made per month (weekly: 30.42 / 7; daily: 30.42)
    copies_kept: int                     # full copies in the DR vault at steady state
    copy_retention_days: int
    copy_gb: float                       # GB-month in the DR vault: copies_kept x the table
    copy_transfer_gb_month: float        # each copy is a full copy of the table, sent across Regions
    source_gb: float                     # pitr-only: the added rule's source recovery point in the primary vault
    # warm-standby: DynamoDB global tables (a replica in the DR Region) and a scaled-down cluster
    replicated_wru_month: float          # on-demand: the table's writes, replayed in the replica (rWRU)
    replica_gsi_wru_month: float         # the replica's GSI writes (normal WRU in the DR Region)
    replicated_wcu_hours_month: float    # provisioned: the tables' write capacity, held by the replica (rWCU)
    replica_gsi_wcu_hours_month: float   # provisioned: the replica's GSI write capacity
    replica_rcu_hours_month: float       # provisioned: the replica's tables and GSIs read at the minimum
    replica_gb: float                    # table + GSI storage in the replica
    replica_pitr_gb: float               # the replica keeps PITR like the table
    replication_gb_month: float          # bytes of the items written, sent to the replica
    nodes: int                           # the floor: the environment's minimum node count, on demand
    instance_type: str
    availability_zones: int
    nat_gateways: int
    public_ipv4_addresses: int           # the NAT's and the ALB's (one per AZ), as in the primary network



def _copy_rule(d: DynamoPlan) -> tuple[bool, float, int, int]:
    """(rule added, copy jobs a month, copies kept, retention days) of the rule whose recovery points are copied."""
    if d.backup_policy is BackupPolicy.pitr_only:
        return True, A.DAYS_PER_MONTH, A.DR_COPY_ONLY_RETENTION_DAYS, A.DR_COPY_ONLY_RETENTION_DAYS
    if d.backup_policy is BackupPolicy.pitr_weekly:
        return False, A.DAYS_PER_MONTH / DAYS_PER_WEEK, d.backup_copies, d.backup_retention_days
    return False, A.DAYS_PER_MONTH, d.backup_copies, d.backup_retention_days


def size_dr(s: Scenario, w: Workload, d: DynamoPlan, nodes: NodePlan) -> DrPlan:
    """Quantities of the DR mode; see the fields for each formula."""
    zero = dict(copy_rule_added=False, copy_jobs_month=0.0, copies_kept=0, copy_retention_days=0, copy_gb=0.0,
                copy_transfer_gb_month=0.0, source_gb=0.0, replicated_wru_month=0.0, replica_gsi_wru_month=0.0,
                replicated_wcu_hours_month=0.0, replica_gsi_wcu_hours_month=0.0, replica_rcu_hours_month=0.0,
                replica_gb=0.0, replica_pitr_gb=0.0, replication_gb_month=0.0, nodes=0,
                instance_type=nodes.instance_type, availability_zones=0, nat_gateways=0, public_ipv4_addresses=0)
    if s.dr is DrMode.none:
        return DrPlan(mode=s.dr, region=None, **zero)
    region = s.dr_region or default_dr_region(s.region)
    if s.dr is DrMode.backup_copy:
        added, jobs, kept, days = _copy_rule(d)
        return DrPlan(mode=s.dr, region=region, **{
            **zero, "copy_rule_added": added, "copy_jobs_month": jobs, "copies_kept": kept,
            "copy_retention_days": days, "copy_gb": d.table_gb * kept, "copy_transfer_gb_month": d.table_gb * jobs,
            "source_gb": d.table_gb * A.DR_COPY_SOURCE_RETENTION_DAYS if added else 0.0})
    it, turns = d.item, len(d.item.bytes_by_turn)
    users = A.PROVISIONED_MIN_CAPACITY * float(A.HOURS_PER_MONTH)        # the users table (and its GSI) at the minimum
    copies = 2 if A.PROVISIONED_INDEX_MIRRORS_TABLE else 1
    chats_table_wcu_hours = (d.provisioned_wcu_hours_month - 2 * users) / copies
    zones = A.DR_AVAILABILITY_ZONES
    return DrPlan(mode=s.dr, region=region, **{
        **zero, "replicated_wru_month": w.messages_per_month * sum(it.table_wru_by_turn) / turns,
        "replica_gsi_wru_month": w.messages_per_month * sum(it.gsi_wru_by_turn) / turns,
        "replicated_wcu_hours_month": chats_table_wcu_hours + users,
        "replica_gsi_wcu_hours_month": d.provisioned_wcu_hours_month - chats_table_wcu_hours - users,
        "replica_rcu_hours_month": 4 * users, "replica_gb": d.table_gb + d.gsi_gb, "replica_pitr_gb": d.pitr_gb,
        "replication_gb_month": w.messages_per_month * sum(it.bytes_by_turn) / turns / A.BYTES_PER_GB,
        "nodes": nodes.min, "availability_zones": zones, "nat_gateways": 1, "public_ipv4_addresses": 1 + zones})


def dr_warnings(s: Scenario, tier: TierSpec) -> tuple[str, ...]:
    """The plan's tier table gives Enterprise a DR plan: say so when an Enterprise production scenario has none."""
    out = []
    if s.dr is DrMode.none and tier.name == ENTERPRISE and s.environment is Environment.prod:
        out.append(f"Enterprise tier in prod with dr: none: the plan's tier table plans disaster recovery for "
                   f"Enterprise; choose dr backup-copy or warm-standby (DR Region {s.dr_region or default_dr_region(s.region)})")
    if s.dr is DrMode.none and s.dr_region is not None:
        out.append(f"dr_region {s.dr_region} is ignored: dr is none")
    return tuple(out)
