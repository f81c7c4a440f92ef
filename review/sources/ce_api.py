"""Cost Explorer API reader: `ce.get_cost_and_usage`, monthly, UnblendedCost + AmortizedCost + UsageQuantity.

Three queries, each paginated by NextPageToken:
1. charge types: GroupBy RECORD_TYPE + SERVICE, tag filter -> which record types are adjustments
   (tax, credits, refunds, savings plan fees...) in the API's own spelling, and their amounts;
2. usage: GroupBy SERVICE + USAGE_TYPE, tag filter AND NOT those adjustment record types;
3. untagged: GroupBy RECORD_TYPE + SERVICE where the first tag key is ABSENT -> account-level tax,
   credits and refunds (kept, marked account_level) and untagged usage (reported as excluded).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from review.model import USAGE, ZERO, ActualLine, Actuals, ActualsError, kind_of, parse_month

METRICS = ("UnblendedCost", "AmortizedCost", "UsageQuantity")
_ACCOUNT_LEVEL_KINDS = ("tax", "credit", "refund")


def ce_client(profile: str | None = None) -> Any:
    """A Cost Explorer client from the standard credential chain (or the named profile)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ProfileNotFound
    try:
        session = boto3.Session(profile_name=profile) if profile else boto3.Session()
        if session.get_credentials() is None:
            raise ActualsError("no AWS credentials found (environment, ~/.aws/credentials, SSO "
                               "or instance role); pass --profile NAME or set AWS_PROFILE", field="cost_explorer")
        return session.client("ce", region_name="us-east-1")   # Cost Explorer's endpoint lives in us-east-1
    except ProfileNotFound:
        raise ActualsError(f"AWS profile {profile!r} not found in ~/.aws/config or credentials",
                           field="profile") from None
    except BotoCoreError as exc:
        raise ActualsError(f"cannot create the Cost Explorer client: {exc}", field="cost_explorer") from None


def tag_filter(tags: dict[str, str] | None) -> list[dict[str, Any]]:
    return [{"Tags": {"Key": k, "Values": [v], "MatchOptions": ["EQUALS"]}} for k, v in (tags or {}).items()]


