"""Observability: log volume and retention, CloudWatch metrics, alarms and dashboards, X-Ray traces (docs/sizing-facts.md § Observability prices and free tiers)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sizing import assumptions as A
from sizing.pods import PodPlan
from sizing.profiles import CLOUDWATCH_RETENTION_DAYS, ComplianceRegime
from sizing.workload import Workload


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservabilityPlan:
    """What CloudWatch and X-Ray record per month, and how long logs are kept."""

    logs_ingest_gb_month: float
    log_retention_days: int
    base_log_retention_days: int
    log_storage_gb: float        # at the base (environment) retention
    compliance_log_storage_gb: float   # extra storage kept because compliance demands longer retention
    custom_metrics: float   # metric-months: node metrics follow the average node count (metrics bill by the hour)
    alarms: int
    dashboards: int
    xray_traces_month: float


def log_ingest_gb_month(w: Workload, nodes: float) -> float:
    """Application logs per request and message, plus system logs per node."""
    return (w.api_requests_per_month * A.LOG_BYTES_PER_REQUEST + w.messages_per_month * A.LOG_BYTES_PER_MESSAGE) \
        / A.BYTES_PER_GB + nodes * A.NODE_LOG_GB_MONTH


def log_retention_days(base_days: int, regimes: Sequence[ComplianceRegime],
                       controls: Mapping[str, tuple[str, ...]]) -> int:
    """The environment's retention, raised to the longest a regime demands (as a CloudWatch-allowed value)
    when a regime asks for the log_retention control."""
    if "log_retention" not in controls:
        return base_days
    days = max([base_days] + [r.log_retention_days for r in regimes])
    return next(d for d in CLOUDWATCH_RETENTION_DAYS if d >= days)


def size_observability(w: Workload, *, log_gb: float, retention_days: int, base_retention_days: int, nodes: float,
                       backend: PodPlan, frontend: PodPlan) -> ObservabilityPlan:
    """Stored logs at the base retention and the compliance extra, metrics per node and pod, sampled traces."""
    monthly_stored = log_gb * A.LOG_ARCHIVE_COMPRESSION
    reservoir = A.XRAY_RESERVOIR_PER_S * float(A.HOURS_PER_MONTH) * A.SECONDS_PER_HOUR
    return ObservabilityPlan(
        logs_ingest_gb_month=log_gb,
        log_retention_days=retention_days,
        base_log_retention_days=base_retention_days,
        log_storage_gb=monthly_stored * base_retention_days / A.DAYS_PER_MONTH,
        compliance_log_storage_gb=monthly_stored * (retention_days - base_retention_days) / A.DAYS_PER_MONTH,
        custom_metrics=round(A.APP_CUSTOM_METRICS + nodes * A.CONTAINER_INSIGHTS_METRICS_PER_NODE
        + (backend.replicas + frontend.replicas) * A.CONTAINER_INSIGHTS_METRICS_PER_POD, 2),
        alarms=A.ALARMS,
        dashboards=A.DASHBOARDS,
        xray_traces_month=min(w.requests_per_month, w.requests_per_month * A.XRAY_SAMPLING_RATE + reservoir))
