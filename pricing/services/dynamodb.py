"""Amazon DynamoDB: request or provisioned capacity, storage and point-in-time recovery."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    GB_MONTH,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    billable,
    qty,
)
from sizing.assumptions import HOURS_PER_MONTH, PROVISIONED_TARGET_UTILISATION
from sizing.capacity import CapacityPlan

CE = "Amazon DynamoDB"
WRITES, READS = "dynamodb:write-request-million", "dynamodb:read-request-million"
WCU_HOUR, RCU_HOUR = "dynamodb:wcu-hour", "dynamodb:rcu-hour"
STORAGE, PITR = "dynamodb:storage-gb-month", "dynamodb:pitr-gb-month"
FREE_STORAGE_GB = 25                 # always-free tier: 25 GB of table storage per month [S30]
_MILLION = Decimal(1_000_000)


def _capacity(p: CapacityPlan, provisioned: bool) -> list[Component]:
    d = p.dynamodb
    if provisioned:
        return [Component("DynamoDB", "Provisioned write capacity", qty(d.provisioned_wcu_total * HOURS_PER_MONTH),
                          "WCU-hours", WCU_HOUR, f"chats table and GSI {d.provisioned_wcu} WCU each at "
                          f"{PROVISIONED_TARGET_UTILISATION:.0%} target; users table and GSI at the minimum"),
                Component("DynamoDB", "Provisioned read capacity", qty(d.provisioned_rcu_total * HOURS_PER_MONTH),
                          "RCU-hours", RCU_HOUR,
                          f"chats table and GSI {d.provisioned_rcu} RCU each; users table and GSI at the minimum")]
    return [Component("DynamoDB", "On-demand write request units", qty(d.write_request_units_month / 1e6),
                      "million WRU", WRITES, f"{d.write_units_per_message} WRU per message (4 KB chat item + 2 GSI "
                      "writes)"),
            Component("DynamoDB", "On-demand read request units", qty(d.read_request_units_month / 1e6),
                      "million RRU", READS)]


def tables(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    d = p.dynamodb
    out = _capacity(p, o.dynamodb_provisioned)
    stored = d.table_gb + d.gsi_gb
    out.append(Component("DynamoDB", "Table and GSI storage", qty(billable(stored, FREE_STORAGE_GB)), "GB-month",
                         STORAGE, f"{stored:.2f} GB at {p.scenario.chat_history_retention_days}-day retention; "
                         f"first {FREE_STORAGE_GB} GB free"))
    if d.pitr_enabled:
        out.append(Component("DynamoDB", "Point-in-time recovery", qty(d.pitr_gb), "GB-month", PITR,
                             "billed on table size"))
    return out


def _key(key: str, unit: str, usagetype: str, units: dict[str, Decimal]) -> PriceKey:
    return PriceKey(key=key, unit=unit, ce=CE,
                    refresh=Refresh(service_code="AmazonDynamoDB", usagetypes=(usagetype,), units=units))


_DDB = (CE,)
SERVICE = Service(
    name="dynamodb", title="Amazon DynamoDB", ce=CE, product_code="AmazonDynamoDB",
    keys=(
        _key(WRITES, "USD per million write request units", "WriteRequestUnits",
             {"writerequestunits": _MILLION, "writerequestunit": _MILLION}),
        _key(READS, "USD per million read request units", "ReadRequestUnits",
             {"readrequestunits": _MILLION, "readrequestunit": _MILLION}),
        _key(WCU_HOUR, "USD per WCU-hour", "WriteCapacityUnit-Hrs", {"wcu-hrs": Decimal(1), "hrs": Decimal(1)}),
        _key(RCU_HOUR, "USD per RCU-hour", "ReadCapacityUnit-Hrs", {"rcu-hrs": Decimal(1), "hrs": Decimal(1)}),
        _key(STORAGE, "USD per GB-month", "TimedStorage-ByteHrs", dict(GB_MONTH)),
        _key(PITR, "USD per GB-month", "TimedPITRStorage-ByteHrs", dict(GB_MONTH)),
    ),
    bill_lines=(
        BillLine(id=WRITES, rules=(BillRule(usage=r"WriteRequestUnits", services=_DDB, per_unit=Decimal("0.000001")),),
                 over="more DynamoDB writes: more messages than planned, larger items or more index writes",
                 under="fewer DynamoDB writes than planned (fewer messages)"),
        BillLine(id=READS, rules=(BillRule(usage=r"ReadRequestUnits", services=_DDB, per_unit=Decimal("0.000001")),),
                 over="more DynamoDB reads: chatty API calls, scans or strongly consistent reads",
                 under="fewer DynamoDB reads than planned"),
        BillLine(id=WCU_HOUR, rules=(BillRule(usage=r"WriteCapacityUnit-Hrs", services=_DDB),),
                 over="more provisioned write capacity: auto scaling raised WCU for more writes than planned",
                 under="less provisioned write capacity than planned"),
        BillLine(id=RCU_HOUR, rules=(BillRule(usage=r"ReadCapacityUnit-Hrs", services=_DDB),),
                 over="more provisioned read capacity than planned", under="less provisioned read capacity than planned"),
        BillLine(id=PITR, rules=(BillRule(usage=r"TimedPITRStorage-ByteHrs", services=_DDB),),
                 over="PITR billed on a larger table than planned", under="PITR below plan: smaller table"),
        BillLine(id=STORAGE, rules=(BillRule(usage=r"TimedStorage-ByteHrs", services=_DDB),),
                 over="chat history larger than planned: retention (TTL) not enforced or bigger items",
                 under="less chat history stored than planned (young table)"),
    ),
    components=(Priced(order=60, fn=tables),),
)
