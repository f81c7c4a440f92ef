"""Reading ``config/<env>.yaml``: YAML parsing, pydantic validation, one error line per bad field.

Copied verbatim into every generated bundle as ``cdk/stacks/config_loader.py`` next to
``config_model.py`` (hence the relative import); it must import nothing but the standard
library, pydantic and PyYAML.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from .config_model import CdkConfig

_FIELD_PREFIX = re.compile(r"^[a-z_]+(\.[A-Za-z_0-9]+)*: ")


class ConfigError(ValueError):
    """A CDK config failed validation; the message names every bad field."""


def format_validation_error(exc: ValidationError) -> str:
    """One line per problem, each starting with the dotted field name."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "config"
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not part of the CDK config model)"
        lines.append(msg if _FIELD_PREFIX.match(msg) else f"{loc}: {msg}")
    return "\n".join(lines)


def parse_config(data: object, source: str = "config") -> CdkConfig:
    """Validate already-parsed YAML/JSON data; raise ConfigError naming each bad field."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return CdkConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: invalid CDK config\n{format_validation_error(exc)}") from None


def load_config(path: Path) -> CdkConfig:
    """Read and validate ``config/<env>.yaml``; raise ConfigError with a readable message."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read CDK config ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    return parse_config(data, source=str(path))
