"""Which Bedrock inference profiles each catalog model offers from each source Region (dated, sourced table).

docs/sizing-facts.md § Bedrock model availability by Region holds the same table with its sources [S60], [S150]-[S154],
accessed 2026-11-29. A cell is OFFERED, NOT_OFFERED or UNSOURCED (no source read here says either way). Only a
NOT_OFFERED cell is an input error; an UNSOURCED one is allowed and the plan warns. The table is the one place
of these facts: the scenario validation, the default profile and the plan's warnings all read it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sizing.llm import BEDROCK_MODELS

AVAILABILITY_ACCESSED = "2026-11-29"
OFFERED, NOT_OFFERED, UNSOURCED = "offered", "not offered", "UNSOURCED"
GLOBAL, GEO, IN_REGION = "global", "geo", "in-region"
PROFILES: tuple[str, ...] = (GLOBAL, GEO, IN_REGION)
_REGIONS: tuple[str, ...] = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1")  # = scenario.REGIONS


@dataclass(frozen=True, slots=True)
class Cell:
    status: str     # OFFERED | NOT_OFFERED | UNSOURCED
    source: str     # the source tag or the reason it is unsourced


_EOL_3_HAIKU = Cell(NOT_OFFERED, "end of life 2026-09-10 (model card [S154]; [S151])")
_EOL_35_SONNET = Cell(NOT_OFFERED, "Claude 3.5 Sonnet is end of life [S151]")
_NO_GLOBAL = Cell(NOT_OFFERED, "global profiles exist for Claude 4.5+ only [S60][S153]")
_NO_GEO_LLAMA = Cell(NOT_OFFERED, "no geographic profile in 'Supported cross-Region inference profiles' [S153]")
_IN_REGION_UNKNOWN = Cell(UNSOURCED, "the model card's Regional table could not be read here [S153]")
_GEO_UNKNOWN = Cell(UNSOURCED, "no source read names this geographic profile")


def _row(**cells: Cell) -> dict[str, Cell]:
    """One profile's cells by Region; `us`, `eu`, `ap` set the Regions of that geography."""
    out = {}
    for region in _REGIONS:
        geo = {"us": "us", "eu": "eu", "ap": "ap"}[region[:2]]
        out[region] = cells.get(region.replace("-", "_"), cells.get(geo))
    return out


def _all(cell: Cell) -> dict[str, Cell]:
    return {r: cell for r in _REGIONS}


#: model -> profile -> source Region -> Cell
AVAILABILITY: dict[str, dict[str, dict[str, Cell]]] = {
    "anthropic.claude-sonnet-4-5": {
        GLOBAL: _row(us=Cell(OFFERED, "[S60][S152]"), eu=Cell(OFFERED, "[S60][S152]"),
                     ap=Cell(UNSOURCED, "the APAC global launch post [S150] names Sonnet 4.6, not 4.5")),
        GEO: _row(us=Cell(OFFERED, "us. profile [S151]"), eu=Cell(OFFERED, "eu. profile [S151]"),
                  ap=Cell(OFFERED, "apac. profile invoked from ap-southeast-1 [S152], secondary")),
        IN_REGION: _all(_IN_REGION_UNKNOWN),
    },
    "anthropic.claude-haiku-4-5": {
        GLOBAL: _row(us=Cell(OFFERED, "[S60][S152]"), eu=Cell(OFFERED, "[S60][S152]"),
                     ap=Cell(OFFERED, "global profile from Singapore [S150]")),
        GEO: _row(us=Cell(OFFERED, "us. profile [S151]"), eu=Cell(OFFERED, "eu. profile [S151]"),
                  ap=Cell(OFFERED, "apac. profile from ap-southeast-1 [S152], secondary")),
        IN_REGION: _all(_IN_REGION_UNKNOWN),
    },
    "anthropic.claude-3-5-sonnet": {p: _all(_EOL_35_SONNET) for p in PROFILES},
    "anthropic.claude-3-5-haiku": {
        GLOBAL: _all(_NO_GLOBAL),
        GEO: _row(us=_GEO_UNKNOWN, eu=Cell(NOT_OFFERED, "no EU equivalent of Claude 3.5 Haiku [S151]"), ap=_GEO_UNKNOWN),
        IN_REGION: _row(us=_IN_REGION_UNKNOWN, eu=Cell(NOT_OFFERED, "Claude 3.5 Haiku is not offered in the EU [S151]"),
                        ap=_IN_REGION_UNKNOWN),
    },
    "anthropic.claude-3-haiku": {p: _all(_EOL_3_HAIKU) for p in PROFILES},
    "amazon.nova-pro": {GLOBAL: _all(_NO_GLOBAL), IN_REGION: _all(_IN_REGION_UNKNOWN),
                        GEO: _row(us=Cell(OFFERED, "us. profile [S151]"), eu=Cell(OFFERED, "eu. profile [S151]"),
                                  ap=_GEO_UNKNOWN)},
    "amazon.nova-lite": {GLOBAL: _all(_NO_GLOBAL), IN_REGION: _all(_IN_REGION_UNKNOWN),
                         GEO: _row(us=Cell(OFFERED, "us. profile [S151]"), eu=Cell(OFFERED, "eu. profile [S151]"),
                                   ap=_GEO_UNKNOWN)},
    "amazon.nova-micro": {GLOBAL: _all(_NO_GLOBAL), IN_REGION: _all(_IN_REGION_UNKNOWN), GEO: _all(_GEO_UNKNOWN)},
    "meta.llama3-70b-instruct": {GLOBAL: _all(_NO_GLOBAL), GEO: _all(_NO_GEO_LLAMA), IN_REGION: _all(_IN_REGION_UNKNOWN)},
}
assert set(AVAILABILITY) == set(BEDROCK_MODELS), "every catalog model needs its availability row"


