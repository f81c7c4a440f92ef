"""Environment profiles, compliance controls and the plan's tier table: named facts, each sourced."""
from __future__ import annotations

from dataclasses import dataclass

from sizing.scenario import BackupPolicy, Compliance, Environment, Scenario


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvironmentProfile:
    """What an environment gets by default."""

    availability_zones: int
    nat_per_az: bool            # prod: one NAT per AZ (docs/sizing-facts.md § High availability rules [S87]); else a single NAT
    min_backend_replicas: int   # plan: backend Deployment with 3 replicas minimum
    min_frontend_replicas: int  # plan: frontend Deployment with 2 replicas minimum
    log_retention_days: int     # CloudWatch retention before compliance raises it
    spot_share_pct: float       # default share of nodes on spot
    waf_default: bool
    backup_policy: BackupPolicy  # DynamoDB backups by default (docs/sizing-model.md § DynamoDB backups)
    removal_retain: bool        # RETAIN tables/buckets (plan: RETAIN in prod)


# UNSOURCED policy choices, documented in docs/sizing-model.md: dev is cheap (2 AZs: EKS and the ALB need
# subnets in two zones; one NAT, one node), staging
# mirrors prod's shape at low scale, prod follows the plan (3 AZs, NAT per AZ, 3 replicas).
ENVIRONMENT_PROFILES: dict[Environment, EnvironmentProfile] = {
    Environment.dev: EnvironmentProfile(
        availability_zones=2, nat_per_az=False, min_backend_replicas=1, min_frontend_replicas=1,
        log_retention_days=7, spot_share_pct=100.0, waf_default=False, backup_policy=BackupPolicy.pitr_only,
        removal_retain=False),
    Environment.staging: EnvironmentProfile(
        availability_zones=2, nat_per_az=False, min_backend_replicas=2, min_frontend_replicas=1,
        log_retention_days=30, spot_share_pct=50.0, waf_default=False, backup_policy=BackupPolicy.pitr_only,
        removal_retain=False),
    Environment.prod: EnvironmentProfile(
        availability_zones=3, nat_per_az=True, min_backend_replicas=3, min_frontend_replicas=2,
        log_retention_days=90, spot_share_pct=30.0, waf_default=True, backup_policy=BackupPolicy.pitr_weekly,
        removal_retain=True),
}

# Regimes that want a backup copy outside the table (PITR lives and dies with the table's account access):
# HIPAA 45 CFR 164.308(a)(7)(ii)(A) "retrievable exact copies"; PCI DSS 12.10.1 backup processes
# (docs/sizing-facts.md § Backup policy and compliance [S134][S135]).
BACKUP_COPY_REGIMES = frozenset({Compliance.hipaa, Compliance.pci})
_WHY = {BackupPolicy.pitr_only: "PITR restores any second of the last 35 days; no full copies billed",
        BackupPolicy.pitr_weekly: "PITR for 35 days plus 5 weekly full copies that survive a deleted table",
        BackupPolicy.daily_30: "PITR plus 30 daily full copies"}


def choose_backup_policy(s: Scenario) -> tuple[BackupPolicy, str, bool]:
    """(policy, why, separate vault): the scenario's choice, else at least pitr+weekly under HIPAA/PCI, else the
    environment's default. Regulated data keeps its copies in a separate locked vault."""
    regimes = sorted(c.value.upper() for c in s.compliance & BACKUP_COPY_REGIMES)
    vault = bool(regimes)
    if s.backup_policy is not None:
        return s.backup_policy, f"chosen in the scenario: {_WHY[s.backup_policy]}", vault and \
            s.backup_policy is not BackupPolicy.pitr_only
    default = ENVIRONMENT_PROFILES[s.environment].backup_policy
    if regimes and default is BackupPolicy.pitr_only:
        return BackupPolicy.pitr_weekly, (f"{' and '.join(regimes)}: a backup copy outside the table is required; "
                                          f"{_WHY[BackupPolicy.pitr_weekly]}, in a separate locked vault"), True
    where = ", in a separate locked vault" if vault else ""
    return default, f"{s.environment.value} default: {_WHY[default]}{where}", vault


