"""DynamoDB: request units from item sizes and GSI amplification, storage from retention (docs/sizing-facts.md § DynamoDB request units, § DynamoDB storage, PITR and backups)."""
from __future__ import annotations

from dataclasses import dataclass

from sizing import assumptions as A
from sizing.rounding import ceil_whole
from sizing.scenario import Scenario
from sizing.workload import Workload


@dataclass(frozen=True, slots=True, kw_only=True)
class DynamoPlan:
    """Request units and storage of the chats and users tables, on-demand and provisioned."""

    write_units_per_message: int
    read_units_per_message: float
    write_request_units_month: float
    read_request_units_month: float
    table_gb: float
    gsi_gb: float
    pitr_enabled: bool
    pitr_gb: float
    backups_enabled: bool
    backup_gb: float
    provisioned_wcu: int          # chats table (its GSI mirrors it)
    provisioned_rcu: int
    provisioned_wcu_total: int    # every table and index: what provisioned mode bills
    provisioned_rcu_total: int


def size_dynamodb(s: Scenario, w: Workload, pitr: bool, backups: bool) -> DynamoPlan:
    """Request units from item sizes and GSI amplification; storage from retention (docs/sizing-facts.md § DynamoDB request units, § DynamoDB storage, PITR and backups)."""
    item_wru = ceil_whole(A.CHAT_ITEM_KB / A.WRITE_UNIT_KB)
    gsi_wru = A.CHATS_GSI_WRITES_PER_UPDATE * (item_wru if A.CHATS_GSI_PROJECTION_ALL else 1)
    wru_msg = item_wru + gsi_wru                          # docs/sizing-facts.md § DynamoDB GSI write amplification: table write + delete/put on the GSI
    rru_msg = ceil_whole(A.CHAT_ITEM_KB / A.READ_UNIT_KB)      # one strongly consistent read of the chat item
    rru_api = ceil_whole(A.API_READ_KB / A.READ_UNIT_KB) * 0.5  # eventually consistent: half a unit
    retention_months = s.chat_history_retention_days / A.DAYS_PER_MONTH
    chats_kept = w.messages_per_month / s.turns_per_conversation * retention_months
    table_gb = chats_kept * A.CHAT_ITEM_KB * A.KB / A.BYTES_PER_GB
    # Provisioned: the chats table and its GSI each get the larger of their peak write rates (the GSI takes
    # 2 x the item per update), at the 70% target; the users table and its email GSI get the minimum.
    peak_wps = w.messages_per_s_peak * max(item_wru, gsi_wru)
    peak_rps = w.messages_per_s_peak * rru_msg + w.api_requests_per_s_peak * rru_api
    wcu = max(A.PROVISIONED_MIN_CAPACITY, ceil_whole(peak_wps / A.PROVISIONED_TARGET_UTILISATION))
    rcu = max(A.PROVISIONED_MIN_CAPACITY, ceil_whole(peak_rps / A.PROVISIONED_TARGET_UTILISATION))
    copies = 2 if A.PROVISIONED_INDEX_MIRRORS_TABLE else 1      # table + its one GSI
    users = 2 * A.PROVISIONED_MIN_CAPACITY                       # users table + email-index
    return DynamoPlan(
        write_units_per_message=wru_msg, read_units_per_message=rru_msg,
        write_request_units_month=w.messages_per_month * wru_msg,
        read_request_units_month=w.messages_per_month * rru_msg + w.api_requests_per_month * rru_api,
        table_gb=table_gb, gsi_gb=table_gb if A.CHATS_GSI_PROJECTION_ALL else 0.0,
        pitr_enabled=pitr, pitr_gb=table_gb if pitr else 0.0,   # PITR bills table + LSI size; docs/sizing-facts.md § DynamoDB storage, PITR and backups [S31]
        backups_enabled=backups, backup_gb=table_gb * A.BACKUP_RETENTION_DAYS if backups else 0.0,
        provisioned_wcu=wcu, provisioned_rcu=rcu,
        provisioned_wcu_total=wcu * copies + users, provisioned_rcu_total=rcu * copies + users)