def cell(model: str, region: str, profile: str) -> Cell:
    return AVAILABILITY[model][str(getattr(profile, "value", profile))][region]


def usable_profiles(model: str, region: str) -> list[str]:
    """Profiles of `model` from `region` not known to be unavailable (offered or UNSOURCED)."""
    return [p for p in PROFILES if cell(model, region, p).status != NOT_OFFERED]


def usable_regions(model: str) -> list[str]:
    """Regions from which `model` has at least one profile not known to be unavailable."""
    return [r for r in _REGIONS if usable_profiles(model, r)]


class NotOffered(ValueError):
    """A model/Region/profile combination the table marks NOT_OFFERED; `field` is the scenario field to name."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_offered(model: str, region: str, chosen: str | None, model_field: str) -> None:
    """Raise NotOffered naming the field to change when `model` cannot be used from `region`.

    `chosen` is the profile the user chose (None: the default, which `default_profile` adapts instead)."""
    regions = usable_regions(model)
    if not regions:
        why = cell(model, region, IN_REGION).source
        raise NotOffered(model_field, f"{model_field} {model!r} is not offered in any Region here: {why}")
    profiles = usable_profiles(model, region)
    if not profiles:
        raise NotOffered("region", f"region {region!r} does not offer {model!r} "
                                   f"({cell(model, region, GEO).source}); allowed for this model: {', '.join(regions)}")
    if chosen is not None and cell(model, region, chosen).status == NOT_OFFERED:
        raise NotOffered("inference_profile", f"inference_profile {str(getattr(chosen, 'value', chosen))!r} is not "
                         f"offered for {model!r} from {region} ({cell(model, region, chosen).source}); allowed "
                         f"there: {', '.join(profiles)}")


#: Where a default profile is not offered, the ones to try next: geo keeps requests nearest (in-Region) first.
_FALLBACK = {GEO: (IN_REGION, GLOBAL), GLOBAL: (GEO, IN_REGION), IN_REGION: (GEO, GLOBAL)}


def default_profile(model: str, region: str, preferred: str) -> tuple[str, str | None]:
    """The profile to use when the user chose none: `preferred` unless the table marks it NOT_OFFERED, then the
    first usable one of _FALLBACK. The second value says why the preferred one was replaced, or None."""
    if cell(model, region, preferred).status != NOT_OFFERED:
        return preferred, None
    pick = next((p for p in _FALLBACK[preferred] if cell(model, region, p).status != NOT_OFFERED), None)
    if pick is None:      # nothing usable: the scenario validation refuses such input (check_offered)
        return preferred, None
    return pick, f"{preferred} is not offered for {model} from {region} ({cell(model, region, preferred).source})"
