"""`review setup-export`: create the CUR 2.0 Data Export the Athena review reads and print its Athena table.

python -m app.cli review setup-export --bucket B --prefix P [--name N] [--s3-region R] [--database D]
    [--table T] [--profile P] [--print-only]
Exit codes: 0 created (or printed), 2 invalid input or an export of that name already there, 1 AWS failures.
"""
from typing import Optional

import typer

from app.cli.common import fail


def setup_export_cmd(bucket: str = typer.Option(..., "--bucket", help="S3 bucket the export writes to (its policy "
                                                                     "must allow Data Exports to write)"),
                     prefix: str = typer.Option(..., "--prefix", help="S3 prefix of the export, e.g. cur2"),
                     name: str = typer.Option("tiersizer-cur2", "--name", help="Export name (unique in the account)"),
                     s3_region: str = typer.Option("us-east-1", "--s3-region", help="Region of the bucket"),
                     database: str = typer.Option("cur", "--database", help="Glue database for the printed table"),
                     table: Optional[str] = typer.Option(None, "--table",
                                                         help="Table name in the printed DDL (default: the export "
                                                              "name with _ for -)"),
                     profile: Optional[str] = typer.Option(None, "--profile", help="AWS profile (payer account)"),
                     print_only: bool = typer.Option(False, "--print-only",
                                                     help="Print the request and the table, create nothing")) -> None:
    """Create the CUR 2.0 Data Export (Parquet, overwrite, refreshed daily) and print its Athena table DDL."""
    import json

    from review.sources.athena import AthenaError, aws_client
    from review.sources.data_export import DATA_EXPORTS_REGION, athena_ddl, create_export, export_request
    table = table or name.replace("-", "_").replace(".", "_")
    try:
        request = export_request(name, bucket, prefix, s3_region)
        ddl = athena_ddl(database, table, name, bucket, prefix)
        if print_only:
            typer.echo("# bcm-data-exports create_export request\n" + json.dumps(request, indent=2))
        else:
            client = aws_client("bcm-data-exports", profile, DATA_EXPORTS_REGION)
            arn = create_export(client, name, bucket, prefix, s3_region)
            typer.echo(f"# created Data Export {arn}; AWS delivers the first data within 24 hours")
    except AthenaError as exc:
        raise fail(f"{'--' + exc.field + ': ' if exc.field and exc.field != 'athena' else ''}{exc}",
                   2 if exc.input_error else 1) from None
    typer.echo(f"# Athena table (run once in the Athena console or `aws athena start-query-execution`), then:\n"
               f"#   python -m app.cli review --month YYYY-MM --athena --database {database} --table {table} ...\n"
               f"CREATE DATABASE IF NOT EXISTS `{database}`;\n{ddl}")
