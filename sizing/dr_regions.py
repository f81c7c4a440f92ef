"""Disaster-recovery Regions: the documented pairing per Region and the checks on `dr_region`
(docs/sizing-model.md § Disaster recovery; docs/sizing-facts.md § Disaster recovery)."""
from __future__ import annotations

# The DR Region each Region pairs with by default: the nearest other Region of the snapshot's five, in the same
# geography where there is one (EU stays in the EU for GDPR). ap-southeast-1 has no second Asia-Pacific Region in
# the snapshot, so it pairs with us-west-2 (UNSOURCED choice; pick a closer Region once its prices are added).
DR_REGION_PAIRS: dict[str, str] = {
    "us-east-1": "us-west-2", "us-west-2": "us-east-1",
    "eu-west-1": "eu-central-1", "eu-central-1": "eu-west-1",
    "ap-southeast-1": "us-west-2",
}


def default_dr_region(region: str) -> str:
    """The documented pair of `region`."""
    return DR_REGION_PAIRS[region]


def check_dr_region(region: str, dr_region: str | None, regions: tuple[str, ...], eu_regions: frozenset[str],
                    gdpr: bool) -> None:
    """Raise ValueError (its text starts with the field name) when `dr_region` is unknown, equals `region`, or
    takes GDPR data out of the EU (an EU primary Region under GDPR keeps its DR copy in the EU)."""
    if dr_region is None:
        return
    if dr_region not in regions:
        raise ValueError(f"dr_region {dr_region!r} is unknown (allowed: {', '.join(r for r in regions if r != region)})")
    if dr_region == region:
        raise ValueError(f"dr_region {dr_region!r} is the primary region; a DR Region must differ (allowed: "
                         f"{', '.join(r for r in regions if r != region)})")
    if gdpr and region in eu_regions and dr_region not in eu_regions:
        raise ValueError(f"dr_region {dr_region!r} takes GDPR data out of the EU (allowed with gdpr and an EU region: "
                         f"{', '.join(sorted(eu_regions - {region}))})")
