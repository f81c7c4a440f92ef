"""The bill review matches the usage types the calculator export sends (pricing/usage_types.py): one spelling."""
from __future__ import annotations

import pytest

from pricing.keys import REGIONS
from pricing.services import KEYS
from pricing.usage_types import NoUsageType, usage_type
from review.mapping import bill_line_of


def _spelled_keys() -> list[str]:
    out = []
    for k in KEYS:
        try:
            usage_type(k, "us-east-1")
        except NoUsageType:
            continue
        out.append(k)
    return out


@pytest.mark.parametrize("region", REGIONS)
def test_every_spelled_key_is_matched_to_its_own_bill_line(region: str) -> None:
    keys = _spelled_keys()
    assert len(keys) > 60          # 39 instance types and the other services' keys
    wrong = {k: (usage_type(k, region), bill_line_of(k, region)) for k in keys
             if bill_line_of(k, region) != KEYS[k].bill_line}
    assert wrong == {}
