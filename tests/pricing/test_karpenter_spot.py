"""Issue 11: node_provisioner karpenter and spot in prod. The prod on-demand floor, the spot interruption headroom,
the Karpenter system node group and the NodePool limits, derived here by hand (docs/sizing-model.md § Nodes,
§ Node provisioner) and from the us-east-1 list prices of tools/reference/aws-list-prices.yaml."""
from decimal import Decimal

import pytest

from pricing.engine import estimate
from pricing.purchase import SPOT_DISCOUNT
from sizing.capacity import size
from sizing.load_profile import curve_shape
from sizing.nodes import pod_load, size_nodes
from sizing.scenario import parse_scenario
from tests.pricing.test_estimate_by_hand import C5_2XLARGE, T3_MEDIUM, cents, line
from tests.sizing.test_node_hours import FRONTEND, HALF, backend

FLAT = {"active_hours_per_day": 24, "active_days_per_week": 7, "active_load_pct_of_peak": 100,
        "quiet_load_pct_of_peak": 100}


def test_on_demand_floor_and_headroom_over_the_curve():
    # t3.medium, 18 backend pods at peak and 9 at half (tests/sizing/test_node_hours.py): the pods need 4 nodes at
    # peak and 2 at half; prod's 3-node zone floor lifts half to 3. Spot share 50 %, on-demand floor 3:
    #   peak: min(floor(4 x 0.5) = 2, 4 - 3 = 1) = 1 spot;  half: min(floor(3 x 0.5) = 1, 3 - 3 = 0) = 0 spot
    # node-hours = 362 x 4 + 368 x 3 + 30 drops x 0.25 h x (4 - 3) = 1,448 + 1,104 + 7.5 = 2,559.5
    # spot       = 362 x 1 + 368 x 0 + 30 x 0.25 x (1 - 0) = 369.5;  on-demand = 2,559.5 - 369.5 = 2,190 = 3 x 730
    # headroom   = 10 % x 369.5 = 36.95
    load = pod_load(backend(18, hpa_max=27), FRONTEND, curve_shape(parse_scenario(HALF)))
    n = size_nodes("t3.medium", load, 3, 50, zones_floor=True, od_floor=3)
    assert (n.desired, n.min, n.spot, n.on_demand, n.on_demand_floor) == (4, 3, 1, 3, 3)
    assert n.node_hours == pytest.approx(2559.5)
    assert n.node_hours_spot == pytest.approx(369.5) and n.node_hours_on_demand == pytest.approx(2190)
    assert n.node_hours_spot_headroom == pytest.approx(36.95)
    # without the floor the share alone: peak floor(4 x 0.5) = 2, half floor(3 x 0.5) = 1
    # spot = 362 x 2 + 368 x 1 + 30 x 0.25 x (2 - 1) = 1,099.5
    free = size_nodes("t3.medium", load, 3, 50, zones_floor=True, od_floor=0)
    assert free.node_hours_spot == pytest.approx(1099.5) and free.on_demand_floor == 0


def _karpenter_prod(spot_pct: float):
    return estimate(parse_scenario({"concurrent_users": 100000, "environment": "prod", "node_provisioner": "karpenter",
                                    "spot_share_pct": spot_pct, **FLAT}))


