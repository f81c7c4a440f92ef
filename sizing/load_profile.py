"""The load profile: share of peak load for every hour of an average 730-hour month, from one place.

A 168-hour week (Monday 00:00 first) is built from the scenario's shape and repeated over the
730 hours of a billing month (4 whole weeks and the first 58 hours of a fifth). Monthly volumes
(messages, API requests, page loads, tokens) are the peak rate times the sum of this curve; the
capacity model reads the same curve for node-hours. Formulas: docs/sizing-model.md section 1;
defaults: docs/sizing-facts.md § Load profile.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from sizing import assumptions as A

if TYPE_CHECKING:
    from sizing.scenario import Scenario

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 7 * HOURS_PER_DAY
ACTIVE_HOURS_START = 8   # UNSOURCED: the active hours of a day start at 08:00 (earlier if they do not fit before midnight)
OLD_LOAD_FIELD = "average_load_pct_of_peak"   # the single figure this profile replaced; old scenarios are converted


def active_hours_start(active_hours_per_day: int) -> int:
    """First active hour of the day: 08:00, or earlier so that the active block ends by midnight."""
    return min(ACTIVE_HOURS_START, HOURS_PER_DAY - active_hours_per_day)


@lru_cache(maxsize=256)
def _week(active_hours: int, active_days: int, active_pct: float, quiet_pct: float,
          hourly_pct: tuple[float, ...] | None) -> tuple[float, ...]:
    start = active_hours_start(active_hours)
    if hourly_pct is not None:
        day = tuple(p / 100 for p in hourly_pct)
    else:
        day = tuple(active_pct / 100 if start <= h < start + active_hours else quiet_pct / 100
                    for h in range(HOURS_PER_DAY))
    quiet_day = (quiet_pct / 100,) * HOURS_PER_DAY
    return tuple(v for d in range(7) for v in (day if d < active_days else quiet_day))


def weekly_curve(s: Scenario) -> tuple[float, ...]:
    """168 shares of peak (0..1), hour of the week, Monday 00:00 first; active days come first."""
    hourly = tuple(s.hourly_load_pct_of_peak) if s.hourly_load_pct_of_peak is not None else None
    return _week(s.active_hours_per_day, s.active_days_per_week, s.active_load_pct_of_peak,
                 s.quiet_load_pct_of_peak, hourly)


@lru_cache(maxsize=256)
def _month(week: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(week[i % HOURS_PER_WEEK] for i in range(int(A.HOURS_PER_MONTH)))


@lru_cache(maxsize=256)
def _mean(week: tuple[float, ...]) -> float:
    if len(set(week)) == 1:    # a flat profile: exactly its share (old scenarios reproduce their numbers bit for bit)
        return week[0]
    return math.fsum(_month(week)) / float(A.HOURS_PER_MONTH)


def hourly_curve(s: Scenario) -> tuple[float, ...]:
    """730 shares of peak (0..1), one per hour of an average month: the week repeated 730/168 times."""
    return _month(weekly_curve(s))


def average_load(s: Scenario) -> float:
    """Mean share of peak over the month (0..1): the curve's mean, `Workload.load_factor`."""
    return _mean(weekly_curve(s))


def load_hours(s: Scenario) -> float:
    """Sum of the month's curve: peak-hours that carry the month's volume (volume = peak rate x this x 3600)."""
    return average_load(s) * float(A.HOURS_PER_MONTH)


def load_profile_doc(s: Scenario) -> dict[str, object]:
    """The profile's inputs and what they give (for the estimate's assumptions)."""
    return {"active_hours_per_day": s.active_hours_per_day, "active_days_per_week": s.active_days_per_week,
            "active_load_pct_of_peak": s.active_load_pct_of_peak, "quiet_load_pct_of_peak": s.quiet_load_pct_of_peak,
            "hourly_load_pct_of_peak": list(s.hourly_load_pct_of_peak) if s.hourly_load_pct_of_peak else None,
            "load_hours_per_month": round(load_hours(s), 4)}


def flat_profile(pct_of_peak: float) -> dict[str, float | int]:
    """Profile fields that reproduce an old `average_load_pct_of_peak`: the same share around the clock."""
    return {"active_hours_per_day": HOURS_PER_DAY, "active_days_per_week": 7,
            "active_load_pct_of_peak": pct_of_peak, "quiet_load_pct_of_peak": pct_of_peak}


def load_profile_warnings(s: Scenario) -> tuple[str, ...]:
    """The note that an old scenario's single load figure was converted (set by Scenario's validator)."""
    converted = getattr(s, "_old_average_load_pct", None)
    if converted is None:
        return ()
    return (f"{OLD_LOAD_FIELD} (old field) converted to a flat load profile of {converted:g} % of peak around "
            f"the clock (active_hours_per_day 24, active_days_per_week 7); set the load profile fields instead",)


