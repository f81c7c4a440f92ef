"""Athena engine of the CUR 2.0 review: the query of cur_sql.py in Trino SQL on a Data Export's table.

StartQueryExecution (database, optional workgroup and output location) -> GetQueryExecution polled with a
bounded wait and backoff (QUEUED -> RUNNING -> SUCCEEDED; FAILED and CANCELLED end with their reason) ->
GetQueryResults paginated by NextToken, the header row skipped (checked), values read as Decimal from text.
Errors are `AthenaError` with `input_error` telling bad input (a missing database, table or column: exit 2)
from AWS failures (access denied, a failed or cancelled query, a timeout: exit 1); nothing is kept on failure.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from review.model import Actuals, ActualsError, parse_month
from review.sources.cur_sql import RESULT_COLUMNS, actuals_from_groups, review_query, sql_for, table_name

MAX_WAIT_S = 900.0            # the longest the review waits for Athena (a month of an organisation: minutes)
FIRST_DELAY_S = 0.5           # first poll after this; each next wait x1.5, at most MAX_DELAY_S
MAX_DELAY_S = 5.0
PAGE_ROWS = 1000              # GetQueryResults MaxResults (the API's maximum)
MAX_PAGES = 10_000
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_MISSING = re.compile(r"TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|DATABASE_NOT_FOUND|does not exist|EntityNotFound",
                      re.IGNORECASE)
_NO_COLUMN = re.compile(r"COLUMN_NOT_FOUND|cannot be resolved|HIVE_PARTITION_SCHEMA_MISMATCH|"
                        r"HIVE_BAD_DATA|schema mismatch", re.IGNORECASE)
_DENIED = ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException",
           "ExpiredTokenException", "InvalidClientTokenId")
_FIELD = "athena"


class AthenaError(ActualsError):
    """An Athena failure; `input_error` when the database, table or its columns are at fault (exit 2)."""

    def __init__(self, message: str, field: str | None = _FIELD, input_error: bool = False) -> None:
        super().__init__(message, field)
        self.input_error = input_error


def check_name(value: str, flag: str) -> str:
    if not _NAME.match(value or ""):
        raise AthenaError(f"{flag}: {value[:60]!r} is not a Glue name (1..255 of A-Z a-z 0-9 _ -)", field=None,
                          input_error=True)
    return value


def aws_session(profile: str | None) -> Any:
    """A boto3 session from the standard credential chain (or the named profile); no credentials is an error."""
    import boto3
    from botocore.exceptions import BotoCoreError, ProfileNotFound
    try:
        session = boto3.Session(profile_name=profile) if profile else boto3.Session()
        if session.get_credentials() is None:
            raise AthenaError("no AWS credentials found (environment, ~/.aws/credentials, SSO or instance role); "
                              "pass --profile NAME or set AWS_PROFILE")
        return session
    except ProfileNotFound:
        raise AthenaError(f"AWS profile {profile!r} not found in ~/.aws/config or credentials", field="profile",
                          input_error=True) from None
    except BotoCoreError as exc:
        raise AthenaError(f"cannot create the AWS session: {exc}") from None


def aws_client(service: str, profile: str | None, region: str | None = None) -> Any:
    """A client with adaptive retries (throttling) in the given or the profile's Region."""
    from botocore.config import Config
    session = aws_session(profile)
    region = region or session.region_name
    if not region:
        raise AthenaError(f"no AWS Region for {service}: set AWS_REGION or the profile's region")
    return session.client(service, region_name=region,
                          config=Config(retries={"max_attempts": 8, "mode": "adaptive"}, connect_timeout=10,
                                        read_timeout=60))


def client_error(exc: Any, what: str) -> AthenaError:
    """A botocore ClientError as an AthenaError that says what to do (access denied: the permissions needed)."""
    err = exc.response.get("Error", {})
    code, msg = err.get("Code", "error"), err.get("Message", str(exc))
    if code in _DENIED:
        return AthenaError(f"{what}: access denied ({code}: {msg}); the caller needs athena:StartQueryExecution, "
                           f"GetQueryExecution, GetQueryResults, glue:GetTable/GetDatabase on the table, "
                           f"s3:GetObject on the export and s3:PutObject on the query result location "
                           f"(bcm-data-exports:CreateExport for setup-export), or --profile with such a role")
    if _MISSING.search(msg):
        return AthenaError(f"{what}: {msg}", input_error=True)
    return AthenaError(f"{what}: {code}: {msg}")


