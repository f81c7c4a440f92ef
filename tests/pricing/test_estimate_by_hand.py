"""One scenario per tier, with the expected lines derived here by hand from the formulas in
docs/sizing-model.md and the us-east-1 list prices (tools/reference/aws-list-prices.yaml),
not copied from the program's output."""
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest

from pricing.engine import estimate
from sizing.scenario import parse_scenario


def cents(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def line(est, key, item_part=""):
    found = [ln for ln in est.lines if ln.price_key == key and item_part in ln.item]
    assert len(found) == 1, (key, item_part, [ln.item for ln in est.lines if ln.price_key == key])
    return found[0]


# us-east-1 list prices (reference file): used to derive the expected lines below
EKS_H, NAT_H, IPV4_H, ALB_H, LCU_H = 0.10, 0.045, 0.005, 0.0225, 0.008
T3_MEDIUM, T3_LARGE, C5_XLARGE, C5_2XLARGE, T_SURPLUS = 0.0416, 0.0832, 0.17, 0.34, 0.05


def nodes_needed(backend, frontend, usable_cpu, per_node):
    """cpu demand (backend 250m, frontend 100m, add-ons 320m) over usable cpu; and fragmentation."""
    cpu = backend * 250 + frontend * 100 + 320
    return max(math.ceil(cpu / usable_cpu), math.ceil(backend / per_node))


def test_small_tier_prod_us_east_1():
    est = estimate(parse_scenario({"concurrent_users": 250}))
    p = est.plan
    assert p.tier == "Small"
    # lambda = 250 x 10 / 3600 = 0.694 msg/s; api = 250 x 2 / 60 = 8.33 req/s
    # CPU = 8.33 x 5 ms + 0.694 x 50 ms = 76.4 m -> ceil(76.4 / (250 x 0.7)) = 1 pod; streams: 0.694 x 7.87 s = 5.5 -> 1
    # prod minimum 3 (one per AZ) -> 3 replicas, HPA max ceil(3 x 1.5) = 5
    assert (p.backend.replicas, p.backend.hpa_min, p.backend.hpa_max) == (3, 3, 5)
    assert (p.frontend.replicas, p.frontend.hpa_min, p.frontend.hpa_max) == (2, 2, 3)
    # t3.medium: allocatable 2000 - 70 = 1930 m, minus DaemonSets 385 m = 1545 m -> 6 backend pods per node
    assert p.nodes.backend_pods_per_node == 6
    assert p.nodes.desired == max(3, nodes_needed(3, 2, 1545, 6)) == 3
    assert (p.nodes.on_demand, p.nodes.spot) == (3, 0)            # floor(3 x 30%) = 0 spot
    assert line(est, "eks:cluster-hour").monthly_usd == cents(EKS_H * 730) == Decimal("73.00")
    assert line(est, "ec2:t3.medium").monthly_usd == cents(3 * 730 * T3_MEDIUM) == Decimal("91.10")
    # t3 credits from modelled use (docs/sizing-model.md § Nodes): CPU used in an hour = share x 76.389 m (the
    # load's CPU above) + 320 m add-ons + 3 x 385 m DaemonSets = share x 76.389 + 1,475 m; the baseline of 3
    # t3.medium is 3 x 2 vCPU x 20 % = 1,200 m. Every hour is above it, so each day's surplus is the whole
    # excess: over the month (352.2 load-hours, 730 hours) 76.389 x 352.2 + 275 x 730 m-hours.
    cpu_m = 250 * 2 / 60 * 5 + 250 * 10 / 3600 * 50
    surplus_hours = (cpu_m * 352.2 + (320 + 3 * 385 - 1200) * 730) / 1000
    assert surplus_hours == pytest.approx(227.654, abs=1e-3)
    assert line(est, "ec2:t-unlimited-vcpu-hour").monthly_usd == cents(round(surplus_hours, 6) * T_SURPLUS)
    assert p.nodes.node_hours == 3 * 730 and p.nodes.binding_limit == "availability_zones"
    assert line(est, "vpc:nat-gateway-hour").monthly_usd == cents(3 * 730 * NAT_H) == Decimal("98.55")
    # 3 NAT EIPs and 3 ALB addresses (one per AZ), one line each: 3 x 730 x 0.005 = 10.95 each
    assert line(est, "vpc:public-ipv4-hour", "NAT").monthly_usd == cents(3 * 730 * IPV4_H) == Decimal("10.95")
    assert line(est, "vpc:public-ipv4-hour", "ALB").monthly_usd == cents(3 * 730 * IPV4_H) == Decimal("10.95")
    assert line(est, "elb:alb-hour").monthly_usd == Decimal("16.43")   # 730 x 0.0225 = 16.425, half up
    assert line(est, "ebs:gp3-gb-month").monthly_usd == cents(3 * 50 * 0.08) == Decimal("12.00")
    assert line(est, "waf:web-acl-month").monthly_usd == Decimal("5.00")    # prod default: WAF on
    assert est.monthly_usd == sum(ln.monthly_usd for ln in est.lines)
    # The plan's Small tier is $200-300; the facts put the 3-AZ floor above it: the output must say so.
    assert any("outside the plan's Small range" in w for w in est.warnings)


def test_medium_tier_llm_and_alb():
    est = estimate(parse_scenario({"concurrent_users": 1000, "llm_model": "amazon.nova-pro"}))
    p = est.plan
    assert p.tier == "Medium" and p.nodes.instance_type == "t3.large"
    # messages/month = 1000 x 10 per peak hour x 352.2 peak-hours (the default load profile,
    # tests/sizing/test_load_profile.py: 48.25 % of peak over 730 h) = 3,522,000
    messages = 1000 * 10 * 352.2
    assert p.workload.messages_per_month == pytest.approx(messages)
    # Amazon Nova Pro $0.0008 / $0.0032 per 1k tokens in us-east-1 (no cache modelled, no global profile); 400 out
    # per message. (Was Claude 3.5 Sonnet, end of life: docs/sizing-facts.md § Bedrock model availability by Region.)
    # Input: the default 4-turn conversation sends 500 system + k-1 earlier turns of 100 + 400 + 100 new:
    # 600, 1,100, 1,600, 2,100 tokens -> 1,350 per message on average
    per_msg = (600 + 1100 + 1600 + 2100) / 4
    assert per_msg == 1350
    assert line(est, "bedrock:amazon.nova-pro:input-1k").monthly_usd == cents(messages * per_msg / 1000 * 0.0008)
    assert line(est, "bedrock:amazon.nova-pro:output-1k").monthly_usd == cents(messages * 400 / 1000 * 0.0032)
    assert est.llm_usd == cents(messages * per_msg / 1000 * 0.0008) + cents(messages * 400 / 1000 * 0.0032)
    # LCU = max of the four dimensions at average load (docs/sizing-facts.md § ALB capacity units and timeouts)
    msg_s, api_s, load = 1000 * 10 / 3600, 1000 * 2 / 60, 352.2 / 730
    new_conn = (1000 / 60 + msg_s) * load / 25
    active = (1000 + msg_s * (1 + 400 / 60 + 0.2)) * load / 3000
    gb_h = (api_s * 4 * 1024 + msg_s * 400 * 40 + msg_s * 400) * load * 3600 / 1024 ** 3
    assert p.network.alb_lcu == pytest.approx(max(new_conn, active, gb_h, 0.0), rel=1e-12)
    assert line(est, "elb:alb-lcu-hour").monthly_usd == cents(round(p.network.alb_lcu * 730, 6) * LCU_H)


def test_large_tier_pods_from_cpu_and_nodes_c5_xlarge():
    est = estimate(parse_scenario({"concurrent_users": 8000, "messages_per_user_per_hour": 30}))
    p = est.plan
    assert p.tier == "Large" and p.nodes.instance_type == "c5.xlarge"
    # CPU = 8000 x 2 / 60 x 5 + 8000 x 30 / 3600 x 50 = 1333.3 + 3333.3 = 4666.7 m -> / 175 = 26.7 -> 27 pods
    assert p.backend.pods_by_cpu == math.ceil((8000 * 2 / 60 * 5 + 8000 * 30 / 3600 * 50) / 175) == 27
    # streams = 66.7 msg/s x 7.867 s = 524 -> / 100 per pod = 6 pods
    assert p.backend.pods_by_concurrency == math.ceil(8000 * 30 / 3600 * (1 + 400 / 60 + 0.2) / 100) == 6
    assert p.backend.replicas == 27 and p.backend.hpa_max == math.ceil(27 * 1.5) == 41
    # c5.xlarge usable CPU = 4000 - 80 - 385 = 3535 m -> 14 pods per node
    assert p.nodes.backend_pods_per_node == 14
    desired = nodes_needed(27, p.frontend.replicas, 3535, 14)
    assert p.nodes.desired == desired
    spot = math.floor(desired * 0.3)
    assert (p.nodes.on_demand, p.nodes.spot) == (desired - spot, spot)
    assert line(est, "ec2:c5.xlarge", "on-demand").monthly_usd == cents((desired - spot) * 730 * C5_XLARGE)
    # spot at list price less the 60% assumption
    if spot:
        assert line(est, "ec2:c5.xlarge", "spot").monthly_usd == cents(spot * 730 * C5_XLARGE * 0.4)


def test_enterprise_tier_with_hipaa_pci_controls():
    est = estimate(parse_scenario({"concurrent_users": 20000, "compliance": "hipaa,pci"}))
    p = est.plan
    assert p.tier == "Enterprise" and p.nodes.instance_type == "c5.2xlarge"
    assert p.observability.log_retention_days == 2192           # HIPAA 6 years
    # HIPAA adds 4 CMKs at $1/key-month, shown as its own compliance line
    cmk = line(est, "kms:key-month", "dynamodb, s3, ebs, logs")
    assert cmk.monthly_usd == Decimal("4.00") and cmk.control == "cmk" and cmk.category == "compliance"
    # PCI 6.4.2: WAF in front of the API (ALB); prod has it by default, so it costs nothing extra here
    assert line(est, "waf:web-acl-month").monthly_usd == Decimal("5.00")
    assert "waf" in p.compliance.controls and "waf" not in est.compliance_by_control
    dev = estimate(parse_scenario({"concurrent_users": 100, "environment": "dev", "compliance": "pci"}))
    acl = line(dev, "waf:web-acl-month")
    assert acl.category == "compliance" and acl.control == "waf" and dev.compliance_by_control["waf"] >= Decimal("10.00")
    assert est.compliance_by_control["cmk"] >= Decimal("4.00")
    assert est.compliance_usd == sum(ln.monthly_usd for ln in est.lines if ln.category == "compliance")
    assert any("HPA max of 10 contradicts" in c.note for c in p.plan_checks)


def test_dev_environment_single_nat_two_zones():
    est = estimate(parse_scenario({"concurrent_users": 100, "environment": "dev"}))
    p = est.plan
    # EKS and the ALB need subnets in two zones; dev keeps one NAT and one node
    assert p.network.availability_zones == 2 and p.network.nat_gateways == 1 and p.nodes.desired == 1
    assert line(est, "vpc:nat-gateway-hour").monthly_usd == cents(730 * NAT_H) == Decimal("32.85")
    assert line(est, "vpc:public-ipv4-hour", "NAT").monthly_usd == cents(1 * 730 * IPV4_H)   # 1 NAT EIP
    assert line(est, "vpc:public-ipv4-hour", "ALB").monthly_usd == cents(2 * 730 * IPV4_H)   # 2 ALB addresses
    # dev defaults to pitr-only: PITR on the table, no AWS Backup copies
    assert p.dynamodb.backup_policy.value == "pitr-only" and p.dynamodb.pitr_enabled and not p.dynamodb.backups_enabled
    assert all(ln.price_key not in ("waf:web-acl-month", "backup:dynamodb-gb-month") for ln in est.lines)


def test_provisioned_dynamodb_prices_every_table_and_index():
    # a flat load (90% of peak on average) keeps provisioned capacity busy enough to beat on-demand
    est = estimate(parse_scenario({"concurrent_users": 3000, "average_load_pct_of_peak": 90}))
    d = est.plan.dynamodb
    assert est.dynamodb_mode.recommended == "provisioned"
    assert est.dynamodb_mode.provisioned_utilisation_pct > est.dynamodb_mode.break_even_utilisation_pct
    # default chat item (4 turns of 100 + 400 tokens): table WRU 3, 5, 7, 9 (mean 6), GSI 3, 8, 12, 16 (mean 9.75);
    # chats: peak 3000 x 10 / 3600 msg/s x max(6, 9.75) WRU x 90% (flat curve) / 70% target = 104.46 -> 105
    wcu = math.ceil(3000 * 10 / 3600 * 9.75 * 0.9 / 0.7)
    assert wcu == 105 and d.provisioned_wcu == d.provisioned_wcu_base == wcu      # flat: every hour the same
    assert d.provisioned_wcu_hours_month == (2 * wcu + 2) * 730                    # chats + GSI, users + GSI at 1
    assert line(est, "dynamodb:wcu-hour").monthly_usd == cents((2 * wcu + 2) * 730 * 0.00065)


def test_staging_shared_nat_pays_cross_az():
    est = estimate(parse_scenario({"concurrent_users": 300, "environment": "staging"}))
    net = est.plan.network
    assert (net.availability_zones, net.nat_gateways) == (2, 1)
    # half the NAT traffic comes from the AZ without a NAT, billed both ways: nat_gb x 1/2 x 2
    assert net.inter_az_gb_month == pytest.approx(net.nat_gb_month)


def test_external_model_priced_from_scenario():
    est = estimate(parse_scenario({"concurrent_users": 100, "llm_model": "external",
                                   "external_input_usd_per_1m_tokens": 2.5,
                                   "external_output_usd_per_1m_tokens": 10}))
    w = est.plan.workload
    lines = [ln for ln in est.lines if ln.category == "llm"]
    assert [ln.monthly_usd for ln in lines] == [cents(w.input_tokens_per_month / 1e6 * 2.5),
                                                cents(w.output_tokens_per_month / 1e6 * 10)]
    assert any("BAA" in x for x in estimate(parse_scenario({
        "concurrent_users": 100, "llm_model": "external", "external_input_usd_per_1m_tokens": 1,
        "external_output_usd_per_1m_tokens": 1, "compliance": "hipaa"})).warnings)


def test_gdpr_outside_eu_warns_and_inside_does_not():
    us = estimate(parse_scenario({"compliance": "gdpr", "region": "us-east-1"}))
    eu = estimate(parse_scenario({"compliance": "gdpr", "region": "eu-central-1"}))
    assert any("GDPR with region us-east-1" in w for w in us.warnings)
    assert not any("GDPR with region" in w for w in eu.warnings)


def test_cheapest_alternative_includes_graviton_and_saving():
    est = estimate(parse_scenario({"concurrent_users": 5000}))
    assert est.node_cheapest.monthly_usd <= est.node_default.monthly_usd
    assert est.node_default.instance_type == "c5.xlarge"
    assert est.node_cheapest.instance_type != "c5.xlarge"


def test_savings_plan_all_upfront_moves_compute_to_upfront():
    od = estimate(parse_scenario({"concurrent_users": 5000}))
    sp = estimate(parse_scenario({"concurrent_users": 5000, "purchase_option": "savings_plan_1y_all_upfront"}))
    hours = od.plan.nodes.node_hours_on_demand
    assert hours == 730 * od.plan.nodes.on_demand     # 5,000 users: the 3-AZ floor holds all month
    od_ec2 = line(od, "ec2:c5.xlarge", "on-demand").monthly_usd
    assert od_ec2 == cents(hours * C5_XLARGE)
    # all upfront: 12 months of the always-on base (here every node-hour) at 32% off paid upfront; the base line
    # becomes 0 and nothing runs above it (docs/pricing.md § Purchase options)
    prepaid = cents(hours * C5_XLARGE * 0.68)
    assert line(sp, "ec2:c5.xlarge", "Savings Plan base").monthly_usd == 0
    assert not [ln for ln in sp.lines if ln.item.endswith("above the commitment")]
    assert sp.upfront_usd == prepaid * 12
    assert sp.monthly_usd == od.monthly_usd - od_ec2 == sum(ln.monthly_usd for ln in sp.lines)
    assert sp.first_year_usd == sp.upfront_usd + sum(m.monthly_usd for m in sp.first_year_months)


def test_dynamodb_break_even_matches_facts():
    est = estimate(parse_scenario({"concurrent_users": 1000}))
    # 0.00065 / (3600 x 0.625e-6) = 28.9 %  (docs/sizing-facts.md § DynamoDB capacity mode break-even: about 29 %)
    assert est.dynamodb_mode.break_even_utilisation_pct == Decimal("28.9")
    cheaper = "provisioned" if est.dynamodb_mode.provisioned_usd < est.dynamodb_mode.on_demand_usd else "on_demand"
    assert est.dynamodb_mode.recommended == cheaper


def test_pod_too_big_for_the_plan_type_moves_to_the_smallest_type_it_fits():
    # 3000m: t3.medium/t3.large leave 2000 - 70 - 385 = 1545 m; t3.xlarge leaves 4000 - 80 - 385 = 3535 m
    est = estimate(parse_scenario({"concurrent_users": 300, "backend_cpu_request_m": 3000}))
    assert est.plan.nodes.instance_type == "t3.xlarge" and est.plan.nodes.feasible
    assert any("does not fit on the Small plan's t3.medium" in r for r in est.plan.tier_reasons)
    assert line(est, "ec2:t3.xlarge", "on-demand").quantity == est.plan.nodes.on_demand * 730
