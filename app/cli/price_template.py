"""`price-template PATH... [--usage FILE] [--region R] [--format table|json|csv]`: price a CloudFormation
template or a cdk.out folder from the price snapshot (pricing/template/, docs/price-template.md)."""
import csv
import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from app.cli.common import fail, open_catalog, printable
from app.cli.tables import add_rows, table
from generators.safe_text import csv_cell

CSV_COLUMNS = ("stack", "logical_id", "type", "name", "quantity", "unit", "price_key", "unit_usd", "monthly_usd",
               "note")


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def price_template_cmd(
        paths: List[Path] = typer.Argument(..., help="Template files (JSON/YAML) or cdk.out folders"),
        usage: Optional[Path] = typer.Option(None, "--usage", help="Usage file (YAML): monthly quantities by "
                                             "logical ID"),
        region: Optional[str] = typer.Option(None, "--region", help="AWS region (default: the cdk.out manifest's)"),
        format: Format = typer.Option(Format.table, "--format", help="table | json | csv"),
        snapshot: Optional[Path] = typer.Option(None, "--snapshot", help="Price snapshot file")) -> None:
    """Price a CloudFormation template or a cdk.out folder, like Infracost does for Terraform."""
    from pricing.template import TemplateInputError, price_template, template_price_to_dict
    if usage is not None and not usage.exists():
        raise fail(f"--usage: no such file {usage}", 2)
    catalog = open_catalog(snapshot)
    try:
        tp = price_template(paths, usage, region, catalog)
    except TemplateInputError as exc:
        raise fail(str(exc), 2) from None
    if format is Format.json:
        sys.stdout.write(json.dumps(template_price_to_dict(tp), indent=2) + "\n")
    elif format is Format.csv:
        sys.stdout.write(template_csv(tp))
    else:
        print_template_price(tp)


def template_csv(tp) -> str:  # type: ignore[no-untyped-def]
    """One row per line (money as exact decimals, file text neutralised), then a TOTAL row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for t in tp.lines:
        ln = t.line
        w.writerow([csv_cell(t.stack), csv_cell(t.logical_id), csv_cell(t.type), csv_cell(ln.item), ln.quantity,
                    ln.unit, ln.price_key, ln.unit_usd, ln.monthly_usd, csv_cell(ln.note)])
    w.writerow(["TOTAL", "", "", "", "", "", "", "", tp.monthly_usd, tp.note])
    return buf.getvalue()


def print_template_price(tp) -> None:  # type: ignore[no-untyped-def]
    out = Console()
    t = table(out, "Stack", "Resource", "Item", "Quantity", "Unit", "Unit USD", "Monthly USD",
              title=f"Template price, {tp.region}", numeric=("Quantity", "Unit USD", "Monthly USD"))
    out.print(add_rows(out, t, ((printable(row.stack), printable(row.logical_id), printable(row.line.item),
                                 f"{row.line.quantity:,.2f}", row.line.unit, f"{row.line.unit_usd}",
                                 f"{row.line.monthly_usd:,.2f}") for row in tp.lines)))
    out.print(f"Monthly ${tp.monthly_usd:,.2f}", highlight=False)
    if tp.unsupported:
        out.print("Not priced: " + "; ".join(f"{printable(u.type)} x {u.count} ({printable(u.reason)})"
                                             for u in tp.unsupported), highlight=False)
    if tp.free:
        out.print("Free: " + ", ".join(f"{printable(name)} x {n}" for name, n in tp.free), highlight=False)
    for note in tp.notes:
        out.print(f"note: {printable(note)}", highlight=False)
    out.print(f"note: {tp.note}", highlight=False)
    out.print(f"Prices as of {tp.prices_as_of} ({printable(tp.prices_source)})", highlight=False)
