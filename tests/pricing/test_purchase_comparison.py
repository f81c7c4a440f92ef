"""Purchase options over the whole bill (pricing/commitments.py): figures derived by hand for one prod scenario,
and properties over many scenarios. docs/pricing.md § Purchase options."""
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.commitments import break_even_month
from pricing.engine import estimate
from pricing.schema import estimate_to_dict
from sizing.scenario import parse_scenario

D = Decimal
# prod, 20,000 users, m5.large nodes and 1-vCPU backend pods: the node count follows the load curve (3 at the
# quietest hour, 9 at peak), 30 % spot; DynamoDB is provisioned.
PROD = {"environment": "prod", "concurrent_users": 20000, "node_instance_type": "m5.large",
        "backend_cpu_request_m": 1000}
M5_LARGE = D("0.096")                 # us-east-1 on-demand hour, embedded snapshot


def _rows(est):
    return {r.option: r for r in est.purchase_comparison.rows}


def test_prod_scenario_by_hand():
    od = estimate(parse_scenario(PROD))
    n, c = od.plan.nodes, od.purchase_comparison
    assert (n.min, n.node_hours_on_demand, n.node_hours_spot) == (3, 2872.5, 455.0)   # inputs read from the plan
    assert c.on_demand_monthly_usd == od.monthly_usd
    # base: the quietest hour runs 3 nodes, floor(3 x 30 %) = 0 of them spot -> 3 always-on on-demand nodes
    assert c.base_nodes == 3
    od_nodes = D("2872.5") * M5_LARGE                          # 275.76 on the on-demand node line
    above = (D("2872.5") - 3 * 730) * M5_LARGE                 # 682.5 h x 0.096 = 65.52 billed on demand in every plan
    rows = _rows(od)

    # Compute SP 1y no upfront (28 % off): commits 3 x 0.096 x 0.72 = $0.20736/hour
    sp1 = rows["compute_sp_1y_no_upfront"]
    assert sp1.hourly_commitment_usd == D("0.20736") and sp1.commitment_hours == 12 * 730
    month = D("151.37")                                        # 0.20736 x 730 = 151.3728
    assert sp1.upfront_usd == 0
    assert sp1.monthly_usd == od.monthly_usd - od_nodes + month + above
    assert sp1.monthly_saving_usd == D("58.87")                # 275.76 - 151.37 - 65.52
    assert sp1.break_even_month == 1
    assert sp1.saving_12_months_usd == sp1.cash_saving_12_months_usd == D("706.44")   # 12 x 58.87

    # Compute SP 3y all upfront (52 % off): $0.13824/hour; 0.13824 x 730 = 100.9152 -> 100.92/month x 36 upfront
    sp3 = rows["compute_sp_3y_all_upfront"]
    assert sp3.hourly_commitment_usd == D("0.13824") and sp3.commitment_hours == 36 * 730
    assert sp3.upfront_usd == D("100.92") * 36 == D("3633.12")
    assert sp3.monthly_usd == od.monthly_usd - od_nodes + above
    assert sp3.monthly_saving_usd == D("210.24")               # 275.76 - 65.52
    assert sp3.break_even_month == 18                          # 3633.12 / 210.24 = 17.28 -> month 18
    assert sp3.saving_12_months_usd == D("1311.84")            # 12 x 210.24 - 3633.12 x 12/36 = 2522.88 - 1211.04
    assert sp3.cash_saving_12_months_usd == D("-1110.24")      # 2522.88 - 3633.12

    # DynamoDB reserved 1y: blocks of 100 under the base, chats table + GSI at 233 WCU / 179 RCU each, users table
    # and GSI 1 each: (466 + 2) // 100 = 4 -> 400 WCU; (358 + 2) // 100 = 3 -> 300 RCU
    ddb = rows["dynamodb_reserved_1y"]
    assert ddb.upfront_usd == 4 * 150 + 3 * 30 == 690
    assert ddb.hourly_commitment_usd == 4 * D("0.0128") + 3 * D("0.0025")        # 0.0587
    # 4 x 730 x 0.0128 + 3 x 730 x 0.0025 = 42.851; above: (569,000 - 292,000) x 0.00065 = 180.05,
    # (437,730 - 219,000) x 0.00013 = 28.4349; 251.3359 -> 251.34 instead of 369.85 + 56.90 = 426.75
    assert ddb.touched_usd == D("426.75")
    assert ddb.monthly_usd == od.monthly_usd - D("426.75") + D("251.34")
    assert ddb.monthly_saving_usd == D("175.41")
    assert ddb.break_even_month == 4                           # 690 / 175.41 = 3.93
    assert ddb.saving_12_months_usd == D("1414.92")            # 12 x 175.41 - 690
    assert ddb.lines == ("Provisioned write capacity", "Provisioned read capacity")

    # spot: 455 node-hours at 0.096 = 43.68 on demand; on spot 17.47 (60 % off) + the 10 % interruption headroom,
    # 45.5 h x 0.096 x 0.4 = 1.7472 -> 1.75; already in the on-demand bill; on demand no headroom is needed
    spot = rows["spot"]
    assert spot.monthly_usd == od.monthly_usd
    assert spot.baseline_monthly_usd == od.monthly_usd - D("17.47") - D("1.75") + D("43.68")
    assert spot.monthly_saving_usd == D("24.46")

    assert c.recommended == "compute_sp_1y_no_upfront"
    assert "$706.44 over 12 months" in c.reason and "5 %/month" in c.reason


