"""tiersizer CLI: `python -m app.cli estimate|generate|pricing|scenarios|review ...`.

One module per command group (estimate, generate, pricing, review, scenarios); what they share (the one
`fail()`, format enums, the catalog, the scenario options) is in app/cli/common.py.
Exit codes: 0 success, 2 invalid input (stderr names the field and the allowed range), 1 other failure.
"""
import typer

from app.cli.estimate import estimate_cmd
from app.cli.generate import generate_cmd
from app.cli.pricing import pricing_app
from app.cli.review import review_cmd
from app.cli.scenarios import scenarios_app

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Size and price the LLM chat application on AWS.")
app.command("estimate")(estimate_cmd)
app.add_typer(pricing_app, name="pricing")
app.command("generate")(generate_cmd)
app.add_typer(scenarios_app, name="scenarios")
app.command("review")(review_cmd)


def main() -> None:
    """Run the CLI; Ctrl-C exits 130 without a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None


__all__ = ["app", "main"]
