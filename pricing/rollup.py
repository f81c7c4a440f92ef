"""The whole project's bill: one scenario priced as dev, staging and prod, side by side, with totals.

Each environment's estimate is `estimate()` of the scenario with `environment` replaced (and, when asked for,
its peak users): the optional fields the scenario left unset (`availability_zones`, `spot_share_pct`,
`waf_enabled`: None means "the environment's profile") follow each environment's profile in
`sizing/profiles.py`, and the profile-only settings (NAT per AZ, minimum replicas, log retention, PITR) always
do; values the scenario set explicitly are kept. `settings` says, per environment, which is which.

Traffic: by default every environment carries the scenario's own peak users (the honest default: this
project has no source for how much lighter dev and staging are); `users` overrides them per environment
(`--env-users dev=20,staging=50` on the command line). docs/sizing-model.md § Whole project (roll-up).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

from pricing.catalog import Catalog
from pricing.engine import Estimate, estimate
from pricing.schema import estimate_to_dict
from sizing.profiles import ENVIRONMENT_PROFILES
from sizing.ranges import field_bounds
from sizing.scenario import Environment, Scenario

ALL_ENVIRONMENTS: tuple[Environment, ...] = tuple(Environment)   # dev, staging, prod: the default roll-up
ALLOWED_ENVIRONMENTS = ", ".join(e.value for e in ALL_ENVIRONMENTS)
USERS_FROM_SCENARIO = "scenario"            # the users' source when no override is given
USERS_FROM_OVERRIDE = "override"
# The scenario fields whose None means "the environment's profile" (sizing/capacity.py, sizing/security.py).
PROFILE_FIELDS: tuple[str, ...] = ("availability_zones", "spot_share_pct", "waf_enabled")


class RollupInputError(ValueError):
    """A bad roll-up option: `option` names it, the message gives the allowed values."""

    def __init__(self, option: str, message: str):
        self.option = option
        super().__init__(f"{option}: {message}")


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment-dependent value of an environment's plan and what decided it."""

    name: str
    value: str
    source: str     # "<env> profile", "scenario" (set explicitly, kept) or the compliance that raised it

    @property
    def by_environment(self) -> bool:
        """The environment's profile decided this value (it changes with the environment)."""
        return self.source.endswith(" profile")


@dataclass(frozen=True, slots=True)
class EnvironmentEstimate:
    environment: Environment
    estimate: Estimate
    users_source: str                  # USERS_FROM_SCENARIO or USERS_FROM_OVERRIDE
    settings: tuple[Setting, ...]


@dataclass(frozen=True, slots=True)
class Rollup:
    scenario: Scenario                 # the scenario as given
    environments: tuple[EnvironmentEstimate, ...]
    monthly_usd: Decimal               # sum of the environments' monthly_usd
    upfront_usd: Decimal
    first_year_usd: Decimal            # sum of the environments' first_year_usd
    infrastructure_usd: Decimal
    llm_usd: Decimal
    kept_from_scenario: tuple[str, ...]   # PROFILE_FIELDS the scenario set explicitly (same in every environment)


def parse_environments(text: str | None) -> tuple[Environment, ...]:
    """`dev,staging,prod` (any order, each once) -> environments; RollupInputError naming --environments."""
    names = [p.strip().lower() for p in (text or "").split(",")]
    if not any(names):
        raise RollupInputError("--environments", f"empty (allowed: a comma-separated subset of {ALLOWED_ENVIRONMENTS})")
    known = {e.value: e for e in ALL_ENVIRONMENTS}
    out: list[Environment] = []
    for n in names:
        if n not in known:
            raise RollupInputError("--environments", f"unknown environment {n!r} (allowed: {ALLOWED_ENVIRONMENTS}, "
                                                     "comma-separated, each once)")
        if known[n] in out:
            raise RollupInputError("--environments", f"{n!r} is given twice (allowed: {ALLOWED_ENVIRONMENTS}, each once)")
        out.append(known[n])
    return tuple(out)


