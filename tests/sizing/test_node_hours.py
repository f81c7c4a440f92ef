"""Nodes over the month (issue 11): node-hours that follow the load curve, what sets the peak count, the node
group range and t3 surplus credits from modelled CPU use. Expected figures are derived by hand in each test
from docs/sizing-model.md § Nodes."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizing.capacity import size
from sizing.load_profile import curve_shape
from sizing.nodes import pod_load, size_nodes, split_node_groups
from sizing.pods import PodPlan
from sizing.scenario import parse_scenario

FLAT = {"active_hours_per_day": 24, "active_days_per_week": 7, "active_load_pct_of_peak": 100,
        "quiet_load_pct_of_peak": 100}
# 12 hours at peak (08:00-20:00) and 12 at half, every day: the 730-hour month is 30 days and 10 hours, so
# 30 x 12 + 2 (08:00, 09:00 of day 31) = 362 peak hours, 368 half hours, 30 drops (20:00) from peak to half.
HALF = {"active_hours_per_day": 12, "active_days_per_week": 7, "active_load_pct_of_peak": 100,
        "quiet_load_pct_of_peak": 50}


def backend(replicas, *, cpu=250, mem=256, cpu_exact=None, hpa_min=1, hpa_max=None, needed=None, cpu_used=0.0):
    return PodPlan(replicas=replicas, hpa_min=hpa_min, hpa_max=hpa_max or replicas, cpu_request_m=cpu,
                   memory_request_mi=mem, cpu_limit_m=2 * cpu, memory_limit_mi=2 * mem, pods_by_cpu=replicas,
                   pods_by_concurrency=0, pods_minimum=hpa_min, cpu_used_m=cpu_used,
                   cpu_pods_exact=replicas if cpu_exact is None else cpu_exact, replicas_needed=needed or replicas)


FRONTEND = PodPlan(replicas=2, hpa_min=2, hpa_max=2, cpu_request_m=100, memory_request_mi=128, cpu_limit_m=200,
                   memory_limit_mi=256, pods_by_cpu=2, pods_by_concurrency=0, pods_minimum=2, replicas_needed=2)


def nodes(b, profile=FLAT, itype="t3.medium", floor=1, spot=0.0, zones=False):
    shape = curve_shape(parse_scenario(profile))
    return size_nodes(itype, pod_load(b, FRONTEND, shape), floor, spot, zones_floor=zones)


# t3.medium leaves 1,545 m CPU, 3,264 Mi and 12 pod IPs per node for app pods (tests/pricing/test_estimate_by_hand.py).
# Every case: frontend 2 x 100 m / 128 Mi, add-ons 320 m / 420 Mi / 7 pods.

def test_availability_zones_bind():
    # 3 backend pods: CPU 750 + 200 + 320 = 1,270 m -> 1 node; 12 pods -> 1; 3 / 6 per node -> 1; the floor is 3
    n = nodes(backend(3), floor=3, zones=True)
    assert (n.desired, n.binding_limit) == (3, "availability_zones")
    assert n.binding_reason == "3 nodes: one per availability zone; the pods need 1 (CPU requests)"


def test_cpu_binds():
    # 20 pods: CPU 5,000 + 520 = 5,520 / 1,545 = 3.6 -> 4; memory 5,120 + 676 = 5,796 / 3,264 -> 2; pods 29 / 12 -> 3
    n = nodes(backend(20))
    assert (n.desired, n.binding_limit, n.packing_limit) == (4, "cpu", "cpu")


def test_memory_binds():
    # 100 m / 1,024 Mi pods: 1,545 // 100 = 15 by CPU, 3,264 // 1,024 = 3 by memory -> 3 a node;
    # 10 pods: memory 10,240 + 676 = 10,916 / 3,264 = 3.3 -> 4; CPU 1,000 + 520 -> 1; pods 19 / 12 -> 2
    n = nodes(backend(10, cpu=100, mem=1024))
    assert (n.desired, n.binding_limit, n.backend_pods_per_node) == (4, "memory", 3)


def test_max_pods_bind():
    # 50 m / 64 Mi pods: 30 by CPU, 51 by memory, 12 pod IPs -> 12 a node; 30 pods: 30 + 2 + 7 = 39 pods / 12
    # = 3.25 -> 4 nodes; CPU 1,500 + 520 = 2,020 -> 2; memory 1,920 + 676 -> 1; 30 / 12 per node -> 3
    n = nodes(backend(30, cpu=50, mem=64))
    assert (n.desired, n.binding_limit, n.packing_limit) == (4, "max_pods", "max_pods")


def test_hpa_max_binds():
    # the load needs 40 pods, the cap holds 20: 20 pods need 4 nodes (as in test_cpu_binds)
    n = nodes(backend(20, needed=40))
    assert (n.desired, n.binding_limit) == (4, "hpa_max")
    assert "holds the backend at 20 pods" in n.binding_reason and "needs 40" in n.binding_reason


def test_default_prod_1000_users_is_held_by_the_zones_and_the_cap_warns():
    p = size(parse_scenario({"concurrent_users": 1000}))
    assert p.nodes.binding_limit == "availability_zones" and p.nodes.desired == 3
    assert "one per availability zone" in p.nodes.binding_reason
    # dev, 20,000 users: the load needs many pods; a cap of 4 leaves load unserved and sets the node count
    dev = size(parse_scenario({"concurrent_users": 20000, "environment": "dev", "backend_max_replicas": 4}))
    assert dev.backend.replicas == 4 == dev.backend.hpa_max and dev.backend.replicas_needed > 4
    assert dev.nodes.binding_limit == "hpa_max"
    assert any("left unserved" in w for w in dev.warnings)


def test_node_hours_follow_the_curve_with_the_scale_down_delay():
    # 18 pods at peak (cpu_exact 18), 9 at half load:
    #   peak: CPU 4,500 + 520 = 5,020 / 1,545 = 3.25 -> 4 nodes (18 / 6 per node = 3)
    #   half: CPU 2,250 + 520 = 2,770 / 1,545 = 1.8 -> 2 nodes (9 / 6 -> 2)
    # node-hours = 362 x 4 + 368 x 2 + 30 drops x 0.25 h x (4 - 2) = 1,448 + 736 + 15 = 2,199
    n = nodes(backend(18, hpa_max=27), profile=HALF, spot=50)
    assert (n.desired, n.min) == (4, 2)
    assert n.node_hours == pytest.approx(2199) and n.average == pytest.approx(2199 / 730)
    # spot 50 %: floor(4 / 2) = 2 at peak, floor(2 / 2) = 1 at half: 362 x 2 + 368 x 1 + 30 x 0.25 x 1 = 1,099.5
    assert n.node_hours_spot == pytest.approx(1099.5) and n.node_hours_on_demand == pytest.approx(2199 - 1099.5)
    # max: 27 pods (HPA max): CPU 6,750 + 520 = 7,270 / 1,545 = 4.7 -> 5 nodes; and at least desired + 1 = 5
    assert n.max == 5
    groups = split_node_groups(n, 50)
    assert [sum(getattr(g, f) for g in groups) for f in ("min", "desired", "max")] == [n.min, n.desired, n.max]


def test_node_group_max_is_above_desired_even_when_the_hpa_has_no_room():
    n = nodes(backend(20))                  # HPA max = replicas: the maxima need the same 4 nodes
    assert (n.desired, n.max) == (4, 5)     # one more for a rolling update


def test_t3_credits_zero_when_the_day_stays_under_the_baseline():
    # t3.xlarge: 4 vCPU x 40 % baseline = 1,600 m per node-hour; one node all month (1 pod, 770 m requested).
    # Used: share x 1,000 + 320 add-ons + 385 DaemonSets: 1,705 m at peak (above 1,600), 1,205 at half; a day
    # = 12 x 1,705 + 12 x 1,205 = 34,920 m-h < 24 x 1,600 = 38,400: the credits earned cover the peak hours
    n = nodes(backend(1, cpu_used=1000), profile=HALF, itype="t3.xlarge")
    assert n.node_hours == 730 and n.utilisation_pct > n.burst_baseline_pct
    assert n.surplus_vcpu_hours_month == 0


def test_t3_credits_billed_above_the_daily_baseline():
    # the same with 1,500 m of load: 2,205 m at peak, 1,455 at half; a full day = 12 x 2,205 + 12 x 1,455
    # = 43,920 m-h - 38,400 = 5,520 m-h = 5.52 vCPU-h, x 30 days = 165.6; the 10-hour rest of the month has
    # 2 peak + 8 half hours = 4,410 + 11,640 = 16,050 m-h - 10 x 1,600 = 50 m-h -> 165.65 vCPU-hours
    n = nodes(backend(1, cpu_used=1500), profile=HALF, itype="t3.xlarge")
    assert n.surplus_vcpu_hours_month == pytest.approx(165.65)


USERS = st.integers(min_value=10, max_value=60_000)


@settings(max_examples=40, deadline=None)
@given(users=USERS, quiet=st.integers(min_value=1, max_value=90), env=st.sampled_from(["dev", "prod"]))
def test_node_hours_never_exceed_peak_all_month(users, quiet, env):
    n = size(parse_scenario({"concurrent_users": users, "environment": env, "quiet_load_pct_of_peak": quiet})).nodes
    assert n.node_hours <= n.desired * 730 + 1e-9
    assert n.min <= n.desired < n.max


@settings(max_examples=40, deadline=None)
@given(users=USERS, quiet=st.integers(min_value=1, max_value=89), bump=st.integers(min_value=1, max_value=50))
def test_a_flatter_curve_never_lowers_node_hours(users, quiet, bump):
    base = {"concurrent_users": users, "environment": "dev", "node_instance_type": "t3.large"}
    low = size(parse_scenario({**base, "quiet_load_pct_of_peak": quiet})).nodes
    flat = size(parse_scenario({**base, "quiet_load_pct_of_peak": min(90, quiet + bump)})).nodes
    assert flat.desired == low.desired and flat.node_hours >= low.node_hours - 1e-9


@settings(max_examples=40, deadline=None)
@given(users=USERS, more=st.integers(min_value=1, max_value=40_000), env=st.sampled_from(["dev", "prod"]))
def test_more_users_never_fewer_peak_nodes(users, more, env):
    base = {"environment": env, "node_instance_type": "c5.xlarge"}
    a = size(parse_scenario({**base, "concurrent_users": users})).nodes
    b = size(parse_scenario({**base, "concurrent_users": users + more})).nodes
    assert b.desired >= a.desired
