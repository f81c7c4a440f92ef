"""Reading a Scenario from a YAML file and/or flag values, with errors that name the field."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from pricing.bounded_yaml import BoundedLoader, parse_bounded
from pricing.files import read_bounded
from sizing.scenario import LOAD_PROFILE_FIELDS, OLD_FIELDS, Scenario, ScenarioError, parse_scenario

# Short flag names for the most used fields; every other field is --<field-name-with-dashes>.
FLAG_ALIASES: dict[str, str] = {"concurrent_users": "users", "environment": "env"}
# Every input name a file or flags may carry: the fields, then old fields the Scenario converts (hidden flags).
INPUT_FIELDS: tuple[str, ...] = (*Scenario.model_fields, *sorted(OLD_FIELDS))


# Bounded input (docs/app.md § Limits): a scenario file is small, flat and has no reason to repeat itself.
MAX_SCENARIO_BYTES_DEFAULT = 256 * 1024    # env TIERSIZER_MAX_SCENARIO_KB; parsed in well under a second
MAX_YAML_DEPTH = 16
MAX_YAML_ALIASES = 32
MAX_YAML_NODES = 20_000                    # nodes after alias expansion
MAX_SCENARIO_KEYS = 200


class _Loader(BoundedLoader):
    """YAML without YAML 1.1's base-60 numbers, so a range written `6:10:16` stays text (not 22,216);
    nesting, aliases and their expansion are bounded and a key repeated in a mapping is an error."""

    max_depth = MAX_YAML_DEPTH
    max_aliases = MAX_YAML_ALIASES
    max_nodes = MAX_YAML_NODES


def max_scenario_bytes() -> int:
    """The largest scenario file read: TIERSIZER_MAX_SCENARIO_KB kilobytes (default 256)."""
    raw = os.environ.get("TIERSIZER_MAX_SCENARIO_KB", "").strip()
    try:
        return max(1, int(float(raw) * 1024)) if raw else MAX_SCENARIO_BYTES_DEFAULT
    except ValueError:
        return MAX_SCENARIO_BYTES_DEFAULT


_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_Loader.yaml_implicit_resolvers = {k: [(t, rx) for t, rx in v if t not in (_INT, _FLOAT)]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(_INT, re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


def flag_name(field: str) -> str:
    return FLAG_ALIASES.get(field, field.replace("_", "-"))


def _read_text(path: Path) -> str:
    """The file's text: at most max_scenario_bytes() read (an endless /dev/zero ends too), UTF-8."""
    limit = max_scenario_bytes()
    try:
        raw = read_bounded(path, limit + 1)
    except OSError as exc:
        raise ScenarioError([("--scenario", f"cannot read {path}: {exc.strerror or exc}")]) from None
    if len(raw) > limit:
        raise ScenarioError([("--scenario", f"{path} is larger than {limit // 1024} KB "
                              "(a scenario file is a few lines; raise TIERSIZER_MAX_SCENARIO_KB to read it)")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([("--scenario", f"{path} is not UTF-8 text (byte {exc.start})")]) from None


def _parse_yaml(text: str) -> Any:
    return parse_bounded(text, _Loader)


def load_scenario_file(path: Path) -> dict[str, Any]:
    """Parse a scenario YAML file into a mapping; malformed YAML is a ScenarioError naming the file and line."""
    text = _read_text(Path(path))
    try:
        data = _parse_yaml(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        raise ScenarioError([("--scenario", f"{path} is not valid YAML{where}: "
                              f"{getattr(exc, 'problem', None) or exc}")]) from None
    except (RecursionError, ValueError) as exc:  # safety net: PyYAML's own conversions
        raise ScenarioError([("--scenario", f"{path} is not a readable scenario: {str(exc)[:120]}")]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError([("--scenario", f"{path} must hold a mapping of scenario fields, "
                              f"not a {type(data).__name__}")])
    if len(data) > MAX_SCENARIO_KEYS:
        raise ScenarioError([("--scenario", f"{path} has {len(data)} keys; a scenario has at most "
                              f"{len(Scenario.model_fields)} fields (limit {MAX_SCENARIO_KEYS})")])
    return data


def overlay(data: dict[str, Any], flags: dict[str, Any]) -> dict[str, Any]:
    """`data` (a file or saved scenario) with the flags that were given (not None) on top. An old
    load flag replaces the file's load profile and a profile flag the file's old load field."""
    given = {k: v for k, v in flags.items() if v is not None}
    if given.keys() & OLD_FIELDS:
        data = {k: v for k, v in data.items() if k not in LOAD_PROFILE_FIELDS}
    if given.keys() & set(LOAD_PROFILE_FIELDS):
        data = {k: v for k, v in data.items() if k not in OLD_FIELDS}
    return {**data, **given}


def build_scenario(scenario_file: Path | None, flags: dict[str, Any]) -> Scenario:
    """File values first, then flags that were given (not None) override them."""
    data = load_scenario_file(scenario_file) if scenario_file else {}
    return parse_scenario(overlay(data, flags))


def scenario_yaml(s: Scenario) -> str:
    return yaml.safe_dump(s.to_yaml_dict(), sort_keys=False, allow_unicode=True)