def test_chosen_purchase_option_prices_the_bill_as_its_row():
    rows = _rows(estimate(parse_scenario(PROD)))
    for option, row, plan in (("savings_plan_1y_no_upfront", "compute_sp_1y_no_upfront", "Compute"),
                              ("savings_plan_3y_all_upfront", "compute_sp_3y_all_upfront", "Compute"),
                              ("ec2_instance_savings_plan_1y_partial_upfront", "ec2_instance_sp_1y_partial_upfront",
                               "EC2 Instance")):
        est = estimate(parse_scenario({**PROD, "purchase_option": option}))
        assert est.monthly_usd == rows[row].monthly_usd == sum(ln.monthly_usd for ln in est.lines)
        assert est.upfront_usd == rows[row].upfront_usd
        base = [ln for ln in est.lines if ln.item == f"m5.large nodes, {plan} Savings Plan base"]
        above = [ln for ln in est.lines if ln.item == "m5.large nodes, on-demand above the commitment"]
        assert base[0].quantity == 3 * 730 and above[0].quantity == D("682.5")
        assert above[0].monthly_usd == D("65.52")
    assert estimate(parse_scenario({**PROD, "purchase_option": "savings_plan_3y_all_upfront"})).purchase_comparison \
        .on_demand_monthly_usd == estimate(parse_scenario(PROD)).monthly_usd


def test_ec2_instance_partial_upfront_by_hand():
    # EC2 Instance SP 1y partial upfront, 39 % off: 3 x 0.096 x 0.61 = $0.17568/hour, x 730 = 128.2464 a month;
    # half upfront: 64.1232 -> 64.12 x 12 = 769.44; half monthly 64.12 + 65.52 above the base = 129.64 for nodes
    r = _rows(estimate(parse_scenario(PROD)))["ec2_instance_sp_1y_partial_upfront"]
    assert r.hourly_commitment_usd == D("0.17568")
    assert r.upfront_usd == D("769.44")
    assert r.monthly_saving_usd == D("146.12")                 # 275.76 - 129.64
    assert r.break_even_month == 6                             # 769.44 / 146.12 = 5.27
    assert r.saving_12_months_usd == D("984.00")               # 12 x 146.12 - 769.44 x 12/12


def test_karpenter_system_nodes_are_in_the_commitment():
    # Karpenter's system group, 2 x t3.medium all month (1,460 h x 0.0416 = 60.736 -> 60.74), runs in every hour, so
    # the plan covers it in full: + 2 x 0.0416 x 0.72 = 0.059904/hour; 1,460 x 0.029952 = 43.72992 -> 43.73
    s = {**PROD, "node_provisioner": "karpenter"}
    r = _rows(estimate(parse_scenario(s)))["compute_sp_1y_no_upfront"]
    assert r.hourly_commitment_usd == D("0.20736") + D("0.059904")
    assert r.lines == ("m5.large nodes, on-demand", "t3.medium Karpenter system node group, on-demand")
    assert r.touched_usd == D("275.76") + D("60.74")
    assert r.monthly_saving_usd == D("58.87") + D("60.74") - D("43.73")        # 75.88
    est = estimate(parse_scenario({**s, "purchase_option": "savings_plan_1y_no_upfront"}))
    assert est.monthly_usd == r.monthly_usd
    system = [ln for ln in est.lines if "Karpenter system" in ln.item]
    assert system[0].monthly_usd == D("43.73")


def test_break_even_month():
    assert break_even_month(D("10"), D("0"), 12) == 1
    assert break_even_month(D("10"), D("30"), 12) == 4          # 3 x 10 = 30 does not exceed 30; month 4 does
    assert break_even_month(D("10"), D("200"), 12) is None      # not within the term
    assert break_even_month(D("0"), D("0"), 12) is None


def test_json_exposes_the_comparison():
    doc = estimate_to_dict(estimate(parse_scenario(PROD)))["purchase_comparison"]
    assert doc["recommended"] == "compute_sp_1y_no_upfront"
    assert len(doc["rates"]) == 12 and all("UNSOURCED" in r["source"] for r in doc["rates"])
    row = next(o for o in doc["options"] if o["option"] == "compute_sp_3y_all_upfront")
    assert (row["upfront_usd"], row["break_even_month"], row["saving_12_months_usd"]) == ("3633.12", 18, "1311.84")


scenarios = st.fixed_dictionaries({
    "concurrent_users": st.integers(1, 100_000),
    "environment": st.sampled_from(["dev", "staging", "prod"]),
    "spot_share_pct": st.sampled_from([0, 30, 50, 100]),
    "backend_cpu_request_m": st.sampled_from([250, 1000]),
    "purchase_option": st.sampled_from(["on_demand", "savings_plan_1y_no_upfront", "savings_plan_3y_all_upfront"]),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios)
def test_properties(data):
    est = estimate(parse_scenario(data))
    c = est.purchase_comparison
    for r in c.rows:
        if r.upfront_usd == 0 and r.monthly_saving_usd > 0:
            assert r.break_even_month == 1, r                   # no upfront: the first month already saves
        assert r.monthly_saving_usd <= r.touched_usd, r         # a month never saves more than the lines it touches
        assert r.saving_12_months_usd <= 12 * r.touched_usd, r
        if r.kind == "savings_plan":
            assert r.monthly_saving_usd >= 0 and r.hourly_commitment_usd >= 0
    assert c.recommended in {r.option for r in c.rows}
