"""Build the embedded price snapshot (offline tooling, deterministic).

    python -m tools.build_snapshot [--reference tools/reference/aws-list-prices.yaml]
                                     [--manual pricing/data/manual_prices.yaml]
                                     [--output pricing/data/snapshot.json] [--check]

Steps: (1) map every entry of the reference YAML to (key, region) points, keeping its
source and confidence; (2) add the manual table's prices where the reference has none;
(3) derive missing EC2 sizes within a family (linear scaling); (4) price EC2 families
without any regional price from a sibling family's regional ratio (approximation);
(5) attach tier tables; (6) copy us-east-1 prices to the remaining regions as marked
approximations; (7) fail unless every canonical (key, region) pair is present.
The output depends only on the two input files, so re-running reproduces it byte for byte.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from collections.abc import Iterable
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import yaml

from pricing.catalog import EMBEDDED_SNAPSHOT
from pricing.keys import KEY_UNITS, REGIONS, canonical_pairs
from pricing.snapshot import PricePoint, PriceTier, build_document
from sizing.instances import INSTANCE_SHAPES
from tools.reference_prices import reference_points
from tools.snapshot_points import (
    CONFIDENCE_RANK,
    EC2_BASE_ORDER,
    EC2_SIZE_UNITS,
    US_EAST_1_APPROX,
    BuildError,
    Points,
    join,
    make_point,
)

EC2_INSTANCE_TYPES: tuple[str, ...] = tuple(INSTANCE_SHAPES)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = Path(__file__).resolve().parent / "reference" / "aws-list-prices.yaml"
DEFAULT_MANUAL = REPO_ROOT / "pricing" / "data" / "manual_prices.yaml"



# ---------------------------------------------------------------------------
# Manual table
# ---------------------------------------------------------------------------
def _by_region(value: Any, region: str, field: str, key: str) -> str:
    if isinstance(value, dict):
        if region not in value:
            raise BuildError(f"manual {key}: '{field}' has no entry for {region}")
        return str(value[region])
    return str(value)


def manual_points(manual: dict[str, Any], points: Points) -> None:
    """Add the manual table's prices where the reference has none (reference wins)."""
    as_of = str(manual["as_of"])
    for entry in manual.get("prices", []):
        key = entry["key"]
        if key not in KEY_UNITS:
            raise BuildError(f"manual price for unknown key {key!r}")
        for region, usd in entry["usd"].items():
            if (key, region) in points:
                continue
            points[(key, region)] = make_point(
                key, region, str(usd), as_of=as_of, source=entry["source"],
                confidence=_by_region(entry["confidence"], region, "confidence", key),
                note=entry.get("note", ""))


def _match_keys(patterns: Iterable[str]) -> list[str]:
    keys = [k for k in KEY_UNITS if any(fnmatch.fnmatchcase(k, p) for p in patterns)]
    if not keys:
        raise BuildError(f"manual key patterns match nothing: {list(patterns)}")
    return keys


def copy_same_price(manual: dict[str, Any], points: Points) -> None:
    """Copy prices known to be identical in another region (not approximations)."""
    for entry in manual.get("copy_same_price", []):
        for key in _match_keys(entry["keys"]):
            src = points.get((key, entry["from_region"]))
            if src is None:
                raise BuildError(f"copy_same_price: no {key} in {entry['from_region']}")
            for region in entry["regions"]:
                if (key, region) not in points:
                    points[(key, region)] = replace(
                        src, region=region, source=entry["source"], confidence=entry["confidence"],
                        as_of=str(manual["as_of"]), note=join(entry["note"], src.note))


def copy_from_us_east_1(manual: dict[str, Any], points: Points) -> None:
    """Copy us-east-1 points into regions without a price, marked as approximations."""
    for entry in manual.get("copy_from_us_east_1", []):
        for key in _match_keys(entry["keys"]):
            src = points.get((key, "us-east-1"))
            if src is None:
                raise BuildError(f"copy_from_us_east_1: no us-east-1 price for {key}")
            for region in entry["regions"]:
                if (key, region) in points:
                    continue
                points[(key, region)] = replace(
                    src, region=region, confidence="low", approximation=US_EAST_1_APPROX,
                    source=f"{src.source} (us-east-1 price)",
                    note=join(entry.get("note", ""), f"us-east-1 point was confidence {src.confidence}.",
                               src.note))


