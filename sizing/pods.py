"""Pods: backend replicas from CPU (HPA target) and streaming concurrency; frontend from page loads."""
from __future__ import annotations

from dataclasses import dataclass

from sizing import assumptions as A
from sizing.profiles import ENVIRONMENT_PROFILES
from sizing.rounding import ceil_whole
from sizing.scenario import Environment, Scenario
from sizing.workload import Workload


@dataclass(frozen=True, slots=True, kw_only=True)
class PodPlan:
    """One Deployment: replicas at peak, HPA range, requests/limits and what bound the replica count."""

    replicas: int          # pods needed at the scenario's peak
    hpa_min: int
    hpa_max: int
    cpu_request_m: int
    memory_request_mi: int
    cpu_limit_m: int
    memory_limit_mi: int
    pods_by_cpu: int
    pods_by_concurrency: int
    pods_minimum: int


def _hpa_max(minimum: int, replicas: int) -> int:
    return max(minimum, ceil_whole(replicas * A.HPA_MAX_HEADROOM))


def size_pods(s: Scenario, w: Workload, zones: int) -> tuple[PodPlan, PodPlan]:
    """Backend pods from CPU (HPA 70% target) and from streaming concurrency; frontend from page loads."""
    prof = ENVIRONMENT_PROFILES[s.environment]
    cpu_m = w.api_requests_per_s_peak * A.CPU_MS_PER_API_REQUEST + w.messages_per_s_peak * A.CPU_MS_PER_MESSAGE
    by_cpu = ceil_whole(cpu_m / (s.backend_cpu_request_m * A.HPA_CPU_TARGET_PCT / 100))
    by_streams = ceil_whole(w.in_flight_streams_peak / s.streams_per_backend_pod)
    minimum = prof.min_backend_replicas
    if s.environment is Environment.prod:
        minimum = max(minimum, zones)          # one pod per AZ at least; docs/sizing-facts.md § High availability rules [S85]
    replicas = max(minimum, by_cpu, by_streams)
    backend = PodPlan(
        replicas=replicas, hpa_min=minimum, hpa_max=_hpa_max(minimum, replicas),
        cpu_request_m=s.backend_cpu_request_m, memory_request_mi=s.backend_memory_request_mi,
        cpu_limit_m=s.backend_cpu_request_m * A.BACKEND_CPU_LIMIT_FACTOR,
        memory_limit_mi=s.backend_memory_request_mi * A.BACKEND_CPU_LIMIT_FACTOR,
        pods_by_cpu=by_cpu, pods_by_concurrency=by_streams, pods_minimum=minimum)
    f_min = prof.min_frontend_replicas
    f_by_rps = ceil_whole(w.page_loads_per_s_peak / A.FRONTEND_RPS_PER_POD)
    f_rep = max(f_min, f_by_rps)
    frontend = PodPlan(
        replicas=f_rep, hpa_min=f_min, hpa_max=_hpa_max(f_min, f_rep),
        cpu_request_m=A.FRONTEND_CPU_REQUEST_M, memory_request_mi=A.FRONTEND_MEMORY_REQUEST_MI,
        cpu_limit_m=A.FRONTEND_CPU_REQUEST_M * 2, memory_limit_mi=A.FRONTEND_MEMORY_REQUEST_MI * 2,
        pods_by_cpu=f_by_rps, pods_by_concurrency=0, pods_minimum=f_min)
    return backend, frontend