def _call(fn: Callable[..., Any], what: str, **kwargs: Any) -> Any:
    """One AWS API call; a ClientError becomes an AthenaError saying what to do."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
    try:
        return fn(**kwargs)
    except NoCredentialsError:
        raise AthenaError("no AWS credentials found; pass --profile NAME or set AWS_PROFILE") from None
    except ClientError as exc:
        raise client_error(exc, what) from None
    except BotoCoreError as exc:
        raise AthenaError(f"{what}: {exc}") from None


def start_query(client: Any, sql: str, database: str, workgroup: str | None, output: str | None) -> str:
    args: dict[str, Any] = {"QueryString": sql,
                            "QueryExecutionContext": {"Database": database, "Catalog": "AwsDataCatalog"}}
    if workgroup:
        args["WorkGroup"] = workgroup
    if output:
        args["ResultConfiguration"] = {"OutputLocation": output}
    return _call(client.start_query_execution, "Athena StartQueryExecution", **args)["QueryExecutionId"]


def wait_query(client: Any, qid: str, database: str, table: str, sleep: Callable[[float], None] = time.sleep,
               max_wait_s: float = MAX_WAIT_S) -> dict[str, Any]:
    """Poll until SUCCEEDED (returns the QueryExecution); FAILED / CANCELLED / too long raise with the reason."""
    waited, delay = 0.0, FIRST_DELAY_S
    while True:
        q = _call(client.get_query_execution, "Athena GetQueryExecution", QueryExecutionId=qid)["QueryExecution"]
        status = q.get("Status", {})
        state = status.get("State")
        if state == "SUCCEEDED":
            return q
        if state in ("FAILED", "CANCELLED"):
            raise _failed(state, status, qid, database, table)
        if waited >= max_wait_s:
            _call(client.stop_query_execution, "Athena StopQueryExecution", QueryExecutionId=qid)
            raise AthenaError(f"Athena query {qid} still {state} after {max_wait_s:g} s; it was stopped. Retry "
                              f"later or use a workgroup with more capacity (--workgroup)")
        sleep(delay)
        waited += delay
        delay = min(delay * 1.5, MAX_DELAY_S)


def _failed(state: str, status: dict[str, Any], qid: str, database: str, table: str) -> AthenaError:
    reason = status.get("StateChangeReason") or status.get("AthenaError", {}).get("ErrorMessage") or "no reason given"
    if state == "CANCELLED":
        return AthenaError(f"Athena query {qid} was cancelled ({reason}); run the review again")
    if _MISSING.search(reason):
        return AthenaError(f"Athena: database {database!r} or table {table!r} not found ({reason}); create the "
                           f"table with the DDL `review setup-export` prints, or pass the Data Export's "
                           f"--database and --table", input_error=True)
    if _NO_COLUMN.search(reason):
        return AthenaError(f"Athena: table {database}.{table} does not have the CUR 2.0 columns or schema the "
                           f"review reads ({reason}); recreate it with the DDL `review setup-export` prints",
                           input_error=True)
    if "AccessDenied" in reason or "Access Denied" in reason or "not authorized" in reason:
        return AthenaError(f"Athena query {qid} failed: access denied ({reason}); the role needs s3:GetObject on "
                           f"the export's bucket and s3:PutObject on the query result location")
    return AthenaError(f"Athena query {qid} failed: {reason}")


def query_rows(client: Any, qid: str) -> list[dict[str, Any]]:
    """All result rows as dicts (column -> text or None) across NextToken pages; the header row is checked."""
    rows: list[dict[str, Any]] = []
    token = None
    for page in range(MAX_PAGES):
        args: dict[str, Any] = {"QueryExecutionId": qid, "MaxResults": PAGE_ROWS}
        if token:
            args["NextToken"] = token
        resp = _call(client.get_query_results, "Athena GetQueryResults", **args)
        data = resp.get("ResultSet", {}).get("Rows", [])
        cells = [[c.get("VarCharValue") for c in r.get("Data", [])] for r in data]
        if page == 0:
            if not cells or tuple(cells[0]) != RESULT_COLUMNS:
                raise AthenaError(f"Athena query {qid}: unexpected header {cells[0] if cells else None!r}")
            cells = cells[1:]
        rows.extend(dict(zip(RESULT_COLUMNS, c)) for c in cells)
        token = resp.get("NextToken")
        if not token:
            return rows
    raise AthenaError(f"Athena query {qid}: more than {MAX_PAGES} result pages")


def athena_sql(month: str, tags: dict[str, str] | None, database: str, table: str) -> str:
    """The Trino SQL the review sends: the cur_sql query on "database"."table", the month's partition only."""
    return sql_for(review_query(month, tags, table_name(database, table), partition_filter=True), "trino")


def fetch_athena(month: str, tags: dict[str, str] | None, database: str, table: str, basis: str = "auto",
                 workgroup: str | None = None, output: str | None = None, client: Any = None,
                 profile: str | None = None, sleep: Callable[[float], None] | None = None,
                 max_wait_s: float = MAX_WAIT_S) -> Actuals:
    """The month's actuals from the Data Export's Athena table (same contract as cur.read_cur)."""
    parse_month(month)
    if basis not in ("auto", "unblended", "amortized"):
        raise ActualsError(f"expected auto, unblended or amortized, got {basis!r}", field="basis")
    check_name(database, "--database")
    check_name(table, "--table")
    if workgroup is not None:
        check_name(workgroup, "--workgroup")
    if output is not None and not re.match(r"^s3://[a-z0-9.\-]{3,63}(/.*)?$", output):
        raise AthenaError(f"--output-location: {output[:80]!r} is not an s3://bucket/prefix/ URL", field=None,
                          input_error=True)
    sql = athena_sql(month, tags, database, table)
    client = client or aws_client("athena", profile)
    qid = start_query(client, sql, database, workgroup, output)
    wait_query(client, qid, database, table, sleep or time.sleep, max_wait_s)
    groups = query_rows(client, qid)
    return actuals_from_groups(groups, month, basis, f"Athena {database}.{table}", True,
                               f"partition billing_period={month}")
