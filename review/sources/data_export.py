"""`review setup-export`: the CUR 2.0 Data Export the Athena review reads, and its Athena table definition.

bcm-data-exports `create_export`: the CUR 2.0 table (COST_AND_USAGE_REPORT, daily time granularity) with the
columns cur_sql.QUERY_COLUMNS reads, Parquet, OVERWRITE_REPORT (one current version per billing period),
refreshed SYNCHRONOUS (AWS refreshes the month's data up to daily as the bill changes). AWS writes
s3://BUCKET/PREFIX/NAME/data/BILLING_PERIOD=YYYY-MM/*.parquet; `athena_ddl` is the matching external table,
partitioned by billing_period with partition projection (no crawler, no MSCK REPAIR).
"""
from __future__ import annotations

import re
from typing import Any

from review.sources.athena import AthenaError, check_name, client_error
from review.sources.cur import AMORTIZED_COLUMNS, DATE, TAGS
from review.sources.cur_sql import QUERY_COLUMNS

CUR_TABLE = "COST_AND_USAGE_REPORT"
DATA_EXPORTS_REGION = "us-east-1"     # the bcm-data-exports endpoint (the bucket may be in any Region)
TABLE_CONFIG = {CUR_TABLE: {"TIME_GRANULARITY": "DAILY", "INCLUDE_RESOURCES": "FALSE",
                            "INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY": "FALSE",
                            "INCLUDE_SPLIT_COST_ALLOCATION_DATA": "FALSE"}}
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9!_.*'()\-/]{1,512}$")
_EXPORT = re.compile(r"^[0-9A-Za-z_-]{1,128}$")        # the bcm-data-exports model's ExportName
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
# Athena column types of the CUR 2.0 Parquet export
_MONEY_COLUMNS = frozenset({"line_item_usage_amount", "line_item_unblended_cost", *AMORTIZED_COLUMNS})


def query_statement() -> str:
    """The export's SQL (the Data Exports dialect): exactly the columns the review reads."""
    return f"SELECT {', '.join(QUERY_COLUMNS)} FROM {CUR_TABLE}"


def export_request(name: str, bucket: str, prefix: str, region: str) -> dict[str, Any]:
    """The create_export arguments (validated): CUR 2.0, Parquet, overwrite, synchronous refresh."""
    for flag, value, pattern in (("--name", name, _EXPORT), ("--bucket", bucket, _BUCKET),
                                 ("--prefix", prefix, _PREFIX), ("--s3-region", region, _REGION)):
        if not pattern.match(value or ""):
            raise AthenaError(f"{flag}: {value[:80]!r} is not valid (pattern {pattern.pattern})", field=None,
                              input_error=True)
    return {"Export": {
        "Name": name, "Description": "tiersizer monthly review: CUR 2.0 columns the review query reads",
        "DataQuery": {"QueryStatement": query_statement(), "TableConfigurations": TABLE_CONFIG},
        "DestinationConfigurations": {"S3Destination": {
            "S3Bucket": bucket, "S3Prefix": prefix.strip("/"), "S3Region": region,
            "S3OutputConfigurations": {"OutputType": "CUSTOM", "Format": "PARQUET", "Compression": "PARQUET",
                                       "Overwrite": "OVERWRITE_REPORT"}}},
        "RefreshCadence": {"Frequency": "SYNCHRONOUS"}}}


def data_location(name: str, bucket: str, prefix: str) -> str:
    return f"s3://{bucket}/{prefix.strip('/')}/{name}/data/"


def athena_ddl(database: str, table: str, name: str, bucket: str, prefix: str) -> str:
    """CREATE EXTERNAL TABLE over the export's Parquet, partitioned by billing_period (projected, yyyy-MM)."""
    check_name(database, "--database")
    check_name(table, "--table")
    cols = []
    for c in QUERY_COLUMNS:
        t = "timestamp" if c == DATE else "map<string,string>" if c == TAGS else \
            "double" if c in _MONEY_COLUMNS else "string"
        cols.append(f"  `{c}` {t}")
    loc = data_location(name, bucket, prefix)
    return (f"CREATE EXTERNAL TABLE IF NOT EXISTS `{database}`.`{table}` (\n" + ",\n".join(cols) + "\n)\n"
            "PARTITIONED BY (`billing_period` string)\nSTORED AS PARQUET\n"
            f"LOCATION '{loc}'\nTBLPROPERTIES (\n  'projection.enabled' = 'true',\n"
            "  'projection.billing_period.type' = 'date',\n  'projection.billing_period.format' = 'yyyy-MM',\n"
            "  'projection.billing_period.range' = '2020-01,NOW',\n"
            "  'projection.billing_period.interval' = '1',\n  'projection.billing_period.interval.unit' = 'MONTHS',\n"
            f"  'storage.location.template' = '{loc}BILLING_PERIOD=${{billing_period}}/'\n);")


def create_export(client: Any, name: str, bucket: str, prefix: str, region: str) -> str:
    """Create the export; an export of that name already there is bad input (exit 2) with what to do."""
    from botocore.exceptions import BotoCoreError, ClientError
    request = export_request(name, bucket, prefix, region)
    what = "bcm-data-exports CreateExport"
    try:
        return client.create_export(**request)["ExportArn"]
    except BotoCoreError as exc:
        raise AthenaError(f"{what}: {exc}") from None
    except ClientError as exc:
        err = exc.response.get("Error", {})
        code, msg = err.get("Code", ""), err.get("Message", "")
        if code in ("ConflictException", "ResourceAlreadyExistsException") or (
                code == "ValidationException" and re.search(r"already exist|duplicate|same name", msg, re.I)):
            raise AthenaError(f"Data Exports: an export named {name!r} already exists ({code}: {msg}); pass "
                              f"another --name, or keep it and use the table definition printed by "
                              f"`review setup-export --print-only` (same flags)", field=None, input_error=True) from None
        if code == "ValidationException":
            raise AthenaError(f"Data Exports rejected the export ({msg}); check --bucket (its policy must let "
                              f"bcm-data-exports.amazonaws.com and billingreports.amazonaws.com write) and "
                              f"--s3-region", field=None, input_error=True) from None
        raise client_error(exc, what) from None
