"""Amazon CloudWatch: logs, metrics, alarms, dashboards and the longer log retention compliance asks for."""
from __future__ import annotations

from pricing.services.base import (
    GB,
    GB_MONTH,
    ONE,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    billable,
    control_line,
    qty,
)
from sizing.capacity import CapacityPlan

CE = "AmazonCloudWatch"
INGEST, STORAGE = "cloudwatch:logs-ingest-gb", "cloudwatch:logs-storage-gb-month"
METRICS, ALARMS, DASHBOARDS = "cloudwatch:metric-month", "cloudwatch:alarm-month", "cloudwatch:dashboard-month"
FREE_LOGS_GB = 5          # always-free tier: 5 GB of log data ingested per month [S97][S98]
FREE_METRICS = 10         # always-free tier: 10 custom/detailed metrics [S98]
FREE_ALARMS = 10          # always-free tier: 10 alarm metrics [S98]
FREE_DASHBOARDS = 3       # always-free tier: 3 dashboards [S98][S100]


def logs_and_metrics(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    ob = p.observability
    return [Component("CloudWatch", "Logs ingested", qty(billable(ob.logs_ingest_gb_month, FREE_LOGS_GB)), "GB",
                      INGEST, f"{ob.logs_ingest_gb_month:.2f} GB; first {FREE_LOGS_GB} GB free"),
            Component("CloudWatch", f"Log storage ({ob.base_log_retention_days}-day retention)",
                      qty(ob.log_storage_gb), "GB-month", STORAGE, "compressed archive"),
            Component("CloudWatch", "Metrics (app + Container Insights)", qty(billable(ob.custom_metrics, FREE_METRICS)),
                      "metrics", METRICS, f"{ob.custom_metrics:g} metrics (node metrics at the average node count); first 10 free"),
            Component("CloudWatch", "Alarms", qty(billable(ob.alarms, FREE_ALARMS)), "alarms", ALARMS,
                      f"{ob.alarms} alarms; first 10 free"),
            Component("CloudWatch", "Dashboards", qty(billable(ob.dashboards, FREE_DASHBOARDS)), "dashboards",
                      DASHBOARDS, f"{ob.dashboards} dashboards; 3 free")]


def compliance_retention(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    ob = p.observability
    if "log_retention" not in p.compliance.controls or ob.compliance_log_storage_gb <= 0:
        return []
    return [control_line(p, "log_retention", service="CloudWatch",
                         item=f"Log storage from {ob.base_log_retention_days} to {ob.log_retention_days} days",
                         quantity=ob.compliance_log_storage_gb, unit="GB-month", key=STORAGE,
                         note="compressed archive, steady state")]


def _key(key: str, unit: str, usagetypes: tuple[str, ...], units: dict) -> PriceKey:
    return PriceKey(key=key, unit=unit, ce=CE,
                    refresh=Refresh(service_code="AmazonCloudWatch", usagetypes=usagetypes, units=units))


_CW = (CE,)
SERVICE = Service(
    name="cloudwatch", title="Amazon CloudWatch", ce=CE, product_code="AmazonCloudWatch",
    keys=(
        _key(INGEST, "USD per GB ingested", ("DataProcessing-Bytes",), dict(GB)),
        _key(STORAGE, "USD per GB-month", ("TimedStorage-ByteHrs",), dict(GB_MONTH)),
        _key(METRICS, "USD per metric-month", ("CW:MetricMonitorUsage",), {"metrics": ONE, "metric-month": ONE}),
        _key(ALARMS, "USD per alarm metric-month", ("CW:AlarmMonitorUsage",), {"alarms": ONE, "alarm-month": ONE}),
        _key(DASHBOARDS, "USD per dashboard-month", ("DashboardsUsageHour-Basic", "DashboardsUsageHour"),
             {"dashboards": ONE, "dashboard-mo": ONE}),
    ),
    bill_lines=(
        BillLine(id=INGEST, rules=(BillRule(usage=r"DataProcessing-Bytes|VendedLog-Bytes", services=_CW),),
                 over="more logs ingested than planned: debug logging or noisy containers; check the top log groups",
                 under="fewer logs ingested than planned"),
        BillLine(id=STORAGE, rules=(BillRule(usage=r"TimedStorage-ByteHrs", services=_CW),),
                 over="log storage above plan: log groups without a retention setting never expire",
                 under="less log storage than planned (young log groups)"),
        BillLine(id=METRICS, rules=(BillRule(usage=r"MetricMonitorUsage", services=_CW),),
                 over="more custom metrics than planned (high-cardinality dimensions)",
                 under="fewer metrics than planned"),
        BillLine(id=ALARMS, rules=(BillRule(usage=r"AlarmMonitorUsage", services=_CW),),
                 over="more alarms than planned: alarms created by hand or per-pod alarms",
                 under="fewer alarms than planned"),
        BillLine(id=DASHBOARDS, rules=(BillRule(usage=r"Dashboard", services=_CW, per_unit=None),),
                 over="more dashboards than planned", under="fewer dashboards than planned"),
    ),
    components=(Priced(order=90, fn=logs_and_metrics), Priced(order=260, fn=compliance_retention)),
)
