"""DynamoDB: item sizes from the conversation model, request units per turn, storage grown month by month with
the retention cap, provisioned capacity following the load curve, backups per policy (docs/sizing-model.md
§ DynamoDB; docs/sizing-facts.md § DynamoDB item size, § DynamoDB request units, § DynamoDB storage, PITR and
backups, § DynamoDB capacity mode break-even)."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from sizing import assumptions as A
from sizing.load_profile import hourly_curve
from sizing.profiles import choose_backup_policy
from sizing.rounding import _NOISE, ceil_whole
from sizing.scenario import BackupPolicy, Scenario
from sizing.workload import Workload

# full AWS Backup copies kept at any time per policy (each copy of a DynamoDB table is a full copy)
BACKUP_COPIES = {BackupPolicy.pitr_only: 0, BackupPolicy.pitr_weekly: A.WEEKLY_BACKUP_COPIES,
                 BackupPolicy.daily_30: A.BACKUP_RETENTION_DAYS}
BACKUP_RETENTION = {BackupPolicy.pitr_only: 0, BackupPolicy.pitr_weekly: A.WEEKLY_BACKUP_RETENTION_DAYS,
                    BackupPolicy.daily_30: A.BACKUP_RETENTION_DAYS}


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatItem:
    """The one chat item of a conversation, rewritten at every turn: its size and units turn by turn."""

    bytes_by_turn: tuple[int, ...]     # item size after turn k (1-based: index k - 1)
    table_wru_by_turn: tuple[int, ...]  # ceil(size_k / 1 KB): UpdateItem bills the larger of before and after
    gsi_wru_by_turn: tuple[int, ...]   # CHATS_GSI_WRITES_PER_UPDATE: put of the new entry + delete of the old (turn 1: put)
    rru_by_turn: tuple[int, ...]       # strongly consistent read of the item as the previous turn left it


def chat_item(s: Scenario) -> ChatItem:
    """Item sizes and units of one conversation: metadata + per turn the user and assistant messages
    (tokens x bytes per token + map overhead); docs/sizing-model.md § DynamoDB item layout."""
    turn_bytes = (s.user_message_tokens + s.output_tokens_per_message) * A.BYTES_PER_TOKEN + A.TURN_OVERHEAD_BYTES
    sizes = tuple(A.CHAT_ITEM_META_BYTES + k * turn_bytes for k in range(1, s.turns_per_conversation + 1))
    wru = tuple(math.ceil(b / (A.WRITE_UNIT_KB * A.KB)) for b in sizes)
    per_index_write = wru if A.CHATS_GSI_PROJECTION_ALL else (1,) * len(wru)   # KEYS_ONLY: one unit a write
    gsi = tuple(per_index_write[k] + (per_index_write[k - 1] if k else 0) for k in range(len(sizes)))
    rru = tuple(max(1, math.ceil((sizes[k - 1] if k else 0) / (A.READ_UNIT_KB * A.KB))) for k in range(len(sizes)))
    return ChatItem(bytes_by_turn=sizes, table_wru_by_turn=wru, gsi_wru_by_turn=gsi, rru_by_turn=rru)


@dataclass(frozen=True, slots=True, kw_only=True)
class DynamoPlan:
    """Request units, storage and backups of the chats and users tables, on-demand and provisioned."""

    item: ChatItem
    write_units_per_message: float      # mean over the turns: table + GSI
    read_units_per_message: float
    write_request_units_month: float
    read_request_units_month: float
    chats_per_month: float
    table_bytes_per_chat: int           # final item + 100 bytes storage overhead
    gsi_bytes_per_chat: int             # the ALL projection stores the item again
    retention_months: float
    months_stored: float                # months of history the storage lines hold (retention at steady state)
    table_gb: float
    gsi_gb: float
    pitr_enabled: bool
    pitr_gb: float
    backup_policy: BackupPolicy
    backup_policy_reason: str
    backup_vault_separate: bool         # HIPAA/PCI: the copies go to a separate locked vault
    backup_copies: int
    backup_retention_days: int
    backups_enabled: bool
    backup_gb: float
    provisioned_wcu: int                # chats table (its GSI mirrors it): the peak hour's capacity
    provisioned_rcu: int
    provisioned_wcu_base: int           # the lowest hour: what reserved capacity can cover all month
    provisioned_rcu_base: int
    provisioned_wcu_hours_month: float  # every table and index, hour by hour over the curve
    provisioned_rcu_hours_month: float

    def at_month(self, month: int) -> DynamoPlan:
        """The storage lines in month `month` (1-based) of operation: min(month, retention) months of chats."""
        return _stored(self, min(float(month), self.retention_months))


def _stored(d: DynamoPlan, months: float) -> DynamoPlan:
    """Table, GSI, PITR and backup GB when `months` months of chats are kept."""
    chats = d.chats_per_month * months
    table = chats * d.table_bytes_per_chat / A.BYTES_PER_GB
    return replace(d, months_stored=months, table_gb=table, gsi_gb=chats * d.gsi_bytes_per_chat / A.BYTES_PER_GB,
                   pitr_gb=table if d.pitr_enabled else 0.0,     # PITR bills table size [S31]
                   backup_gb=table * d.backup_copies)            # each AWS Backup copy is a full copy of the table


def hourly_capacity(peak_units_per_s: float, curve: tuple[float, ...]) -> np.ndarray:
    """Provisioned units per hour under auto scaling: max(minimum, ceil(need / 70 %)) with need = peak x curve[h];
    a decrease lands SCALE_DOWN_LAG_HOURS late (the month repeats, so hour 0 follows the last hour)."""
    need = peak_units_per_s * np.asarray(curve) / A.PROVISIONED_TARGET_UTILISATION
    target = np.maximum(A.PROVISIONED_MIN_CAPACITY, np.ceil(need - _NOISE)).astype(np.int64)
    held = target.copy()
    for lag in range(1, A.SCALE_DOWN_LAG_HOURS + 1):
        held = np.maximum(held, np.roll(target, lag))
    return held


def size_dynamodb(s: Scenario, w: Workload) -> DynamoPlan:
    """Request units from the item's size turn by turn; storage at full retention (the steady month); hourly
    provisioned capacity over the load curve; backups per policy."""
    item = chat_item(s)
    turns = s.turns_per_conversation
    wru_msg = (sum(item.table_wru_by_turn) + sum(item.gsi_wru_by_turn)) / turns
    rru_msg = sum(item.rru_by_turn) / turns
    rru_api = ceil_whole(A.API_READ_KB / A.READ_UNIT_KB) * 0.5  # eventually consistent: half a unit
    final = item.bytes_by_turn[-1] + A.ITEM_STORAGE_OVERHEAD_BYTES
    policy, why, vault = choose_backup_policy(s)
    # Provisioned: the chats table and its GSI each get the larger of their mean write rates at peak (the CDK app
    # gives the index its table's capacity), hour by hour; the users table and its email GSI sit at the minimum.
    curve = hourly_curve(s)
    peak_w = w.messages_per_s_peak * max(sum(item.table_wru_by_turn), sum(item.gsi_wru_by_turn)) / turns
    peak_r = w.messages_per_s_peak * rru_msg + w.api_requests_per_s_peak * rru_api
    wcu, rcu = hourly_capacity(peak_w, curve), hourly_capacity(peak_r, curve)
    copies = 2 if A.PROVISIONED_INDEX_MIRRORS_TABLE else 1      # table + its one GSI
    users = 2 * A.PROVISIONED_MIN_CAPACITY * float(A.HOURS_PER_MONTH)   # users table + email-index
    d = DynamoPlan(
        item=item, write_units_per_message=wru_msg, read_units_per_message=rru_msg,
        write_request_units_month=w.messages_per_month * wru_msg,
        read_request_units_month=w.messages_per_month * rru_msg + w.api_requests_per_month * rru_api,
        chats_per_month=w.messages_per_month / turns, table_bytes_per_chat=final,
        gsi_bytes_per_chat=final if A.CHATS_GSI_PROJECTION_ALL else 0,
        retention_months=s.chat_history_retention_days / A.DAYS_PER_MONTH, months_stored=0.0,
        table_gb=0.0, gsi_gb=0.0, pitr_enabled=True, pitr_gb=0.0,
        backup_policy=policy, backup_policy_reason=why, backup_vault_separate=vault,
        backup_copies=BACKUP_COPIES[policy], backup_retention_days=BACKUP_RETENTION[policy],
        backups_enabled=BACKUP_COPIES[policy] > 0, backup_gb=0.0,
        provisioned_wcu=int(wcu.max()), provisioned_rcu=int(rcu.max()),
        provisioned_wcu_base=int(wcu.min()), provisioned_rcu_base=int(rcu.min()),
        provisioned_wcu_hours_month=float(copies * int(wcu.sum()) + users),
        provisioned_rcu_hours_month=float(copies * int(rcu.sum()) + users))
    return _stored(d, d.retention_months)
