"""The sizing primitives reproduce the published tables of docs/sizing-facts.md."""
import pytest

from sizing import assumptions as A
from sizing.capacity import size
from sizing.instances import INSTANCE_SHAPES
from sizing.nodes import USABLE
from sizing.scenario import parse_scenario
from sizing.workload import derive_workload

# docs/sizing-facts.md § Node allocatable and max pods and 1.3 tables: maxPods, kube-reserved CPU (m) and memory (Mi), allocatable CPU and memory
FACTS_1_3 = {
    "t3.medium": (17, 70, 442, 1930, 3554),
    "t3.large": (35, 70, 640, 1930, 7452),
    "m5.large": (29, 70, 574, 1930, 7518),
    "m6i.large": (29, 70, 574, 1930, 7518),
    "c5.xlarge": (58, 80, 893, 3920, 7199),
    "c6i.xlarge": (58, 80, 893, 3920, 7199),
    "m6i.xlarge": (58, 80, 893, 3920, 15391),
    "c5.2xlarge": (58, 90, 893, 7910, 15391),
}


@pytest.mark.parametrize("name,expected", FACTS_1_3.items())
def test_allocatable_matches_facts_table(name, expected):
    s = INSTANCE_SHAPES[name]
    assert (s.max_pods, s.kube_reserved_cpu_m, s.kube_reserved_memory_mi, s.allocatable_cpu_m,
            s.allocatable_memory_mi) == expected


# docs/sizing-facts.md § Backend pod packing: backend pods per node (250m/256Mi) with the observability DaemonSets on
@pytest.mark.parametrize("name,pods", [("t3.medium", 6), ("t3.large", 6), ("m5.large", 6), ("c5.xlarge", 14),
                                       ("c5.2xlarge", 30)])
def test_backend_pods_per_node_matches_facts(name, pods):
    ucpu, umem, slots = USABLE[name]
    assert min(ucpu // 250, umem // 256, slots) == pods


def test_fifty_pods_need_four_c5_xlarge():
    """docs/sizing-facts.md § Backend pod packing: '50 pods need about 4 x c5.xlarge'."""
    ucpu = USABLE["c5.xlarge"][0]
    assert -(-(50 * 250 + A.CLUSTER_ADDON_CPU_M) // ucpu) == 4


@pytest.mark.parametrize("util,monthly", [(50, 52.27), (70, 66.87), (100, 88.77)])
def test_t3_medium_unlimited_surplus_table(util, monthly):
    """docs/sizing-facts.md § Burstable t3 credits: hourly = on-demand + max(0, util - baseline) x vCPUs x $0.05."""
    shape = INSTANCE_SHAPES["t3.medium"]
    hourly = 0.0416 + max(0, util - shape.burst_baseline_pct) / 100 * shape.vcpu * 0.05
    assert round(hourly * 730, 2) == monthly


@pytest.mark.parametrize("users,msgs,streams", [(500, 20, 22), (2000, 20, 89)])
def test_littles_law_worked_examples(users, msgs, streams):
    """docs/sizing-facts.md § LLM streaming concurrency table (W = 1 s + 400 tok / 60 tok/s ~ 8 s): in-flight streams = lambda x W."""
    w = derive_workload(parse_scenario({"concurrent_users": users, "messages_per_user_per_hour": msgs,
                                        "llm_model": "amazon.nova-pro"}))
    # our W adds 0.2 s app overhead: 1 + 6.667 + 0.2 = 7.867 s
    assert w.stream_duration_s == pytest.approx(7.8667, abs=1e-3)
    assert w.in_flight_streams_peak == pytest.approx(users * msgs / 3600 * 7.8667, rel=1e-4)
    # the facts' rounded W = 8 s gives the table's figure; ours is within 2 % of it
    assert w.in_flight_streams_peak == pytest.approx(streams, rel=0.02)


def test_tier_escalates_when_load_exceeds_the_plan():
    plan = size(parse_scenario({"concurrent_users": 400, "messages_per_user_per_hour": 300}))
    assert plan.tier != "Small"
    assert any("escalated" in r for r in plan.tier_reasons)


def test_t3_utilisation_above_baseline_is_reported():
    plan = size(parse_scenario({"concurrent_users": 250}))
    assert plan.nodes.utilisation_pct > plan.nodes.burst_baseline_pct
    assert plan.nodes.surplus_vcpu_hours_month > 0