def test_karpenter_prod_spot_node_hours_and_cost_by_hand():
    est = _karpenter_prod(80)
    n, k = est.plan.nodes, est.plan.provisioner
    # sizing puts 100,000 flat prod users on 6 x c5.2xlarge (held all month: flat curve); HPA maxima need 9 nodes
    assert (n.instance_type, n.desired, n.min, n.max) == ("c5.2xlarge", 6, 6, 9)
    # spot 80 %: floor(6 x 0.8) = 4, but the prod floor keeps 3 AZs x 1 = 3 on-demand -> min(4, 6 - 3) = 3 spot
    assert (n.on_demand, n.spot) == (3, 3)
    od_h, spot_h = 3 * 730, 3 * 730                 # 2,190 h each
    head_h = spot_h * 10 / 100                      # 219 h of interruption headroom
    assert (n.node_hours_on_demand, n.node_hours_spot, n.node_hours_spot_headroom) == (od_h, spot_h, head_h)
    spot_factor = 1 - float(SPOT_DISCOUNT)          # 0.40 of list
    assert line(est, "ec2:c5.2xlarge", "on-demand").monthly_usd == cents(2190 * C5_2XLARGE)          # 744.60
    assert line(est, "ec2:c5.2xlarge", "nodes, spot").monthly_usd == cents(2190 * C5_2XLARGE * spot_factor)  # 297.84
    assert line(est, "ec2:c5.2xlarge", "headroom").monthly_usd == cents(219 * C5_2XLARGE * spot_factor)  # 29.78
    # the controller's system group: 2 replicas in prod -> 2 x t3.medium x 730 h = 1,460 h
    system = line(est, "ec2:t3.medium", "Karpenter system node group")
    assert system.quantity == 1460 and system.monthly_usd == cents(1460 * T3_MEDIUM)                 # 60.74
    assert cents(744.60 + 297.84 + 29.78 + 60.74) == Decimal("1132.96")
    assert sum(ln.monthly_usd for ln in est.lines if ln.service == "EC2") == Decimal("1132.96")
    # EBS: (6 app nodes on average + 2 system nodes) x 50 GiB = 400 GB-month
    assert line(est, "ebs:gp3-gb-month").quantity == 400
    # NodePool limits: 9 nodes x 8 vCPU x 1.2 = 86.4 -> 87 vCPU; 9 x 16 GiB x 1.2 = 172.8 -> 173 GiB.
    # The on-demand pool holds the 3 on-demand nodes (24 vCPU, 48 GiB); the general pool the rest: 63, 125
    assert (k.on_demand_nodes, k.on_demand_limit_cpu, k.on_demand_limit_memory_gib) == (3, 24, 48)
    assert (k.limit_cpu, k.limit_memory_gib) == (63, 125)
    assert k.instance_families == ("c5", "c6i", "c7i") and k.kubernetes_arch == "amd64"
    assert "priced as the plan's c5.2xlarge" in line(est, "ec2:c5.2xlarge", "on-demand").note


def test_managed_nodegroup_has_no_system_group_and_same_app_nodes():
    mng = estimate(parse_scenario({"concurrent_users": 100000, "environment": "prod", "spot_share_pct": 80, **FLAT}))
    karp = _karpenter_prod(80)
    assert mng.plan.provisioner.system_nodes == 0 and not mng.plan.provisioner.karpenter
    assert not [ln for ln in mng.lines if "Karpenter" in ln.item]
    assert mng.plan.nodes == karp.plan.nodes
    # the only EC2 difference is the system group: 1,460 h x $0.0416
    ec2 = {e: sum(ln.monthly_usd for ln in x.lines if ln.service == "EC2") for e, x in (("m", mng), ("k", karp))}
    assert ec2["k"] - ec2["m"] == cents(1460 * T3_MEDIUM)


@pytest.mark.parametrize(("env", "replicas", "spot_pct"), [("dev", 1, 100.0), ("staging", 1, 50.0), ("prod", 2, 30.0)])
def test_environment_defaults(env, replicas, spot_pct):
    # sizing/profiles.py spot_share_pct: dev 100, staging 50, prod 30; the controller: 2 replicas in prod, else 1
    p = size(parse_scenario({"concurrent_users": 1000, "environment": env, "node_provisioner": "karpenter"}))
    assert p.spot_share_pct == spot_pct
    assert (p.provisioner.controller_replicas, p.provisioner.system_nodes) == (replicas, replicas)
    assert p.nodes.on_demand_floor == (p.network.availability_zones if env == "prod" else 0)
    assert p.provisioner.capacity_types == ("spot", "on-demand")