def parse_environment_users(text: str | None, option: str = "--env-users") -> dict[Environment, int]:
    """`dev=20,staging=50` -> peak users per environment (the others keep the scenario's); errors name `option`."""
    lo, hi, _ = field_bounds(Scenario, "concurrent_users")
    allowed = f"allowed: env=users, comma-separated, env one of {ALLOWED_ENVIRONMENTS}, users {lo:,.0f}..{hi:,.0f}"
    out: dict[Environment, int] = {}
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        env_name, sep, raw = (x.strip() for x in part.partition("="))
        if not sep or env_name.lower() not in {e.value for e in ALL_ENVIRONMENTS}:
            raise RollupInputError(option, f"{part!r} is not env=users ({allowed})")
        env = Environment(env_name.lower())
        if env in out:
            raise RollupInputError(option, f"{env.value} is given twice ({allowed})")
        try:
            users = int(raw)
        except ValueError:
            raise RollupInputError(option, f"{env.value}={raw!r} is not a whole number ({allowed})") from None
        if not lo <= users <= hi:
            raise RollupInputError(option, f"{env.value}={users} is out of range ({allowed})")
        out[env] = users
    return out


def environment_scenario(s: Scenario, env: Environment, users: int | None = None) -> Scenario:
    """The scenario as `env` (and `users` peak users when given): what `estimate --env ENV [--users N]` prices.
    A copy, not a re-validation: no validator reads `environment` (and the old-load conversion note is kept);
    `users` is checked here against the field's range."""
    update: dict[str, Any] = {"environment": env}
    if users is not None:
        lo, hi, _ = field_bounds(Scenario, "concurrent_users")
        if isinstance(users, bool) or not isinstance(users, int) or not lo <= users <= hi:
            raise RollupInputError("users", f"{env.value}={users!r} is out of range (allowed: whole numbers "
                                            f"{lo:,.0f}..{hi:,.0f})")
        update["concurrent_users"] = users
    return s.model_copy(update=update)


def settings_of(est: Estimate) -> tuple[Setting, ...]:
    """The environment-dependent values of an estimate's plan and what decided each."""
    s, p = est.scenario, est.plan
    prof = ENVIRONMENT_PROFILES[s.environment]
    env = f"{s.environment.value} profile"
    waf_src = "scenario" if s.waf_enabled is not None else env
    if p.security.waf_compliance_only:
        waf_src = "compliance (PCI DSS)"
    base_days = p.observability.base_log_retention_days
    retention_src = env if p.observability.log_retention_days == base_days else "compliance"
    return (
        Setting("availability_zones", str(p.network.availability_zones),
                "scenario" if s.availability_zones is not None else env),
        Setting("nat_gateways", str(p.network.nat_gateways), env),
        Setting("min_backend_replicas", str(prof.min_backend_replicas), env),
        Setting("min_frontend_replicas", str(prof.min_frontend_replicas), env),
        Setting("spot_share_pct", f"{p.spot_share_pct:g}", "scenario" if s.spot_share_pct is not None else env),
        Setting("waf_enabled", "on" if p.security.waf_enabled else "off", waf_src),
        Setting("log_retention_days", str(p.observability.log_retention_days), retention_src),
        Setting("dynamodb_pitr", "on" if p.dynamodb.pitr_enabled else "off", env),
    )


def rollup(scenario: Scenario, environments: Sequence[Environment] = ALL_ENVIRONMENTS,
           catalog: Catalog | None = None, *, users: Mapping[Environment, int] | None = None,
           ranges: bool = True) -> Rollup:
    """Price `scenario` once per environment (`estimate(..., ranges=ranges)`, as `estimate` does) and add up."""
    users = users or {}
    parts = []
    for env in environments:
        est = estimate(environment_scenario(scenario, env, users.get(env)), catalog, ranges=ranges)
        parts.append(EnvironmentEstimate(environment=env, estimate=est, settings=settings_of(est),
                                         users_source=USERS_FROM_OVERRIDE if env in users else USERS_FROM_SCENARIO))
    ests = [p.estimate for p in parts]
    return Rollup(
        scenario=scenario, environments=tuple(parts),
        monthly_usd=sum((e.monthly_usd for e in ests), Decimal(0)),
        upfront_usd=sum((e.upfront_usd for e in ests), Decimal(0)),
        first_year_usd=sum((e.first_year_usd for e in ests), Decimal(0)),
        infrastructure_usd=sum((e.infrastructure_usd for e in ests), Decimal(0)),
        llm_usd=sum((e.llm_usd for e in ests), Decimal(0)),
        kept_from_scenario=tuple(f for f in PROFILE_FIELDS if getattr(scenario, f) is not None))