# ---------------------------------------------------------------------------
# EC2 derivations
# ---------------------------------------------------------------------------
def _split(instance_type: str) -> tuple[str, str]:
    family, size = instance_type.split(".", 1)
    return family, size


def _factor_text(factor: Decimal) -> str:
    return format(factor.normalize(), "f")


def derive_ec2_sizes(points: Points) -> None:
    """Missing EC2 sizes = same-family price in the region scaled by size (AWS scales linearly)."""
    originals = dict(points)
    for itype in EC2_INSTANCE_TYPES:
        family, size = _split(itype)
        for region in REGIONS:
            if (f"ec2:{itype}", region) in points:
                continue
            bases = [originals[(f"ec2:{family}.{s}", region)] for s in EC2_BASE_ORDER
                     if (f"ec2:{family}.{s}", region) in originals]
            if not bases:
                continue
            base = min(bases, key=lambda p: CONFIDENCE_RANK[p.confidence])
            base_size = _split(base.key[4:])[1]
            factor = EC2_SIZE_UNITS[size] / EC2_SIZE_UNITS[base_size]
            confidence = "medium" if base.confidence == "high" else base.confidence
            points[(f"ec2:{itype}", region)] = make_point(
                f"ec2:{itype}", region, format((base.usd * factor).normalize(), "f"), as_of=base.as_of,
                source=base.source, confidence=confidence,
                note=f"derived from {base.key[4:]} x {_factor_text(factor)} "
                     f"(AWS on-demand prices scale linearly with size within a family).",
                approximation=base.approximation)


def derive_ec2_siblings(manual: dict[str, Any], points: Points) -> None:
    """Families without regional prices: us-east-1 price x the sibling family's regional ratio."""
    for family, sibling in manual.get("ec2_sibling_families", {}).items():
        for itype in (t for t in EC2_INSTANCE_TYPES if _split(t)[0] == family):
            size = _split(itype)[1]
            home = points.get((f"ec2:{itype}", "us-east-1"))
            if home is None:
                raise BuildError(f"ec2_sibling_families: no us-east-1 price for {itype}")
            for region in REGIONS:
                if (f"ec2:{itype}", region) in points:
                    continue
                sib_key = f"ec2:{sibling}.{size}"
                sib_r, sib_home = points.get((sib_key, region)), points.get((sib_key, "us-east-1"))
                if sib_r is None or sib_home is None:
                    raise BuildError(f"ec2_sibling_families: {sib_key} missing for {region}/us-east-1")
                ratio = sib_r.usd / sib_home.usd
                usd = (home.usd * ratio).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
                ratio_txt = format(ratio.quantize(Decimal("0.001")), "f")
                points[(f"ec2:{itype}", region)] = make_point(
                    f"ec2:{itype}", region, format(usd, "f"), as_of=home.as_of,
                    source=f"{home.source} (us-east-1 price, scaled)", confidence="low",
                    note=f"{sibling}.{size} {region}/us-east-1 ratio {sib_r.usd}/{sib_home.usd}. {home.note}",
                    approximation=f"estimated: us-east-1 price x {ratio_txt} ({sibling} {region} vs "
                                  f"us-east-1 ratio); no regional source")


# ---------------------------------------------------------------------------
# Tiers
# ---------------------------------------------------------------------------
def apply_tiers(manual: dict[str, Any], points: Points) -> None:
    """Attach tier tables; the first tier must equal the point's price."""
    for entry in manual.get("tiers", []):
        key = entry["key"]
        tiers = tuple(PriceTier(Decimal(str(b)), None if e is None else Decimal(str(e)), Decimal(str(u)))
                      for b, e, u in entry["tiers"])
        _check_tiers(key, tiers)
        for region in entry["regions"]:
            point = points.get((key, region))
            if point is None:
                raise BuildError(f"tiers for {key}/{region}: no point to attach them to")
            if point.usd != tiers[0].usd:
                raise BuildError(f"tiers for {key}/{region}: first tier {tiers[0].usd} != price {point.usd}")
            confidence = max(point.confidence, entry["confidence"], key=CONFIDENCE_RANK.__getitem__)
            points[(key, region)] = replace(
                point, tiers=tiers, confidence=confidence,
                source=join(point.source, "; tiers:", entry["source"]),
                note=join(point.note, entry["note"]))


