"""Share links: a Scenario <-> URL query parameters, losslessly.

Every field that is set (not None) becomes one parameter named like the field; floats use repr so
they parse back to the same number, booleans are ``true``/``false``, compliance is a comma list.
Opening a link restores the scenario exactly; bad parameters are reported per field and replaced
by defaults. Old links (``average_load_pct_of_peak``) still open: the Scenario converts them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from app.scenario_input import FLAG_ALIASES, INPUT_FIELDS
from sizing.load_profile import OLD_LOAD_FIELD, load_profile_warnings
from sizing.ranges import ranges_text
from sizing.scenario import Scenario, ScenarioError, parse_scenario

# Query parameters Streamlit itself uses; they are never scenario input.
STREAMLIT_PARAMS: frozenset[str] = frozenset({"embed", "embed_options"})


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):       # order kept: the 24-hour load curve (compliance arrives sorted)
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict) and set(value) == {"model", "share_pct"}:   # a routing-mix entry: model:share_pct
        return f"{value['model']}:{_text(value['share_pct'])}"
    if isinstance(value, dict):                # the ranges: field=low:high; ...
        return ranges_text(value)
    if isinstance(value, (set, frozenset)):
        return ",".join(sorted(str(v) for v in value))
    return str(value)


def scenario_to_params(s: Scenario) -> dict[str, str]:
    """Query parameters that carry the whole scenario (unset optional fields are left out)."""
    return {k: _text(v) for k, v in s.to_yaml_dict().items() if v is not None}


def share_url(base_url: str, s: Scenario) -> str:
    """`base_url` (its own query dropped) with the scenario's parameters."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(scenario_to_params(s)), ""))


def _scalar(value: Any) -> Any:
    """Last value of a repeated parameter (what a browser's URLSearchParams.get would not do, but Streamlit does)."""
    if isinstance(value, (list, tuple)):
        return value[-1] if value else ""
    return value


_ALIAS_TO_FIELD = {alias: field for field, alias in FLAG_ALIASES.items()}   # ?users=5000&env=dev, as the CLI


def _data(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter values by field name (CLI short names accepted), Streamlit's own parameters dropped."""
    return {_ALIAS_TO_FIELD.get(k, k): _scalar(v) for k, v in params.items() if k not in STREAMLIT_PARAMS}


def params_to_scenario(params: Mapping[str, Any]) -> Scenario:
    """The scenario a link describes; ScenarioError names every bad parameter and its allowed range."""
    return parse_scenario(_data(params))


def has_scenario_params(params: Mapping[str, Any]) -> bool:
    return any(k in INPUT_FIELDS or k in _ALIAS_TO_FIELD for k in params)


def is_conversion_note(problem: tuple[str, str]) -> bool:
    """A note that an old field was converted (not an error): shown as information."""
    return problem[0] == OLD_LOAD_FIELD and "converted" in problem[1]


def restore(params: Mapping[str, Any]) -> tuple[Scenario, list[tuple[str, str]]]:
    """Scenario from link parameters, falling back to defaults for every bad one; plus the problems found
    (and a note for each old field converted, see `is_conversion_note`)."""
    data = _data(params)
    problems: list[tuple[str, str]] = []
    unknown = sorted(k for k in data if k not in INPUT_FIELDS)   # old fields (average_load_pct_of_peak) are converted
    for k in unknown:
        problems.append((k, "unknown parameter; ignored"))
        del data[k]
    for _ in range(len(Scenario.model_fields) + 1):
        try:
            s = parse_scenario(data)
            return s, problems + [(OLD_LOAD_FIELD, note) for note in load_profile_warnings(s)]
        except ScenarioError as exc:
            bad = {f.split(".")[0] for f, _ in exc.errors}
            problems.extend((f, f"{m}; using the default instead") for f, m in exc.errors)
            dropped = bad & data.keys()
            if not dropped:
                break
            for k in dropped:
                del data[k]
    return Scenario(), problems