def _and(exprs: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not exprs:
        return None
    return exprs[0] if len(exprs) == 1 else {"And": exprs}


def _pages(client: Any, month: str, group_by: tuple[str, str], flt: dict[str, Any] | None) -> tuple[list, bool]:
    """All groups of one query across NextPageToken pages; also whether AWS marked the month estimated."""
    start, end = parse_month(month)
    args: dict[str, Any] = {"TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
                            "Granularity": "MONTHLY", "Metrics": list(METRICS),
                            "GroupBy": [{"Type": "DIMENSION", "Key": k} for k in group_by]}
    if flt:
        args["Filter"] = flt
    groups: list[dict[str, Any]] = []
    estimated = False
    token = None
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
    for _ in range(10_000):
        try:
            resp = client.get_cost_and_usage(**args, **({"NextPageToken": token} if token else {}))
        except NoCredentialsError:
            raise ActualsError("no AWS credentials found; pass --profile NAME or set "
                               "AWS_PROFILE", field="cost_explorer") from None
        except ClientError as exc:
            err = exc.response.get("Error", {})
            raise ActualsError(f"{err.get('Code', 'error')}: {err.get('Message', exc)}",
                               field="cost_explorer") from None
        except BotoCoreError as exc:
            raise ActualsError(str(exc), field="cost_explorer") from None
        for r in resp.get("ResultsByTime", []):
            estimated = estimated or bool(r.get("Estimated"))
            groups.extend(r.get("Groups", []))
        token = resp.get("NextPageToken")
        if not token:
            return groups, estimated
    raise ActualsError("more than 10,000 result pages; narrow the tag filter", field="cost_explorer")


def _metric(group: dict[str, Any], name: str) -> tuple[Decimal, str]:
    m = group.get("Metrics", {}).get(name)
    if m is None:
        raise ActualsError(f"Cost Explorer group {group.get('Keys')}: metric {name} missing from the response")
    try:
        return Decimal(m["Amount"]), m.get("Unit", "")
    except (InvalidOperation, KeyError, TypeError):
        raise ActualsError(f"Cost Explorer group {group.get('Keys')}: {name} amount {m.get('Amount')!r} "
                           f"is not a number") from None


def _costs(group: dict[str, Any]) -> tuple[Decimal, Decimal, Decimal | None]:
    unb, u1 = _metric(group, "UnblendedCost")
    amo, u2 = _metric(group, "AmortizedCost")
    for unit in (u1, u2):
        if unit != "USD":
            raise ActualsError(f"Cost Explorer group {group.get('Keys')}: currency {unit!r}; only USD bills can "
                               f"be compared with the USD estimate")
    qty = group.get("Metrics", {}).get("UsageQuantity")
    amount = None
    if qty is not None:
        try:
            amount = Decimal(qty["Amount"])
        except (InvalidOperation, KeyError, TypeError):
            amount = None
    return unb, amo, amount


def fetch_cost_explorer(month: str, tags: dict[str, str] | None = None, basis: str = "auto",
                        client: Any = None, profile: str | None = None) -> Actuals:
    """The month's tagged spend from the Cost Explorer API (see the module docstring for the three queries)."""
    parse_month(month)
    if basis not in ("auto", "unblended", "amortized"):
        raise ActualsError(f"expected auto, unblended or amortized, got {basis!r}", field="basis")
    client = client or ce_client(profile)
    tag_exprs = tag_filter(tags)

    charge_groups, est1 = _pages(client, month, ("RECORD_TYPE", "SERVICE"), _and(tag_exprs))
    adj_types = sorted({g["Keys"][0] for g in charge_groups if kind_of(g["Keys"][0]) != USAGE})
    not_adj = [{"Not": {"Dimensions": {"Key": "RECORD_TYPE", "Values": adj_types}}}] if adj_types else []
    usage_groups, est2 = _pages(client, month, ("SERVICE", "USAGE_TYPE"), _and(tag_exprs + not_adj))
    untagged_groups: list[dict[str, Any]] = []
    est3 = False
    if tags:
        absent = {"Tags": {"Key": next(iter(tags)), "MatchOptions": ["ABSENT"]}}
        untagged_groups, est3 = _pages(client, month, ("RECORD_TYPE", "SERVICE"), absent)

    rows: list[tuple[str, str, str, Decimal, Decimal, Decimal | None, bool]] = []
    special = False
    for g in usage_groups:
        svc, ut = g["Keys"][0], g["Keys"][1]
        unb, amo, qty = _costs(g)
        rows.append((svc, ut, USAGE, unb, amo, qty, False))
    for g in charge_groups:
        rt, svc = g["Keys"][0], g["Keys"][1]
        kind = kind_of(rt)
        if kind == USAGE:
            continue
        unb, amo, _ = _costs(g)
        special = special or kind in ("savings_plan", "reservation")
        rows.append((svc, rt, kind, unb, amo, None, False))
    excluded_untagged = ZERO
    for g in untagged_groups:
        rt, svc = g["Keys"][0], g["Keys"][1]
        kind = kind_of(rt)
        unb, amo, _ = _costs(g)
        if kind in _ACCOUNT_LEVEL_KINDS:
            rows.append((svc, rt, kind, unb, amo, None, True))
        elif kind == USAGE:
            excluded_untagged += unb
    if not rows:
        raise ActualsError(f"no cost for {month} with tags "
                           f"{', '.join(f'{k}={v}' for k, v in (tags or {}).items()) or '(none)'}",
                           field="cost_explorer")
    chosen = basis if basis != "auto" else ("amortized" if special else "unblended")
    lines = tuple(ActualLine(svc, ut, kind, amo if chosen == "amortized" else unb, qty, "", acct)
                  for svc, ut, kind, unb, amo, qty, acct in rows)
    warnings = []
    if est1 or est2 or est3:
        warnings.append(f"Cost Explorer marks {month} as estimated: the month is not closed, figures can change")
    n = len(usage_groups) + len(charge_groups) + len(untagged_groups)
    return Actuals(month, "cost-explorer", "Cost Explorer API", chosen, "usage_type", lines, n, len(lines), None,
                   excluded_untagged, None, tuple(warnings))   # the tag filter hides other projects' spend
