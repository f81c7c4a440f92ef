"""`generate --out DIR`: write the bundle (CDK app, Helm chart + values, report, scenario.yaml).

Exit 0 on success; 2 on invalid input (bad scenario field, missing --snapshot file, existing --out
without --force, a plan beyond what one bundle deploys) with nothing written; 1 on any other failure, with nothing half-written.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from app.cli.common import fail, open_catalog, with_scenario
from sizing.scenario import Scenario


class PdfCharts(str, Enum):
    vector = "vector"
    kaleido = "kaleido"


@with_scenario
def generate_cmd(scenario: Scenario,
                 out: Path = typer.Option(..., "--out", help="Bundle directory to create", file_okay=False),
                 force: bool = typer.Option(False, "--force", help="Replace an existing bundle at --out"),
                 snapshot: Optional[Path] = typer.Option(None, "--snapshot", help="Price snapshot file"),
                 pdf_charts: PdfCharts = typer.Option(
                     PdfCharts.vector, "--pdf-charts",
                     help="PDF chart images: vector (fast, drawn with fpdf2) or kaleido (plotly export via "
                          "Chromium)")) -> None:
    """Write the CDK app, Helm values, cost report and scenario.yaml for one scenario."""
    from generators.bundle import BundleExistsError, BundleInputError, generate_bundle
    from generators.cdk_config import ConfigError
    from generators.report_pdf import ChartExportError
    from pricing.catalog import MissingPriceError

    catalog = open_catalog(snapshot)
    try:
        path = generate_bundle(scenario, out, force=force, catalog=catalog, pdf_charts=pdf_charts.value)
    except (BundleExistsError, BundleInputError) as exc:
        raise fail(str(exc), 2) from None
    except (MissingPriceError, ConfigError, ChartExportError) as exc:
        raise fail(f"bundle not written: {exc}", 1) from None
    except (OSError, ValueError) as exc:
        raise fail(f"bundle not written: {type(exc).__name__}: {exc}", 1) from None
    typer.echo(f"wrote {path} (cdk/, helm/, report/, scenario.yaml)")
