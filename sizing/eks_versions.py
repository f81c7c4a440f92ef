"""EKS Kubernetes versions: the dated support calendar, the version a bundle deploys and what it costs.

docs/sizing-facts.md § EKS Kubernetes version calendar. A minor version has 14 months of standard support
after its EKS release, then 12 months of extended support at a higher cluster-hour price; after that EKS
upgrades the cluster itself. Status is read on `CALENDAR_AS_OF`, the date the calendar was checked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum


@dataclass(frozen=True, slots=True)
class EksRelease:
    """One Kubernetes minor version on EKS: its release and the ends of standard and extended support."""

    version: str
    released: date
    end_standard: date
    end_extended: date


class Support(str, Enum):
    standard = "standard"
    extended = "extended"
    ended = "ended"
    unreleased = "unreleased"


#: The date the calendar below was checked; support status is read on this day (refresh both together).
CALENDAR_AS_OF = date(2026, 11, 29)
#: EKS Kubernetes versions; endoflife.date/amazon-eks (EKS release calendar) [S140], rule of 14 + 12 months [S141].
EKS_CALENDAR: dict[str, EksRelease] = {r.version: r for r in (
    EksRelease("1.29", date(2024, 1, 23), date(2025, 3, 23), date(2026, 3, 23)),
    EksRelease("1.30", date(2024, 5, 23), date(2025, 7, 23), date(2026, 7, 23)),
    EksRelease("1.31", date(2024, 9, 26), date(2025, 11, 26), date(2026, 11, 26)),
    EksRelease("1.32", date(2025, 1, 25), date(2026, 3, 23), date(2027, 3, 23)),
    EksRelease("1.33", date(2025, 5, 28), date(2026, 7, 29), date(2027, 7, 29)),
    EksRelease("1.34", date(2025, 10, 6), date(2026, 12, 2), date(2027, 12, 2)),
    EksRelease("1.35", date(2026, 1, 28), date(2027, 3, 27), date(2028, 3, 27)),
)}
#: Newest version the pinned aws-cdk-lib (2.275.0, requirements.txt) can create: aws_eks_v2.KubernetesVersion.V1_36.
CDK_MAX_VERSION = "1.36"
#: How far ahead an end of standard support is worth a warning (a year: the first-year total covers it).
SUPPORT_WARNING_DAYS = 365


def version_key(version: str) -> tuple[int, int]:
    """'1.35' -> (1, 35), for ordering versions."""
    major, minor = version.split(".")
    return int(major), int(minor)


def support_on(release: EksRelease, day: date = CALENDAR_AS_OF) -> Support:
    """Where a version stands on a day."""
    if day < release.released:
        return Support.unreleased
    if day < release.end_standard:
        return Support.standard
    if day < release.end_extended:
        return Support.extended
    return Support.ended


def default_version(day: date = CALENDAR_AS_OF) -> str:
    """The newest version that EKS offers in standard support on `day` and the pinned aws-cdk-lib can create."""
    usable = [r.version for r in EKS_CALENDAR.values()
              if support_on(r, day) is Support.standard and version_key(r.version) <= version_key(CDK_MAX_VERSION)]
    return max(usable, key=version_key)


def creatable_versions(day: date = CALENDAR_AS_OF) -> tuple[str, ...]:
    """Versions a new cluster can use on `day` (standard or extended support, within the CDK's range)."""
    return tuple(sorted((r.version for r in EKS_CALENDAR.values()
                         if support_on(r, day) in (Support.standard, Support.extended)
                         and version_key(r.version) <= version_key(CDK_MAX_VERSION)), key=version_key))


@dataclass(frozen=True, slots=True, kw_only=True)
class KubernetesPlan:
    """The cluster's Kubernetes version, its support status on the calendar date, and why."""

    version: str
    support: Support          # standard | extended (ended or unreleased versions are input errors)
    pinned: bool              # the scenario chose it; otherwise the newest standard-support version
    end_standard: date
    end_extended: date
    as_of: date

    @property
    def support_type(self) -> str:
        """The cluster's UpgradePolicy.SupportType: EXTENDED when the version is past standard support."""
        return "EXTENDED" if self.support is Support.extended else "STANDARD"


def plan_kubernetes(pinned: str | None, day: date = CALENDAR_AS_OF) -> KubernetesPlan:
    """The version the bundle deploys: the scenario's pin, or the newest standard-support version."""
    version = pinned or default_version(day)
    r = EKS_CALENDAR[version]
    return KubernetesPlan(version=version, support=support_on(r, day), pinned=pinned is not None,
                          end_standard=r.end_standard, end_extended=r.end_extended, as_of=day)


def kubernetes_warnings(k: KubernetesPlan) -> tuple[str, ...]:
    """Extended support priced since a date, or standard support ending within the warning window."""
    if k.support is Support.extended:
        return (f"kubernetes_version {k.version} left EKS standard support on {k.end_standard.isoformat()}: "
                f"extended support is priced for the cluster from that date (cluster-hour at the extended rate) "
                f"until {k.end_extended.isoformat()}, when EKS upgrades the cluster itself; "
                f"{default_version(k.as_of)} is in standard support",)
    days_left = (k.end_standard - k.as_of).days
    if days_left <= SUPPORT_WARNING_DAYS:
        return (f"Kubernetes {k.version} leaves EKS standard support on {k.end_standard.isoformat()} "
                f"({days_left} days after {k.as_of.isoformat()}): upgrade the cluster before then, or the "
                f"cluster-hour moves to the extended-support rate",)
    return ()


def check_version(v: str) -> str:
    """A pinned version a new cluster can use on the calendar date; otherwise a message naming what can."""
    v = v.strip()
    allowed = ", ".join(creatable_versions())
    r = EKS_CALENDAR.get(v)
    if r is None:
        raise ValueError(f"unknown Kubernetes version {v!r}; allowed on {CALENDAR_AS_OF.isoformat()}: {allowed}")
    if version_key(v) > version_key(CDK_MAX_VERSION):
        raise ValueError(f"Kubernetes {v} is newer than aws-cdk-lib can create ({CDK_MAX_VERSION}); allowed: {allowed}")
    status = support_on(r)
    if status is Support.ended:
        raise ValueError(f"Kubernetes {v} left EKS extended support on {r.end_extended.isoformat()} and can no "
                         f"longer be created; allowed: {allowed}")
    if status is Support.unreleased:
        raise ValueError(f"Kubernetes {v} is not released on EKS before {r.released.isoformat()}; allowed: {allowed}")
    return v
