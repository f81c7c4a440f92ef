"""The capacity plan's types are built with keywords only, and the month has one definition."""
import dataclasses
from decimal import Decimal

import pytest

from sizing import assumptions as A
from sizing import capacity
from sizing.instances import InstanceShape
from sizing.profiles import ComplianceRegime, EnvironmentProfile, TierSpec
from sizing.scenario import parse_scenario
from sizing.workload import Workload

PLAN_TYPES = [getattr(capacity, name) for name in capacity.__all__ if isinstance(getattr(capacity, name), type)]


@pytest.mark.parametrize("cls", PLAN_TYPES + [Workload, EnvironmentProfile, ComplianceRegime, TierSpec, InstanceShape],
                         ids=lambda c: c.__name__)
def test_plan_types_are_frozen_and_keyword_only(cls):
    params = cls.__dataclass_params__
    assert params.frozen
    assert all(f.kw_only for f in dataclasses.fields(cls)), f"{cls.__name__} takes positional fields"
    with pytest.raises(TypeError):
        cls(*range(len(dataclasses.fields(cls))))


def test_hours_per_month_is_a_decimal_730():
    assert A.HOURS_PER_MONTH == Decimal(730) and isinstance(A.HOURS_PER_MONTH, Decimal)
    assert A.DAYS_PER_MONTH == 730 / 24


def test_secret_fetches_are_billed_twice():
    """Each secret fetch is one Secrets Manager call and one KMS Decrypt with the secrets key."""
    sec = capacity.size(parse_scenario({"concurrent_users": 250})).security
    assert sec.kms_requests_month == sec.secret_api_calls_month > 0
    assert sec.cmks == A.BASE_CMKS and sec.compliance_cmks == () and sec.compliance_kms_requests_month == 0