@lru_cache(maxsize=1)
def _week_weights() -> tuple[float, ...]:
    """How many times each hour of the week occurs in the 730-hour month (4 or 5)."""
    counts = [0] * HOURS_PER_WEEK
    for i in range(int(A.HOURS_PER_MONTH)):
        counts[i % HOURS_PER_WEEK] += 1
    return tuple(float(c) for c in counts)


@lru_cache(maxsize=1)
def _active_hours_table() -> np.ndarray:
    """[hours per day, days per week] -> month-hours inside the active block (the profile's shape, weighted)."""
    w = _week_weights()
    table = np.zeros((HOURS_PER_DAY + 1, 8))
    for hours in range(1, HOURS_PER_DAY + 1):
        start = active_hours_start(hours)
        for days in range(1, 8):
            table[hours, days] = sum(w[d * HOURS_PER_DAY + h] for d in range(days) for h in range(start, start + hours))
    return table


def load_means(hours: np.ndarray, days: np.ndarray, active_pct: np.ndarray, quiet_pct: np.ndarray,
               hourly_pct: tuple[float, ...] | None) -> np.ndarray:
    """`average_load` of many profiles at once (numpy; the Monte Carlo of sizing/ranges.py): the same curve,
    summed as weighted hour counts instead of 730 values. Integer hours and days; tests check it against
    `average_load`."""
    total = float(A.HOURS_PER_MONTH)
    table = _active_hours_table()
    days_i = days.astype(int)
    if hourly_pct is None:
        act = table[hours.astype(int), days_i]
        return (act * active_pct / 100 + (total - act) * quiet_pct / 100) / total
    w = _week_weights()
    curve = np.array([sum(w[d * HOURS_PER_DAY + h] * hourly_pct[h] / 100 for d in range(n) for h in range(HOURS_PER_DAY))
                      for n in range(8)])
    day_hours = table[HOURS_PER_DAY, days_i]
    return (curve[days_i] + (total - day_hours) * quiet_pct / 100) / total


@dataclass(frozen=True, slots=True, eq=False)   # hashed by identity: one object per week (cached), cheap cache keys
class CurveShape:
    """The month's curve grouped for node-hours: its distinct shares, how many hours each takes, the drops
    between hours (from share i to share j, n times; the hour before each is the week's previous hour), and
    the same per 24-hour day (identical days counted once with their multiplicity)."""

    shares: tuple[float, ...]
    counts: tuple[int, ...]
    drops: tuple[tuple[int, int, int], ...]
    days: tuple[tuple[int, tuple[int, ...], tuple[tuple[int, int, int], ...]], ...]


def _drops(prev: np.ndarray, cur: np.ndarray) -> tuple[tuple[int, int, int], ...]:
    keep = prev != cur
    pairs, n = np.unique(np.stack([prev[keep], cur[keep]]), axis=1, return_counts=True) if keep.any() else \
        (np.zeros((2, 0), dtype=int), np.zeros(0, dtype=int))
    return tuple((int(i), int(j), int(k)) for i, j, k in zip(pairs[0], pairs[1], n))


@lru_cache(maxsize=256)
def _shape(week: tuple[float, ...]) -> CurveShape:
    month = np.array(_month(week))
    shares, idx = np.unique(month, return_inverse=True)
    week_idx = np.searchsorted(shares, np.array(week))
    hours = np.arange(len(month))
    prev = week_idx[(hours - 1) % HOURS_PER_WEEK]          # the hour before each (Monday 00:00 follows Sunday 23:00)
    day_groups: dict[tuple, int] = {}
    for start in range(0, len(month), A.CREDIT_DAY_HOURS):
        sl = slice(start, start + A.CREDIT_DAY_HOURS)
        key = (tuple(int(c) for c in np.bincount(idx[sl], minlength=len(shares))), _drops(prev[sl], idx[sl]))
        day_groups[key] = day_groups.get(key, 0) + 1
    return CurveShape(shares=tuple(float(v) for v in shares),
                      counts=tuple(int(c) for c in np.bincount(idx, minlength=len(shares))),
                      drops=_drops(prev, idx), days=tuple((m, c, d) for (c, d), m in day_groups.items()))


def curve_shape(s: Scenario) -> CurveShape:
    """The scenario's hourly curve grouped by distinct share (node-hours and t3 credits are worked out per
    distinct share, not per hour: sizing/nodes.py)."""
    return _shape(weekly_curve(s))
