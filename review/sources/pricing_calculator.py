"""The estimate priced at the account's own rates: an AWS Pricing Calculator workload estimate (boto3
`bcm-pricing-calculator`), created, filled, waited for, read back and compared line by line with the list price.

Flow: create_workload_estimate (idempotent client token) -> batch_create_workload_estimate_usage in batches of
BATCH_LIMIT (each with its own token) -> get_workload_estimate until the status leaves UPDATING ->
list_workload_estimate_usage (all pages). Any failure after the estimate exists deletes it (nothing half-way);
if the delete fails too, the message names the estimate id to delete by hand. docs/aws-calculator.md.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pricing.calculator_usage import NotExported, UsageLine, batches

RATE_TYPES = ("BEFORE_DISCOUNTS", "AFTER_DISCOUNTS", "AFTER_DISCOUNTS_AND_COMMITMENTS")
MAX_ATTEMPTS = 8                 # botocore retries (adaptive mode) per call, throttling included
POLL_SECONDS = 5.0
WAIT_SECONDS = 600.0             # give up waiting for UPDATING after this long
PAGE_SIZE = 300                  # ListWorkloadEstimateUsage maxResults limit
PERMISSIONS = ("bcm-pricing-calculator:CreateWorkloadEstimate, CreateWorkloadEstimateUsage, GetWorkloadEstimate, "
               "ListWorkloadEstimateUsage, DeleteWorkloadEstimate and sts:GetCallerIdentity")


class CalculatorError(RuntimeError):
    """An AWS failure of the export; the message says what failed and what to do (the CLI exits 1)."""


@dataclass(frozen=True, slots=True)
class PricedLine:
    line: UsageLine
    aws_usd: Decimal | None          # None: AWS did not price it
    status: str                      # VALID | INVALID | STALE | MISSING
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CalculatorResult:
    estimate_id: str
    name: str
    rate_type: str
    status: str
    total_aws_usd: Decimal           # the estimate's totalCost
    lines: tuple[PricedLine, ...]
    not_exported: tuple[NotExported, ...]

    @property
    def list_usd(self) -> Decimal:
        return sum((p.line.list_usd for p in self.lines), Decimal(0))

    @property
    def priced_list_usd(self) -> Decimal:
        return sum((p.line.list_usd for p in self.lines if p.aws_usd is not None), Decimal(0))


def clients(profile: str | None) -> tuple[Any, str]:
    """(bcm-pricing-calculator client, account id) from the standard credential chain or the named profile."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound
    config = Config(retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS})
    try:
        session = boto3.Session(profile_name=profile) if profile else boto3.Session()
        if session.get_credentials() is None:
            raise CalculatorError("no AWS credentials found (environment, ~/.aws/credentials, SSO or instance role); "
                                  "pass --profile NAME or set AWS_PROFILE")
        account = session.client("sts", config=config).get_caller_identity()["Account"]
        # the service's endpoint is global, signed in us-east-1 (endpoint rules: implicitGlobalRegion)
        return session.client("bcm-pricing-calculator", region_name="us-east-1", config=config), account
    except ProfileNotFound:
        raise CalculatorError(f"AWS profile {profile!r} not found in ~/.aws/config or credentials") from None
    except ClientError as exc:
        raise CalculatorError(f"cannot read the account id (sts:GetCallerIdentity): {_code(exc)}") from None
    except BotoCoreError as exc:
        raise CalculatorError(f"cannot create the Pricing Calculator client: {exc}") from None


def _code(exc: Exception) -> str:
    err = getattr(exc, "response", {}).get("Error", {})
    return f"{err.get('Code', type(exc).__name__)}: {err.get('Message', exc)}"


def explain(exc: Exception, step: str) -> str:
    """What failed (the call, AWS's code and message) and what to do."""
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
    todo = {"ThrottlingException": f"AWS kept throttling after {MAX_ATTEMPTS} attempts; wait a minute and run again",
            "AccessDeniedException": f"the credentials need {PERMISSIONS}",
            "ServiceQuotaExceededException": "too many workload estimates: delete old ones in the Pricing "
                                             "Calculator console",
            "ValidationException": "a request field was refused; run with --dry-run to see the usage lines"}
    return f"{step} failed ({_code(exc)}); {todo.get(code, 'check the message above and run again')}"


def client_token(name: str, rate_type: str, account: str, lines: list[UsageLine]) -> str:
    """The same export asks for the same estimate: a hash of everything it sends (32 hex characters)."""
    doc = json.dumps([name, rate_type, account, [ln.entry(account) for ln in lines]], sort_keys=True)
    return hashlib.sha256(doc.encode()).hexdigest()[:32]


