"""Reading a Scenario from a YAML file and/or flag values, with errors that name the field."""
from __future__ import annotations

import os
import re
import types
import typing
from enum import Enum
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


# -- `--help` text of the scenario flags: the field's description, then its value type and allowed values --

def _plain_annotation(annotation: Any) -> Any:
    """`int | None` -> int; other annotations unchanged."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return args[0] if isinstance(annotation, types.UnionType) and len(args) == 1 else annotation


def _bounds(name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in Scenario.model_fields[name].metadata:
        for attr in ("ge", "gt", "le", "lt", "min_length", "max_length"):
            if getattr(m, attr, None) is not None:
                out[attr] = getattr(m, attr)
    return out


def _listed(values: Any) -> str:
    return ", ".join(str(v) for v in values)


def _special_hints() -> dict[str, str]:
    """Fields whose values are not told by their annotation and bounds (read at import: the lists are fixed)."""
    from sizing.eks_versions import creatable_versions
    from sizing.instances import INSTANCE_SHAPES
    from sizing.llm import BEDROCK_MODELS, EXTERNAL_MODEL, NO_MODEL
    from sizing.ranges import UNCERTAIN_FIELDS
    from sizing.scenario import REGIONS
    return {
        "region": f"one of: {_listed(REGIONS)}",
        "llm_model": f"one of: {_listed(BEDROCK_MODELS)}, {EXTERNAL_MODEL}, {NO_MODEL}",
        "llm_models": "list, comma-separated model:share_pct; share_pct float, >0..100, shares sum to 100",
        "hourly_load_pct_of_peak": "list, 24 comma-separated floats, each 0..100",
        "node_instance_type": f"one of: {_listed(INSTANCE_SHAPES)}",
        "kubernetes_version": f"one of: {_listed(creatable_versions())}",
        "ranges": f"list, comma-separated field=low:high; field one of: {_listed(UNCERTAIN_FIELDS)}",
    }


def flag_value_hint(name: str) -> str:
    """The type and allowed values of a scenario field as its flag takes them, e.g. `int, 1..1000000`,
    `one of: dev, staging, prod`, `on|off`. Fields with a range of uncertainty also take low:expected:high."""
    from sizing.ranges import UNCERTAIN_FIELDS
    if name in _SPECIAL_HINTS:
        return _SPECIAL_HINTS[name]
    ann, b = _plain_annotation(Scenario.model_fields[name].annotation), _bounds(name)
    if ann is bool:
        return "on|off"
    if isinstance(ann, type) and issubclass(ann, Enum):
        return f"one of: {_listed(e.value for e in ann)}"
    if typing.get_origin(ann) is frozenset:
        (member,) = typing.get_args(ann)
        return f"list, comma-separated, any of: {_listed(e.value for e in member)}"
    if ann is str:
        return f"text, {b.get('min_length', 0)}..{b['max_length']} characters" if "max_length" in b else "text"
    if ann in (int, float):
        lo = f"{b['ge']}" if "ge" in b else f">{b['gt']}" if "gt" in b else ""
        hi = f"{b['le']}" if "le" in b else f"<{b['lt']}" if "lt" in b else ""
        text = f"{ann.__name__}, {lo}..{hi}"
        return text + ("; or a range low:expected:high" if name in UNCERTAIN_FIELDS else "")
    raise TypeError(f"no --help value hint for scenario field {name} ({ann}); add it to _special_hints()")


_SPECIAL_HINTS = _special_hints()


def flag_help(name: str) -> str:
    """A scenario flag's `--help` text: `Peak concurrent users [int, 1..1000000]`."""
    return f"{Scenario.model_fields[name].description} [{flag_value_hint(name)}]"


def flag_metavar(name: str) -> str:
    """The value placeholder `--help` shows for a scenario flag: <int>, <float>, <text>, <choice>, <on|off>, <list>."""
    hint = flag_value_hint(name)
    for prefix, meta in (("int", "<int>"), ("float", "<float>"), ("text", "<text>"), ("one of", "<choice>"),
                         ("on|off", "<on|off>"), ("list", "<list>")):
        if hint.startswith(prefix):
            return meta
    raise TypeError(f"no --help placeholder for scenario field {name} ({hint})")
