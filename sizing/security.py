"""Security: WAF on the ALB, Secrets Manager secrets and calls, KMS keys and requests (docs/sizing-facts.md § Compliance controls per regime, § KMS and Secrets Manager)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sizing import assumptions as A
from sizing.llm import EXTERNAL_MODEL
from sizing.pods import PodPlan
from sizing.profiles import ENVIRONMENT_PROFILES, ComplianceRegime
from sizing.scenario import Scenario
from sizing.workload import Workload


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityPlan:
    """WAF, secrets and KMS; the compliance_* fields are what a compliance control adds.

    `secret_api_calls_month` and `kms_requests_month` hold the same number with two meanings: every secret
    fetch is a Secrets Manager API call and one KMS Decrypt with the secrets key; each is billed on its own.
    """

    waf_enabled: bool
    waf_rules: int
    waf_requests_month: float
    waf_compliance_only: bool   # WAF would be off without the compliance choice
    cmks: tuple[str, ...]       # keys every environment has (the secrets envelope key)
    compliance_cmks: tuple[str, ...]   # keys the "cmk" control adds (DynamoDB, S3, EBS, logs)
    secrets: tuple[str, ...]
    secret_api_calls_month: float      # Secrets Manager API calls: one fetch per pod-hour
    kms_requests_month: float          # KMS requests on `cmks`: one Decrypt per secret fetch
    compliance_kms_requests_month: float   # KMS requests on `compliance_cmks` (data keys, S3 log objects)


def _waf(s: Scenario, regimes: Sequence[ComplianceRegime]) -> tuple[bool, bool]:
    """Whether a regime forces WAF, and whether the scenario (or its environment's default) wants it."""
    forced = any(r.requires_waf for r in regimes)
    wanted = ENVIRONMENT_PROFILES[s.environment].waf_default if s.waf_enabled is None else s.waf_enabled
    return forced, wanted


def security_warnings(s: Scenario, regimes: Sequence[ComplianceRegime]) -> tuple[str, ...]:
    """A warning when a regime turns WAF on against the scenario's explicit choice."""
    forced, _ = _waf(s, regimes)
    if forced and s.waf_enabled is False:
        return ("PCI DSS 6.4.2 requires an automated web-attack solution: WAF is on despite waf_enabled=false",)
    return ()


def size_security(s: Scenario, w: Workload, *, regimes: Sequence[ComplianceRegime],
                  controls: Mapping[str, tuple[str, ...]], backend: PodPlan, frontend: PodPlan,
                  s3_put_requests_month: float) -> SecurityPlan:
    """WAF per environment and regime; secrets fetched hourly per pod; CMK requests under the cmk control."""
    waf_forced, waf_wanted = _waf(s, regimes)
    waf = waf_forced or waf_wanted
    # UNSOURCED: JWT signing key, app config, admin bootstrap (+1 external LLM key)
    secrets = ("jwt-signing-key", "app-config", "admin-bootstrap") + (
        ("llm-api-key",) if s.llm_model == EXTERNAL_MODEL else ())
    hours = int(A.HOURS_PER_MONTH)      # whole hours: request counts stay integers
    secret_calls = (backend.replicas + frontend.replicas) * A.SECRET_FETCHES_PER_POD_HOUR * hours
    hipaa_cmks = A.HIPAA_CMKS if "cmk" in controls else ()
    cmk_requests = (backend.replicas * A.KMS_DATA_KEY_REFRESH_PER_HOUR * hours * 2
                    + s3_put_requests_month) if hipaa_cmks else 0.0
    return SecurityPlan(
        waf_enabled=waf,
        waf_rules=A.WAF_RULES if waf else 0,
        waf_requests_month=w.requests_per_month if waf else 0.0,
        waf_compliance_only=waf_forced and not waf_wanted,
        cmks=A.BASE_CMKS,
        compliance_cmks=hipaa_cmks,
        secrets=secrets,
        secret_api_calls_month=secret_calls,
        kms_requests_month=secret_calls,
        compliance_kms_requests_month=cmk_requests)