def export(lines: list[UsageLine], not_exported: list[NotExported], *, name: str, rate_type: str, client: Any,
           account: str, sleep: Callable[[float], None] = time.sleep, wait_seconds: float = WAIT_SECONDS,
           poll_seconds: float = POLL_SECONDS) -> CalculatorResult:
    """Create the workload estimate, add the usage, wait, read the costs back; delete it on any failure."""
    from botocore.exceptions import BotoCoreError, ClientError
    if not lines:
        raise CalculatorError("no usage line to export (every line is listed as not exported)")
    token = client_token(name, rate_type, account, lines)
    try:
        created = client.create_workload_estimate(name=name, clientToken=token, rateType=rate_type)
    except (ClientError, BotoCoreError) as exc:
        raise CalculatorError(explain(exc, "create_workload_estimate")) from None
    est_id = created["id"]
    try:
        ids = _add_usage(client, est_id, token, lines, account)
        status, total = _wait(client, est_id, sleep, wait_seconds, poll_seconds)
        priced = _read_back(client, est_id, lines, ids)
    except (ClientError, BotoCoreError, CalculatorError) as exc:
        step = str(exc) if isinstance(exc, CalculatorError) else explain(exc, "adding or reading the usage")
        raise CalculatorError(step + _cleanup(client, est_id)) from None
    return CalculatorResult(est_id, name, rate_type, status, total, tuple(priced), tuple(not_exported))


def _cleanup(client: Any, est_id: str) -> str:
    from botocore.exceptions import BotoCoreError, ClientError
    try:
        client.delete_workload_estimate(identifier=est_id)
        return f"; the workload estimate {est_id} was deleted (nothing kept half-way)"
    except (ClientError, BotoCoreError) as exc:
        return (f"; deleting the workload estimate {est_id} failed too ({_code(exc)}): delete it in the Pricing "
                f"Calculator console")


def _add_usage(client: Any, est_id: str, token: str, lines: list[UsageLine], account: str) -> dict[str, str]:
    """Usage id per line key; a line AWS rejects stops the export with each rejected line named."""
    by_key = {ln.key: ln for ln in lines}
    ids: dict[str, str] = {}
    for n, batch in enumerate(batches(lines), 1):
        resp = client.batch_create_workload_estimate_usage(
            workloadEstimateId=est_id, usage=[ln.entry(account) for ln in batch], clientToken=f"{token}-b{n}")
        errors = resp.get("errors") or []
        if errors:
            named = "; ".join(f"{e.get('key', '?')} {_named(by_key.get(e.get('key', '')))}: "
                              f"{e.get('errorCode', 'ERROR')} {e.get('errorMessage', '')}".strip() for e in errors)
            raise CalculatorError(f"the Pricing Calculator rejected {len(errors)} usage line(s): {named}; check the "
                                  f"line's usage type and operation in pricing/services/ (docs/aws-calculator.md)")
        ids.update({it["key"]: it["id"] for it in resp.get("items") or [] if it.get("key") and it.get("id")})
    return ids


def _named(ln: UsageLine | None) -> str:
    return f"({ln.item}: {ln.service_code} {ln.usage_type} {ln.operation or '(no operation)'})" if ln else ""


def _wait(client: Any, est_id: str, sleep: Callable[[float], None], wait_seconds: float,
          poll_seconds: float) -> tuple[str, Decimal]:
    waited = 0.0
    while True:
        got = client.get_workload_estimate(identifier=est_id)
        status = got.get("status", "")
        if status == "VALID":
            return status, Decimal(str(got.get("totalCost", 0)))
        if status in ("INVALID", "ACTION_NEEDED"):
            raise CalculatorError(f"the workload estimate is {status}: {got.get('failureMessage') or 'no reason given'}")
        if waited >= wait_seconds:
            raise CalculatorError(f"the workload estimate is still {status or 'UPDATING'} after {wait_seconds:.0f} s; "
                                  f"run again later")
        sleep(poll_seconds)
        waited += poll_seconds


def _read_back(client: Any, est_id: str, lines: list[UsageLine], ids: dict[str, str]) -> list[PricedLine]:
    items: dict[str, dict[str, Any]] = {}
    token = None
    for _ in range(10_000):
        args: dict[str, Any] = {"workloadEstimateId": est_id, "maxResults": PAGE_SIZE}
        if token:
            args["nextToken"] = token
        resp = client.list_workload_estimate_usage(**args)
        items.update({it["id"]: it for it in resp.get("items") or [] if it.get("id")})
        token = resp.get("nextToken")
        if not token:
            break
    out = []
    for ln in lines:
        it = items.get(ids.get(ln.key, ""))
        if it is None:
            out.append(PricedLine(ln, None, "MISSING", "not in the workload estimate's usage"))
        elif it.get("status") != "VALID" or it.get("cost") is None:
            out.append(PricedLine(ln, None, it.get("status", "?"), f"AWS could not price it (status "
                                                                     f"{it.get('status', '?')})"))
        else:
            out.append(PricedLine(ln, Decimal(str(it["cost"])), "VALID"))
    return out
