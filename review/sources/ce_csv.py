"""Cost Explorer console CSV export: services as columns ("EC2-Instances($)", ...), one row per period.

The layout the console's "Download as CSV" writes when costs are grouped by service:

    Service,EC2-Instances($),EC2-Other($),...,Tax($),Total costs($)
    Service total,123.45,...
    2025-05-01,61.20,...

Service columns carry the currency symbol; the row whose period starts in the month is used. Numbers are in
the browser's locale: the decimal point or comma is detected from all the file's money cells
(review/sources/ce_numbers.py); a file that mixes both, or could be read either way, is refused.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pricing.services import CE
from review.model import USAGE, ZERO, ActualLine, Actuals, ActualsError, parse_month
from review.sources.ce_numbers import detect_format, parse_money

# Console display names that do not reduce to the API spelling by dropping "Amazon"/"AWS".
CONSOLE_ALIASES: dict[str, str] = {
    "ec2instances": CE["ec2"], "ec2other": CE["ec2_other"], "vpc": CE["vpc"], "s3": CE["s3"],
    "eks": CE["eks"], "elasticcontainerserviceforkubernetes": CE["eks"], "kms": CE["kms"],
    "elb": CE["elb"], "elasticloadbalancing": CE["elb"], "cloudwatch": CE["cloudwatch"],
}
_TOTAL = re.compile(r"^total( costs?)?$", re.I)
_HEADER = re.compile(r"^(?P<name>.*?)\s*\((?P<cur>[^()]*)\)\s*$")


def _norm(name: str) -> str:
    n = re.sub(r"[^a-z0-9]", "", name.lower())
    for p in ("amazon", "aws"):
        if n.startswith(p) and len(n) > len(p):
            n = n[len(p):]
            break
    return n


_API_BY_NORM = {_norm(v): v for v in CE.values()}


def api_service(console_name: str) -> str:
    """Cost Explorer API SERVICE spelling of a console column name (unknown names are kept)."""
    n = _norm(console_name)
    return CONSOLE_ALIASES.get(n) or _API_BY_NORM.get(n) or console_name


def _columns(header: list[str], name: str) -> list[tuple[int, str, bool]]:
    """(index, service name, is the total column) of each money column; only USD columns are accepted."""
    columns: list[tuple[int, str, bool]] = []
    for i, h in enumerate(header[1:], start=1):
        m = _HEADER.match(h.strip())
        if not m:
            raise ActualsError(f"{name}: column {i + 1} header {h!r} has no currency, expected '<service>($)'")
        cur = m.group("cur").strip()
        if cur not in ("$", "USD", "US$"):
            raise ActualsError(f"{name}: column {h!r}: currency {cur!r}; only USD exports can be compared with "
                               f"the USD estimate")
        svc = m.group("name").strip()
        columns.append((i, svc, bool(_TOTAL.match(svc))))
    return columns


def _month_row(rows: list[list[str]], month: str, name: str) -> tuple[int, list[str]]:
    """The one row of `month` (and its 1-based row number), as long as the header."""
    periods = [(r_no, r) for r_no, r in enumerate(rows[1:], start=2) if r and r[0].strip()]
    chosen = [(r_no, r) for r_no, r in periods if r[0].strip().startswith(month)]
    if not chosen:
        found = ", ".join(r[0].strip() for _, r in periods if re.match(r"^\d{4}-\d{2}", r[0].strip())) or "none"
        raise ActualsError(f"{name}: no row for {month} (periods in the file: {found}); export the month with "
                           f"monthly granularity")
    if len(chosen) > 1:
        raise ActualsError(f"{name}: {len(chosen)} rows start with {month} (daily export?); export with monthly "
                           f"granularity")
    r_no, row = chosen[0]
    if len(row) != len(rows[0]):
        raise ActualsError(f"{name}: row {r_no} has {len(row)} cells, the header has {len(rows[0])}")
    return r_no, row


def read_ce_csv(path: Path | str, month: str, display_name: str | None = None) -> Actuals:
    """The month's per-service spend from a console CSV export."""
    path = Path(path)
    name = display_name or path.name
    parse_month(month)
    if not path.is_file():
        raise ActualsError(f"no such file {path}", field="ce_csv_file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ActualsError(f"{name}: cannot read the file as UTF-8 text ({exc})") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or len(rows[0]) < 2:
        raise ActualsError(f"{name}: empty or not a Cost Explorer CSV export (expected a header "
                           f"'Service,<service>($),...,Total costs($)')")
    header = rows[0]
    columns = _columns(header, name)
    r_no, row = _month_row(rows, month, name)
    fmt = detect_format(((n, header[i], r[i]) for n, r in enumerate(rows[1:], start=2)
                         for i, _, _ in columns if i < len(r)), name)
    lines: list[ActualLine] = []
    source_total = None
    for i, svc, is_total in columns:
        amount = parse_money(row[i], fmt, r_no, header[i], name)
        if is_total:
            source_total = amount
            continue
        if amount == 0:
            continue
        kind = {"tax": "tax", "refund": "refund", "credit": "credit", "credits": "credit"}.get(_norm(svc), USAGE)
        lines.append(ActualLine(api_service(svc) if kind == USAGE else "Tax" if kind == "tax" else svc, "", kind,
                                amount))
    warnings = []
    total = sum((ln.cost_usd for ln in lines), ZERO)
    if source_total is not None and source_total != total:
        warnings.append(f"the export's 'Total costs' ${source_total:,} differs from the sum of its service columns "
                        f"${total:,} by ${total - source_total:,} (console rounding); the review uses the services")
    warnings.append("the console export has no usage types: the review compares per service only")
    return Actuals(month, "ce-csv", name, "as exported", "service", tuple(lines), len(rows) - 1, 1, source_total,
                   ZERO, ZERO, tuple(warnings))
