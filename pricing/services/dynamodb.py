"""Amazon DynamoDB: request or provisioned capacity, storage and point-in-time recovery."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    GB_MONTH,
    BillLine,
    BillRule,
    Component,
    KeptPrice,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    billable,
    qty,
)
from sizing.assumptions import KB, PROVISIONED_TARGET_UTILISATION
from sizing.capacity import CapacityPlan
from sizing.dynamodb import DynamoPlan

CE = "Amazon DynamoDB"
WRITES, READS = "dynamodb:write-request-million", "dynamodb:read-request-million"
WCU_HOUR, RCU_HOUR = "dynamodb:wcu-hour", "dynamodb:rcu-hour"
STORAGE, PITR = "dynamodb:storage-gb-month", "dynamodb:pitr-gb-month"
# global tables: the replica's replicated writes (docs/sizing-facts.md § Disaster recovery [S28])
REPL_WRITES, REPL_WCU_HOUR = "dynamodb:replicated-write-request-million", "dynamodb:replicated-wcu-hour"
_REPL_KEPT = ("the Price List usage-type spelling of global-table replicated writes is not verified against a live "
              "offer; the snapshot price is kept")
# reserved capacity: one-time upfront and an hourly rate, each per 100 WCU or RCU, 1- or 3-year term [S136]
RESERVED = {term: {unit: (f"dynamodb:reserved-{unit}-100-{term}y-upfront", f"dynamodb:reserved-{unit}-100-{term}y-hour")
                   for unit in ("wcu", "rcu")} for term in (1, 3)}
RESERVED_BLOCK = 100                 # reserved capacity is bought in blocks of 100 units [S136]
FREE_STORAGE_GB = 25                 # always-free tier: 25 GB of table storage per month [S30]
_MILLION = Decimal(1_000_000)


def _capacity(p: CapacityPlan, provisioned: bool) -> list[Component]:
    d = p.dynamodb
    if provisioned:
        return [Component("DynamoDB", "Provisioned write capacity", qty(d.provisioned_wcu_hours_month),
                          "WCU-hours", WCU_HOUR, f"chats table and GSI {d.provisioned_wcu_base}-{d.provisioned_wcu} "
                          f"WCU each, hour by hour over the load curve at {PROVISIONED_TARGET_UTILISATION:.0%} "
                          "target (scale-down an hour late); users table and GSI at the minimum"),
                Component("DynamoDB", "Provisioned read capacity", qty(d.provisioned_rcu_hours_month),
                          "RCU-hours", RCU_HOUR, f"chats table and GSI {d.provisioned_rcu_base}-{d.provisioned_rcu} "
                          "RCU each, hour by hour; users table and GSI at the minimum")]
    it = d.item
    return [Component("DynamoDB", "On-demand write request units", qty(d.write_request_units_month / 1e6),
                      "million WRU", WRITES, f"{d.write_units_per_message:.2f} WRU per message: the chat item "
                      f"({it.bytes_by_turn[0] / KB:.1f}-{it.bytes_by_turn[-1] / KB:.1f} KB over "
                      f"{len(it.bytes_by_turn)} turns) rewritten each turn, + GSI delete and put"),
            Component("DynamoDB", "On-demand read request units", qty(d.read_request_units_month / 1e6),
                      "million RRU", READS)]


def storage(d: DynamoPlan, retention_days: int) -> list[Component]:
    """Table + GSI storage and PITR for the months of chats `d` holds (DynamoPlan.at_month for the first year)."""
    stored = d.table_gb + d.gsi_gb
    held = (f"{retention_days}-day retention (steady state; the first year grows from zero)"
            if d.months_stored >= d.retention_months else f"{d.months_stored:g} months of chats")
    out = [Component("DynamoDB", "Table and GSI storage", qty(billable(stored, FREE_STORAGE_GB)), "GB-month",
                     STORAGE, f"{stored:.2f} GB at {held}; {d.table_bytes_per_chat:,} bytes per chat in the table "
                     f"and {d.gsi_bytes_per_chat:,} in the GSI; first {FREE_STORAGE_GB} GB free")]
    if d.pitr_enabled:
        policy = "" if d.backups_enabled else f"; backup policy {d.backup_policy.value}: {d.backup_policy_reason}"
        out.append(Component("DynamoDB", "Point-in-time recovery", qty(d.pitr_gb), "GB-month", PITR,
                             f"billed on table size (35-day window){policy}"))
    return out


def tables(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    return _capacity(p, o.dynamodb_provisioned) + storage(p.dynamodb, p.scenario.chat_history_retention_days)


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
        PriceKey(key=REPL_WRITES, unit="USD per million replicated write request units", ce=CE,
                 refresh=KeptPrice(service_code="AmazonDynamoDB", reason=_REPL_KEPT)),
        PriceKey(key=REPL_WCU_HOUR, unit="USD per replicated WCU-hour", ce=CE,
                 refresh=KeptPrice(service_code="AmazonDynamoDB", reason=_REPL_KEPT)),
        *(PriceKey(key=k, unit=u, ce=CE, bill=b, refresh=KeptPrice(
            service_code="AmazonDynamoDB", reason="reserved capacity is a purchase offer, not in the on-demand "
                                                  "price list; the snapshot price is kept"))
          for by_unit in RESERVED.values() for unit, (up, hour) in by_unit.items()
          for k, u, b in ((up, f"USD per 100 {unit.upper()} (one-time, term)", f"dynamodb:{unit}-hour"),
                          (hour, f"USD per 100 {unit.upper()}-hour", f"dynamodb:{unit}-hour"))),
    ),
    bill_lines=(   # the replicated lines first: their usage types contain the plain ones (UNSOURCED spelling)
        BillLine(id=REPL_WRITES, rules=(BillRule(usage=r"Repl\w*WriteRequestUnits", services=_DDB,
                                                 per_unit=Decimal("0.000001")),),
                 over="more replicated writes: more messages than planned, or a replica added",
                 under="fewer replicated writes than planned"),
        BillLine(id=REPL_WCU_HOUR, rules=(BillRule(usage=r"Repl\w*WriteCapacityUnit-Hrs", services=_DDB),),
                 over="more replicated write capacity: the replica follows the table's write capacity",
                 under="less replicated write capacity than planned"),
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
