"""Compliance: the controls the chosen regimes ask for, what those controls record, and the regimes' warnings."""
from __future__ import annotations

from dataclasses import dataclass

from sizing import assumptions as A
from sizing.config_rules import config_rules_for
from sizing.llm import EXTERNAL_MODEL
from sizing.network import NetworkPlan
from sizing.profiles import BACKUP_COPY_REGIMES, COMPLIANCE_REGIMES, ComplianceRegime, choose_backup_policy
from sizing.scenario import EU_REGIONS, BackupPolicy, Compliance, Scenario
from sizing.workload import Workload


@dataclass(frozen=True, slots=True, kw_only=True)
class CompliancePlan:
    """The controls in force and the monthly volumes the compliance services bill (0 when a control is off)."""

    controls: dict[str, tuple[str, ...]]     # control -> regimes that ask for it
    cloudtrail_data_events_month: float
    guardduty_events_month: float
    guardduty_flow_gb_month: float
    config_items_month: float
    config_evaluations_month: float
    config_rules: tuple[str, ...]            # AWS Config managed rules deployed (sizing/config_rules.py)
    security_hub_checks_month: float
    trail_log_gb_month: float                # CloudTrail log files written to the audit bucket per month
    trail_storage_gb: float                  # audit bucket, steady state: a month's files x the retention in months
    trail_put_requests_month: float          # log files + digest files delivered (home Region)
    macie_buckets: int


def regimes_for(s: Scenario) -> tuple[ComplianceRegime, ...]:
    """The scenario's regimes in a stable order (by name)."""
    return tuple(COMPLIANCE_REGIMES[c] for c in sorted(s.compliance, key=lambda c: c.value))


def controls_for(regimes: tuple[ComplianceRegime, ...]) -> dict[str, tuple[str, ...]]:
    """Each control any regime asks for, with the labels of the regimes that ask for it."""
    controls: dict[str, tuple[str, ...]] = {}
    for r in regimes:
        for c in r.controls:
            controls[c] = controls.get(c, ()) + (r.label,)
    return controls


def compliance_warnings(s: Scenario) -> tuple[str, ...]:
    """What the regimes ask of the scenario that sizing cannot buy: data residency, BAAs, erasure."""
    warnings = []
    if Compliance.gdpr in s.compliance and s.region not in EU_REGIONS:
        warnings.append(f"GDPR with region {s.region}: personal data leaves the EU; you need an adequacy decision "
                        f"(Art. 45) or SCCs (Art. 46), or choose eu-west-1 / eu-central-1")
    if Compliance.hipaa in s.compliance and s.llm_model == EXTERNAL_MODEL:
        warnings.append("HIPAA with an external LLM: PHI may only go to a provider that signs a BAA")
    copy_regimes = sorted(c.value.upper() for c in s.compliance & BACKUP_COPY_REGIMES)
    if copy_regimes and s.backup_policy is BackupPolicy.pitr_only:
        warnings.append(f"{' and '.join(copy_regimes)} with backup_policy pitr-only: no backup copy outside the table "
                        "(PITR goes with it); pitr+weekly keeps 5 weekly copies in a separate locked vault")
    if Compliance.gdpr in s.compliance:
        policy = choose_backup_policy(s)[0]
        kept = max(A.PITR_WINDOW_DAYS, A.BACKUP_RETENTION_DAYS if policy is BackupPolicy.daily_30 else
                   A.WEEKLY_BACKUP_RETENTION_DAYS if policy is BackupPolicy.pitr_weekly else 0)
        warnings.append(f"GDPR erasure: PITR and backups ({policy.value}) keep deleted chats up to {kept} days; "
                        "document this in the erasure process")
    return tuple(warnings)


def size_compliance(w: Workload, *, controls: dict[str, tuple[str, ...]], nodes: int,
                    network: NetworkPlan, retention_days: int) -> CompliancePlan:
    """CloudTrail data events, GuardDuty, Config, Security Hub and Macie volumes for the controls in force; the
    trail's audit bucket keeps its log files `retention_days` (the log retention)."""
    resources = A.CONFIG_BASE_RESOURCES + nodes * 5
    ddb_calls = w.messages_per_month * 2 + w.api_requests_per_month
    data_events = ddb_calls + network.s3_put_requests_month + network.s3_get_requests_month
    config_items = resources * A.CONFIG_ITEMS_PER_RESOURCE_MONTH
    guardduty = "guardduty" in controls
    trail = "cloudtrail_data_events" in controls
    trail_gb = data_events * A.CLOUDTRAIL_EVENT_GZIP_BYTES / 1e9 if trail else 0.0
    config = "config" in controls
    rules = config_rules_for({c for c, r in COMPLIANCE_REGIMES.items() if r.label in controls.get("config", ())})
    return CompliancePlan(
        controls=controls,
        cloudtrail_data_events_month=data_events if trail else 0.0,
        guardduty_events_month=(A.CLOUDTRAIL_MGMT_EVENTS_BASE_MONTH + nodes * A.CLOUDTRAIL_MGMT_EVENTS_PER_NODE_MONTH)
        if guardduty else 0.0,
        guardduty_flow_gb_month=nodes * A.FLOW_LOG_GB_PER_NODE_MONTH if guardduty else 0.0,
        config_items_month=config_items if config else 0.0,
        config_evaluations_month=config_items * len(rules) if config else 0.0,
        config_rules=rules,
        security_hub_checks_month=resources * A.SECURITY_HUB_CHECKS_PER_RESOURCE_MONTH
        if "security_hub" in controls else 0.0,
        macie_buckets=A.S3_BUCKETS if "macie" in controls else 0,
        trail_log_gb_month=trail_gb,
        trail_storage_gb=trail_gb * retention_days / A.DAYS_PER_MONTH,
        trail_put_requests_month=(A.CLOUDTRAIL_LOG_FILES_PER_HOUR + A.CLOUDTRAIL_DIGEST_FILES_PER_HOUR)
        * float(A.HOURS_PER_MONTH) if trail else 0.0)
