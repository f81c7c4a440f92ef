"""Athena engine through botocore's Stubber (requests and responses validated against the service model):
StartQueryExecution with the exact SQL, GetQueryExecution QUEUED -> RUNNING -> SUCCEEDED with backoff,
GetQueryResults pages (NextToken, header row) filled with what DuckDB returns for that very SQL on the fixture;
FAILED / CANCELLED / access denied / missing table / timeout; and the CLI's exit codes with nothing stored."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import pytest
import sqlglot
import yaml
from botocore.stub import Stubber
from typer.testing import CliRunner

from review.sources.athena import AthenaError, athena_sql, fetch_athena
from review.sources.cur_duckdb import connect, run_groups
from review.sources.cur_sql import RESULT_COLUMNS
from tests.review.test_cur import TAGS, TOTAL, USAGE, M
from tests.review.test_cur_engines import export_folder

QID = "4d0a7f6e-1d2b-4c3a-9f00-000000000001"
DB, TABLE = "cur_db", "cur_table"


def _client() -> Any:
    return boto3.client("athena", region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def _status(state: str, reason: str | None = None) -> dict[str, Any]:
    st: dict[str, Any] = {"State": state}
    if reason:
        st["StateChangeReason"] = reason
        st["AthenaError"] = {"ErrorCategory": 2, "ErrorType": 1006, "Retryable": False, "ErrorMessage": reason}
    return {"QueryExecution": {"QueryExecutionId": QID, "Query": "SELECT ...", "StatementType": "DML",
                               "Status": st, "WorkGroup": "primary"}}


def _cell(v: Any) -> dict[str, str]:
    return {} if v is None else {"VarCharValue": str(v)}


def duckdb_pages(tmp_path, sql: str, per_page: int = 4) -> list[dict[str, Any]]:
    """What Athena would return for `sql`: DuckDB runs it (transpiled) on the fixture's Data Exports folder."""
    folder = export_folder(tmp_path)
    con = connect()
    con.execute(f"CREATE SCHEMA {DB}")
    con.execute(f"CREATE VIEW {DB}.{TABLE} AS SELECT * FROM read_parquet('{folder}/data/*/*.parquet', "
                "hive_partitioning = true)")
    groups = run_groups(con, sqlglot.transpile(sql, read="trino", write="duckdb")[0])
    rows = [{"Data": [{"VarCharValue": c} for c in RESULT_COLUMNS]}] + \
        [{"Data": [_cell(g[c]) for c in RESULT_COLUMNS]} for g in groups]
    meta = {"ColumnInfo": [{"Name": c, "Type": "varchar"} for c in RESULT_COLUMNS]}
    pages = [rows[i:i + per_page] for i in range(0, len(rows), per_page)]
    out = []
    for i, page in enumerate(pages):
        resp: dict[str, Any] = {"ResultSet": {"Rows": page, "ResultSetMetadata": meta}, "UpdateCount": 0}
        if i + 1 < len(pages):
            resp["NextToken"] = f"token-{i + 1}"
        out.append(resp)
    return out


def _start(stub: Stubber, sql: str, workgroup: str | None = "review", output: str | None = "s3://results-bkt/athena/"):
    params: dict[str, Any] = {"QueryString": sql, "QueryExecutionContext": {"Database": DB, "Catalog": "AwsDataCatalog"}}
    if workgroup:
        params["WorkGroup"] = workgroup
    if output:
        params["ResultConfiguration"] = {"OutputLocation": output}
    stub.add_response("start_query_execution", {"QueryExecutionId": QID}, params)


def test_query_states_pages_and_totals_match_duckdb(tmp_path):
    sql = athena_sql(M, TAGS, DB, TABLE)
    pages = duckdb_pages(tmp_path, sql)
    assert len(pages) >= 2                                 # the header and 9 groups (7 lines + 2 excluded) over pages
    client, sleeps = _client(), []
    with Stubber(client) as stub:
        _start(stub, sql)                                  # the exact text DuckDB ran above
        for state in ("QUEUED", "RUNNING", "SUCCEEDED"):
            stub.add_response("get_query_execution", _status(state), {"QueryExecutionId": QID})
        for i, page in enumerate(pages):
            expect = {"QueryExecutionId": QID, "MaxResults": 1000, **({"NextToken": f"token-{i}"} if i else {})}
            stub.add_response("get_query_results", page, expect)
        a = fetch_athena(M, TAGS, DB, TABLE, workgroup="review", output="s3://results-bkt/athena/", client=client,
                         sleep=sleeps.append)
        stub.assert_no_pending_responses()
    assert sleeps == [0.5, 0.75]                           # QUEUED, RUNNING: waits of 0.5 s then x1.5
    # the hand totals of test_cur (May partition: 11 rows read)
    assert a.total_usd == TOTAL and a.usage_usd == USAGE and a.adjustments_usd == Decimal("4.87")
    assert a.excluded_other_tags_usd == Decimal("103.00") and a.excluded_untagged_usd == Decimal("1.11")
    assert a.rows_read == 11 and a.source_name == "Athena cur_db.cur_table" and len(a.lines) == 7
    ec2 = {(ln.service, ln.usage_type, ln.kind): ln for ln in a.lines}[
        ("Amazon Elastic Compute Cloud - Compute", "BoxUsage:t3.medium", "usage")]
    assert ec2.cost_usd == Decimal("60.736") and ec2.usage_amount == Decimal("1460")   # 2 x 30.368, 2 x 730