def _check_tiers(key: str, tiers: tuple[PriceTier, ...]) -> None:
    if not tiers or tiers[0].begin_units != 0:
        raise BuildError(f"tiers for {key} must start at 0")
    for a, b in zip(tiers, tiers[1:]):
        if a.end_units is None or a.end_units != b.begin_units:
            raise BuildError(f"tiers for {key} are not contiguous at {a.end_units}")
    if tiers[-1].end_units is not None:
        raise BuildError(f"last tier for {key} must be open-ended (end null)")


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------
def build_points(reference: dict[str, Any], manual: dict[str, Any]) -> list[PricePoint]:
    """All snapshot points from the two inputs; BuildError if any canonical pair is missing."""
    as_of = str(manual["as_of"])
    points = reference_points(reference, as_of)
    manual_points(manual, points)
    copy_same_price(manual, points)
    derive_ec2_sizes(points)
    derive_ec2_siblings(manual, points)
    apply_tiers(manual, points)
    copy_from_us_east_1(manual, points)
    required = set(canonical_pairs())
    missing = sorted(required - points.keys())
    if missing:
        raise BuildError("no price for: " + ", ".join(f"{k}/{r}" for k, r in missing))
    extra = sorted(points.keys() - required)
    if extra:
        raise BuildError("non-canonical points: " + ", ".join(f"{k}/{r}" for k, r in extra))
    return sorted(points.values(), key=lambda p: (p.key, p.region))


def sources_list(reference: dict[str, Any], reference_name: str, manual_name: str) -> list[str]:
    """Header sources: the reference file and its main sources, then the manual table."""
    compiled = reference.get("meta", {}).get("compiled", "")
    return [f"{reference_name} (compiled {compiled})".strip(),
            *[str(s) for s in reference.get("meta", {}).get("main_sources", [])],
            f"{manual_name} (AWS pricing pages, recalled; regional copies marked as approximations)"]


def build(reference_path: Path, manual_path: Path) -> tuple[list[PricePoint], dict[str, Any], str]:
    """(points, JSON document, serialized text) for the inputs; deterministic."""
    import json

    reference = yaml.safe_load(reference_path.read_text(encoding="utf-8"))
    manual = yaml.safe_load(manual_path.read_text(encoding="utf-8"))
    points = build_points(reference, manual)
    as_of = str(manual["as_of"])
    _, doc = build_document(points, as_of=as_of,
                            sources=sources_list(reference, "aws-list-prices.yaml",
                                                 "pricing/data/manual_prices.yaml"),
                            built_at=f"{as_of}T00:00:00+00:00")
    return points, doc, json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; exit 0 on success, 1 when the build fails or --check finds drift."""
    from pricing.files import write_atomic

    parser = argparse.ArgumentParser(prog="python -m tools.build_snapshot", description=__doc__.split("\n")[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--manual", type=Path, default=DEFAULT_MANUAL)
    parser.add_argument("--output", type=Path, default=EMBEDDED_SNAPSHOT)
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if OUTPUT differs from a fresh build")
    args = parser.parse_args(argv)
    try:
        points, doc, text = build(args.reference, args.manual)
    except (BuildError, OSError, yaml.YAMLError, KeyError) as exc:
        print(f"snapshot build failed: {exc}", file=sys.stderr)
        return 1
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run python -m tools.build_snapshot", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({len(points)} points)")
        return 0
    write_atomic(args.output, text)
    by_conf: dict[str, int] = {}
    for p in points:
        by_conf[p.confidence] = by_conf.get(p.confidence, 0) + 1
    approx = sum(1 for p in points if p.approximation)
    print(f"wrote {args.output}: {doc['header']['point_count']} points, {doc['header']['key_count']} keys, "
          f"confidence {by_conf}, {approx} approximations, {doc['header']['checksum']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
