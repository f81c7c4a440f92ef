"""Interface VPC endpoints and ALB access logs, derived by hand (docs/sizing-model.md § VPC endpoints, § ALB access
logs): Secrets Manager everywhere; HIPAA adds the PrivateLink set and the NAT bytes move onto the endpoints."""
from __future__ import annotations

from decimal import Decimal

import pytest

from pricing.catalog import load_snapshot
from pricing.engine import estimate
from sizing.scenario import parse_scenario

GIB = 1024 ** 3
BASE = {"concurrent_users": 2000, "llm_model": "anthropic.claude-haiku-4-5"}    # prod, us-east-1, 3 AZs


@pytest.fixture(scope="module")
def catalog():
    return load_snapshot()


def _lines(est, key: str) -> list:
    return [ln for ln in est.lines if ln.price_key == key]


def test_hipaa_endpoints_hours_and_gb_by_hand(catalog) -> None:
    est = estimate(parse_scenario({**BASE, "compliance": "hipaa"}), catalog)
    p = est.plan
    assert p.network.interface_endpoints == ("secretsmanager", "bedrock-runtime", "logs", "ecr.api", "ecr.dkr",
                                             "sts", "kms")
    (hours,) = _lines(est, "vpc:interface-endpoint-hour")
    # 7 endpoints x 3 AZs x 730 h = 15,330 endpoint-AZ-hours; x $0.01 = $153.30
    assert hours.quantity == 7 * 3 * 730 == 15330
    assert hours.unit_usd == Decimal("0.01") and hours.monthly_usd == Decimal("153.30")
    gb = {ln.item.removeprefix("Interface endpoint data processed (").removesuffix(")"): ln.quantity
          for ln in _lines(est, "vpc:interface-endpoint-gb")}
    assert list(gb) == list(p.network.interface_endpoints)     # one GB line per endpoint, in deployment order
    w = p.workload
    # bedrock-runtime: every input and output token crosses the wire at 6 bytes
    bedrock = (w.input_tokens_per_month + w.output_tokens_per_month) * 6 / GIB
    # logs: 1 KiB per API request + 2 KiB per message + 2 GB per average node
    logs = (w.api_requests_per_month * 1024 + w.messages_per_month * 2048) / GIB + p.nodes.average * 2.0
    images = p.nodes.desired * 5.0                      # 5 GB of image pulls per node per month
    for name, expect in (("bedrock-runtime", bedrock), ("logs", logs), ("ecr.dkr", images)):
        assert float(gb[name]) == pytest.approx(expect, rel=1e-5), name
    # API-call endpoints: 4,096 bytes per call (quantities kept to 6 decimals)
    pods = p.backend.replicas + p.frontend.replicas
    assert float(gb["secretsmanager"]) == pytest.approx(pods * 730 * 4096 / GIB, abs=1e-6)   # one fetch/pod-hour
    assert float(gb["sts"]) == pytest.approx(p.backend.replicas * 730 * 4096 / GIB, abs=1e-6)  # hourly IRSA refresh
    assert float(gb["ecr.api"]) == pytest.approx(p.nodes.desired * 730 / 12 * 4096 / GIB, abs=1e-6)  # 12-h token
    kms_calls = p.security.kms_requests_month + p.security.compliance_kms_requests_month
    assert float(gb["kms"]) == pytest.approx(kms_calls * 4096 / GIB, abs=1e-6)
    total_gb = sum(gb.values())
    gb_usd = sum(ln.monthly_usd for ln in _lines(est, "vpc:interface-endpoint-gb"))
    assert float(gb_usd) == pytest.approx(float(total_gb) * 0.01, abs=0.01 * len(gb))   # $0.01/GB, rounded per line


def test_nat_bytes_move_to_the_endpoints(catalog) -> None:
    plain = estimate(parse_scenario(dict(BASE)), catalog)
    hipaa = estimate(parse_scenario({**BASE, "compliance": "hipaa"}), catalog)
    assert plain.plan.network.interface_endpoints == ("secretsmanager",)
    assert plain.plan.network.endpoint_gb_month == {}
    moved = hipaa.plan.network.endpoint_gb_month
    assert set(moved) == {"bedrock-runtime", "logs", "ecr.dkr"}
    # without HIPAA the model calls, logs and image pulls all cross the NAT; with it, none of them do
    assert plain.plan.network.nat_gb_month == pytest.approx(sum(moved.values()), rel=1e-9)
    assert hipaa.plan.network.nat_gb_month == 0
    (nat_gb,) = _lines(hipaa, "vpc:nat-gateway-gb")
    assert nat_gb.quantity == 0 and f"{sum(moved.values()):,.1f} GB moved to the interface endpoints" in nat_gb.note
    # prod NAT per AZ: no cross-AZ NAT traffic either way
    assert hipaa.plan.network.inter_az_gb_month == plain.plan.network.inter_az_gb_month == 0


def test_external_model_keeps_its_calls_on_the_nat(catalog) -> None:
    est = estimate(parse_scenario({"concurrent_users": 2000, "compliance": "hipaa", "llm_model": "external",
                                   "external_input_usd_per_1m_tokens": 3, "external_output_usd_per_1m_tokens": 15}),
                   catalog)
    net, w = est.plan.network, est.plan.workload
    assert "bedrock-runtime" not in net.interface_endpoints and len(net.interface_endpoints) == 6
    # the external model's tokens (6 bytes each) are the only NAT bytes left
    assert net.nat_gb_month == pytest.approx((w.input_tokens_per_month + w.output_tokens_per_month) * 6 / GIB)


@pytest.mark.parametrize(("scenario", "logs_on"), [({"environment": "dev"}, False),
                                                   ({"environment": "staging"}, False),
                                                   ({"environment": "staging", "compliance": "soc2"}, True),
                                                   ({}, True)])
def test_alb_access_logs_priced_only_when_on(catalog, scenario: dict, logs_on: bool) -> None:
    est = estimate(parse_scenario({"concurrent_users": 500, **scenario}), catalog)
    net, w = est.plan.network, est.plan.workload
    assert net.alb_access_logs is logs_on
    (puts,) = _lines(est, "s3:put-requests-1k")
    (storage,) = _lines(est, "s3:standard-gb-month")
    if not logs_on:        # only the 1 GB of SPA builds; no log objects
        assert storage.quantity == 1 and puts.quantity == 0
        return
    zones = net.availability_zones
    # one log object per AZ every 5 minutes: zones x 12 x 730
    assert puts.quantity == Decimal(zones * 12 * 730) / 1000
    days = {"prod": 90, "staging": 30}[est.scenario.environment.value]
    log_gb = w.requests_per_month * 400 / GIB            # 400 bytes per request, kept `days` of 30.4167
    assert float(storage.quantity) == pytest.approx(1 + log_gb * days / (365 / 12), rel=1e-4)