def _failing(state: str, reason: str, **kw: Any) -> AthenaError:
    client = _client()
    with Stubber(client) as stub:
        _start(stub, athena_sql(M, TAGS, DB, TABLE), None, None)
        stub.add_response("get_query_execution", _status("RUNNING"), {"QueryExecutionId": QID})
        stub.add_response("get_query_execution", _status(state, reason), {"QueryExecutionId": QID})
        with pytest.raises(AthenaError) as exc:
            fetch_athena(M, TAGS, DB, TABLE, client=client, sleep=lambda s: None, **kw)
    return exc.value


def test_missing_table_is_input_error_naming_database_and_table():
    e = _failing("FAILED", "TABLE_NOT_FOUND: line 1:1234: Table 'awsdatacatalog.cur_db.cur_table' does not exist")
    assert e.input_error
    assert "database 'cur_db' or table 'cur_table' not found" in str(e) and "review setup-export" in str(e)
    e = _failing("FAILED", "SCHEMA_NOT_FOUND: line 1:1: Schema 'cur_db' does not exist")
    assert e.input_error and "cur_db" in str(e)


def test_failed_and_cancelled_show_the_reason():
    e = _failing("FAILED", "HIVE_CURSOR_ERROR: Failed to read Parquet file: s3://b/p/x.parquet")
    assert not e.input_error and f"Athena query {QID} failed: HIVE_CURSOR_ERROR" in str(e)
    e = _failing("CANCELLED", "Query cancelled by user")
    assert not e.input_error and "was cancelled (Query cancelled by user)" in str(e)
    e = _failing("FAILED", "COLUMN_NOT_FOUND: line 1:50: Column 'savings_plan_used_commitment' cannot be resolved")
    assert e.input_error and "does not have the CUR 2.0 columns" in str(e)
    e = _failing("FAILED", "HIVE_PARTITION_SCHEMA_MISMATCH: There is a mismatch between the table and partition "
                           "schemas. The column 'line_item_unblended_cost' in table is declared as type 'double', but "
                           "partition 'billing_period=2025-05' declared column as type 'string'.")
    assert e.input_error and "recreate it with the DDL `review setup-export` prints" in str(e)


def test_access_denied_says_what_permissions():
    client = _client()
    with Stubber(client) as stub:
        stub.add_client_error("start_query_execution", "AccessDeniedException",
                              "User: arn:aws:iam::123456789012:user/x is not authorized to perform: "
                              "athena:StartQueryExecution", http_status_code=400)
        with pytest.raises(AthenaError) as exc:
            fetch_athena(M, TAGS, DB, TABLE, client=client)
    assert not exc.value.input_error
    assert "access denied (AccessDeniedException" in str(exc.value) and "athena:StartQueryExecution" in str(exc.value)


def test_a_query_that_runs_too_long_is_stopped():
    client, waits = _client(), []
    with Stubber(client) as stub:
        _start(stub, athena_sql(M, TAGS, DB, TABLE), None, None)
        for _ in range(4):       # waits 0.5 + 0.75 + 1.125 = 2.375 >= 2: the 4th poll is the last
            stub.add_response("get_query_execution", _status("RUNNING"), {"QueryExecutionId": QID})
        stub.add_response("stop_query_execution", {}, {"QueryExecutionId": QID})
        with pytest.raises(AthenaError, match=r"still RUNNING after 2 s; it was stopped"):
            fetch_athena(M, TAGS, DB, TABLE, client=client, sleep=waits.append, max_wait_s=2)
        stub.assert_no_pending_responses()
    assert waits == [0.5, 0.75, 1.125]


def test_bad_names_are_refused_before_any_call():
    for kw, flag in (({"database": "cur;drop"}, "--database"), ({"table": "t x"}, "--table")):
        args = {"database": DB, "table": TABLE, **kw}
        with pytest.raises(AthenaError, match=flag) as exc:
            fetch_athena(M, TAGS, args["database"], args["table"], client=object())
        assert exc.value.input_error
    with pytest.raises(AthenaError, match="--output-location"):
        fetch_athena(M, TAGS, DB, TABLE, output="https://x", client=object())


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    scen = tmp_path / "s.yaml"
    scen.write_text(yaml.safe_dump({"name": "Acme prod", "concurrent_users": 5000}))
    client = _client()
    monkeypatch.setattr("review.sources.athena.aws_client", lambda *a, **k: client)
    from app.cli import app
    run = lambda *a: CliRunner().invoke(app, ["review", "--scenario", str(scen), "--month", M, "--athena",  # noqa: E731
                                              "--database", DB, "--table", TABLE, *a])
    return client, run, tmp_path


def test_cli_exit_codes_and_nothing_stored(cli, monkeypatch):
    client, run, tmp = cli
    monkeypatch.setattr("review.sources.athena.time.sleep", lambda s: None)
    tags = {"Project": "ChatApp", "Environment": "prod"}
    with Stubber(client) as stub:
        _start(stub, athena_sql(M, tags, DB, TABLE), None, None)
        stub.add_response("get_query_execution", _status("FAILED", "TABLE_NOT_FOUND: Table 'x' does not exist"),
                          {"QueryExecutionId": QID})
        r = run()
    assert r.exit_code == 2 and "--athena: Athena: database 'cur_db' or table 'cur_table' not found" in r.output
    with Stubber(client) as stub:
        stub.add_client_error("start_query_execution", "AccessDeniedException", "not authorized")
        r = run()
    assert r.exit_code == 1 and "access denied" in r.output
    assert not (tmp / "data").exists() or not any((tmp / "data").rglob("*.db"))   # no review stored
    r = CliRunner().invoke(__import__("app.cli", fromlist=["app"]).app,
                           ["review", "--month", M, "--athena", "--database", DB])
    assert r.exit_code == 2 and "--athena needs --table" in r.output
