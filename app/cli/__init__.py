"""tiersizer CLI: `python -m app.cli estimate|rollup|generate|pricing|scenarios|review|price-template|export ...`.

One module per command group (estimate, rollup, generate, pricing, review, scenarios); what they share (the one
`fail()`, format enums, the catalog, the scenario options) is in app/cli/common.py.
Exit codes: 0 success, 2 invalid input (stderr names the field and the allowed range), 1 other failure.
Errors print the project's own message; the underlying traceback (a database driver's, for example) is logged,
and shown on stderr only with TIERSIZER_LOG_LEVEL=WARNING (or INFO, DEBUG).
"""
import logging
import os

import typer

from app.cli.estimate import estimate_cmd
from app.cli.export import export_app
from app.cli.generate import generate_cmd
from app.cli.price_template import price_template_cmd
from app.cli.pricing import pricing_app
from app.cli.review import review_main
from app.cli.review_export import setup_export_cmd
from app.cli.rollup import rollup_cmd
from app.cli.scenarios import scenarios_app

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Size and price the LLM chat application on AWS.")
app.command("estimate")(estimate_cmd)
app.command("rollup")(rollup_cmd)
app.add_typer(pricing_app, name="pricing")
app.command("generate")(generate_cmd)
app.add_typer(scenarios_app, name="scenarios")
review_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
review_app.callback(invoke_without_command=True)(review_main)
review_app.command("setup-export")(setup_export_cmd)
app.add_typer(review_app, name="review")
app.command("price-template")(price_template_cmd)
app.add_typer(export_app, name="export")
LOG_LEVEL_ENV = "TIERSIZER_LOG_LEVEL"


@app.callback()
def _logging() -> None:
    """Size and price the LLM chat application on AWS."""
    level = (os.environ.get(LOG_LEVEL_ENV) or "").strip().upper()
    logger = logging.getLogger("tiersizer")
    if level in ("DEBUG", "INFO", "WARNING", "ERROR"):
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
        logger.setLevel(level)
    elif not logger.handlers:
        logger.addHandler(logging.NullHandler())    # not Python's last-resort handler: no traceback on stderr


def main() -> None:
    """Run the CLI; Ctrl-C exits 130 without a traceback. Click's own errors (an unknown option, a value not among
    a flag's choices) print in the same `error: invalid input: ...` style as the commands' (common.fail)."""
    from app.cli.common import fail

    # typer vendors Click (typer._click); reach its exception base through a public class, not the private module
    click_exception = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    try:
        code = app(standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        raise SystemExit(130) from None
    except click_exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":      # `python -m app.cli` alone: the help, as before
            exc.show()
            raise SystemExit(exc.exit_code) from None
        hint = f" (see `{exc.ctx.command_path} --help`)" if getattr(exc, "ctx", None) is not None else ""
        raise SystemExit(fail(exc.format_message().replace("Value error, ", "") + hint, exc.exit_code).exit_code) from None
    raise SystemExit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