# CloudWatch Logs allowed retention values (days), PutRetentionPolicy API.
CLOUDWATCH_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplianceRegime:
    """A regime's named controls and the log retention it demands."""

    label: str
    controls: tuple[str, ...]
    log_retention_days: int
    requires_waf: bool
    source: str


CONTROL_LABELS: dict[str, str] = {
    "cmk": "Customer-managed KMS keys (DynamoDB, S3, EBS, logs)",
    "cloudtrail_data_events": "CloudTrail data events on DynamoDB and S3",
    "guardduty": "GuardDuty (CloudTrail events, VPC flow/DNS logs)",
    "config": "AWS Config recording and conformance pack",
    "security_hub": "Security Hub CSPM checks",
    "waf": "AWS WAF on the ALB (API); the SPA on CloudFront is static",
    "macie": "Macie sensitive-data discovery on S3",
    "log_retention": "Extended CloudWatch log retention",
}

COMPLIANCE_REGIMES: dict[Compliance, ComplianceRegime] = {
    # 45 CFR 164.316(b)(2)(i): 6 years -> 2192 days; docs/sizing-facts.md § Compliance controls per regime [S64][S66]
    Compliance.hipaa: ComplianceRegime(
        label="HIPAA", controls=("cmk", "cloudtrail_data_events", "guardduty", "config", "log_retention"),
        log_retention_days=2192, requires_waf=False, source="docs/sizing-facts.md § Compliance controls per regime [S63][S64][S66]"),
    # UNSOURCED auditor expectation of 1 year; docs/sizing-facts.md § Compliance controls per regime
    Compliance.soc2: ComplianceRegime(
        label="SOC 2", controls=("config", "security_hub", "guardduty", "log_retention"),
        log_retention_days=365, requires_waf=False, source="docs/sizing-facts.md § Compliance controls per regime (UNSOURCED: common auditor expectation)"),
    # Art. 17/45/46: erasure, transfers; docs/sizing-facts.md § Compliance controls per regime [S67]
    Compliance.gdpr: ComplianceRegime(
        label="GDPR", controls=("macie",), log_retention_days=30, requires_waf=False, source="docs/sizing-facts.md § Compliance controls per regime [S67]"),
    # PCI DSS 10.5.1 (12 months logs) and 6.4.2 (WAF); docs/sizing-facts.md § Compliance controls per regime [S68][S69]
    Compliance.pci: ComplianceRegime(
        label="PCI DSS",
        controls=("waf", "cloudtrail_data_events", "config", "guardduty", "security_hub", "log_retention"),
        log_retention_days=365, requires_waf=True, source="docs/sizing-facts.md § Compliance controls per regime [S68][S69]"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class TierSpec:
    """One row of the plan's 'Quick Sizing Summary' table."""

    name: str
    min_users: int
    max_users: int | None      # exclusive upper bound
    pods: tuple[int, int]
    nodes: tuple[int, int]
    instance_type: str
    cost_usd: tuple[int, int | None]


# production-deployment-plan.md, "Quick Sizing Summary"; thresholds per issue 2.
TIERS: tuple[TierSpec, ...] = (
    TierSpec(name="Small", min_users=0, max_users=500, pods=(3, 6), nodes=(2, 4), instance_type="t3.medium",
             cost_usd=(200, 300)),
    TierSpec(name="Medium", min_users=500, max_users=2000, pods=(5, 15), nodes=(4, 12), instance_type="t3.large",
             cost_usd=(500, 800)),
    TierSpec(name="Large", min_users=2000, max_users=10000, pods=(10, 50), nodes=(8, 28), instance_type="c5.xlarge",
             cost_usd=(1500, 3000)),
    TierSpec(name="Enterprise", min_users=10000, max_users=None, pods=(20, 100), nodes=(15, 55),
             instance_type="c5.2xlarge", cost_usd=(6000, None)),
)
PLAN_HPA_MAX_REPLICAS = 10  # the plan's HPA manifest: maxReplicas 10