def rollup_to_dict(r: Rollup) -> dict[str, Any]:
    """The roll-up JSON: each environment's estimate JSON (as `estimate --format json`) and the totals."""
    return {
        "environments": {p.environment.value: estimate_to_dict(p.estimate) for p in r.environments},
        "monthly_usd": format(r.monthly_usd, "f"),
        "upfront_usd": format(r.upfront_usd, "f"),
        "first_year_usd": format(r.first_year_usd, "f"),
        "infrastructure_usd": format(r.infrastructure_usd, "f"),
        "llm_usd": format(r.llm_usd, "f"),
        "users": {p.environment.value: {"concurrent_users": p.estimate.scenario.concurrent_users,
                                        "source": p.users_source} for p in r.environments},
        "settings": {p.environment.value: [{"name": s.name, "value": s.value, "source": s.source}
                                           for s in p.settings] for p in r.environments},
        "kept_from_scenario": list(r.kept_from_scenario),
    }


CSV_COLUMNS = ("environment", "concurrent_users", "users_source", "tier", "nodes", "instance_type",
               "availability_zones", "nat_gateways", "infrastructure_usd", "llm_usd", "compliance_usd",
               "monthly_usd", "upfront_usd", "first_year_usd")


def rollup_csv(r: Rollup) -> str:
    """One row per environment, then a `total` row (money summed; nodes summed; the rest blank)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for p in r.environments:
        e = p.estimate
        w.writerow([p.environment.value, e.scenario.concurrent_users, p.users_source, e.plan.tier,
                    e.plan.nodes.desired, e.plan.nodes.instance_type, e.plan.network.availability_zones,
                    e.plan.network.nat_gateways, e.infrastructure_usd, e.llm_usd, e.compliance_usd,
                    e.monthly_usd, e.upfront_usd, e.first_year_usd])
    ests = [p.estimate for p in r.environments]
    w.writerow(["total", "", "", "", sum(e.plan.nodes.desired for e in ests), "", "", "",
                r.infrastructure_usd, r.llm_usd, sum((e.compliance_usd for e in ests), Decimal(0)),
                r.monthly_usd, r.upfront_usd, r.first_year_usd])
    return buf.getvalue()


def _usd(x: Decimal) -> str:
    return f"${x:,.2f}"


def summary_rows(r: Rollup) -> list[tuple[str, list[str], str]]:
    """(line, one value per environment, total) for the CLI table and the app's Whole project page; a value
    the environment's profile did not decide is followed by its source: (scenario) or (compliance)."""
    ests = [p.estimate for p in r.environments]
    users = [f"{e.scenario.concurrent_users:,}" + (" (override)" if p.users_source == USERS_FROM_OVERRIDE else "")
             for p, e in zip(r.environments, ests)]
    shown: dict[str, list[str]] = {}
    for p in r.environments:
        for s in p.settings:
            shown.setdefault(s.name, []).append(s.value if s.by_environment else f"{s.value} ({s.source})")
    return [
        ("Peak concurrent users", users, ""),
        ("Tier", [e.plan.tier for e in ests], ""),
        ("Nodes", [f"{e.plan.nodes.desired} x {e.plan.nodes.instance_type}" for e in ests],
         str(sum(e.plan.nodes.desired for e in ests))),
        ("AZs / NAT gateways", [f"{a} / {n}" for a, n in zip(shown["availability_zones"], shown["nat_gateways"])], ""),
        ("Spot share %", shown["spot_share_pct"], ""),
        ("WAF", shown["waf_enabled"], ""),
        ("Log retention, days", shown["log_retention_days"], ""),
        ("Infrastructure", [_usd(e.infrastructure_usd) for e in ests], _usd(r.infrastructure_usd)),
        ("LLM", [_usd(e.llm_usd) for e in ests], _usd(r.llm_usd)),
        ("Monthly", [_usd(e.monthly_usd) for e in ests], _usd(r.monthly_usd)),
        ("Upfront", [_usd(e.upfront_usd) for e in ests], _usd(r.upfront_usd)),
        ("First year", [_usd(e.first_year_usd) for e in ests], _usd(r.first_year_usd)),
    ]
