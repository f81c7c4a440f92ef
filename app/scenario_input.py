"""Reading a Scenario from a YAML file and/or flag values, with errors that name the field."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

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


class _Loader(yaml.SafeLoader):
    """YAML without YAML 1.1's base-60 numbers, so a range written `6:10:16` stays text (not 22,216);
    nesting, aliases and their expansion are bounded and a key repeated in a mapping is an error."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise ComposerError(None, None, f"more than {MAX_YAML_ALIASES} aliases (*name)",
                                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        self._nodes += 1
        try:
            if self._nodes > MAX_YAML_NODES:
                raise ComposerError(None, None, f"more than {MAX_YAML_NODES} values", self.peek_event().start_mark)
            if self._depth > MAX_YAML_DEPTH:
                raise ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels",
                                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    continue              # SafeConstructor names an unhashable key itself
                if key in seen:
                    raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_int(loader: _Loader, node: Any) -> Any:
    """YAML int, refusing numbers of more than 40 digits (Python refuses 4300+ digits with a ValueError)."""
    if len(str(node.value)) > 40:
        raise ConstructorError(None, None, f"a number of more than 40 digits ({str(node.value)[:12]}...)",
                               node.start_mark)
    return loader.construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _expanded_nodes(root: Any, limit: int) -> int:
    """Nodes of the document with every alias expanded, counted up to ``limit`` + 1 (billion laughs)."""
    count, stack = 0, [root]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
    return count


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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_nodes(node, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise ComposerError(None, None, f"more than {MAX_YAML_NODES} values once aliases are expanded",
                                node.start_mark)
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


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
