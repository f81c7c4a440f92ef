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
    cpu_used_m: float = 0.0          # CPU the load uses at peak (ms of CPU per second), before the HPA target
    cpu_pods_exact: float = 0.0      # pods the CPU needs at peak before rounding up (scales with the load share)
    concurrency_pods_exact: float = 0.0
    replicas_needed: int = 0         # pods the peak load needs; above `replicas` only when a replica cap stops it


def _hpa_max(minimum: int, replicas: int) -> int:
    return max(minimum, ceil_whole(replicas * A.HPA_MAX_HEADROOM))


def replicas_at(p: PodPlan, share: float) -> int:
    """Replicas the HPA holds at a load share of peak (0..1): the peak formulas scaled by the share, never below
    the HPA minimum nor above the peak count (which a replica cap may have lowered)."""
    return min(p.replicas, max(p.hpa_min, ceil_whole(p.cpu_pods_exact * share),
                               ceil_whole(p.concurrency_pods_exact * share)))


def size_pods(s: Scenario, w: Workload, zones: int) -> tuple[PodPlan, PodPlan]:
    """Backend pods from CPU (HPA 70% target) and from streaming concurrency; frontend from page loads."""
    prof = ENVIRONMENT_PROFILES[s.environment]
    cpu_m = w.api_requests_per_s_peak * A.CPU_MS_PER_API_REQUEST + w.messages_per_s_peak * A.CPU_MS_PER_MESSAGE
    cpu_exact = cpu_m / (s.backend_cpu_request_m * A.HPA_CPU_TARGET_PCT / 100)
    streams_exact = w.in_flight_streams_peak / s.streams_per_backend_pod
    by_cpu, by_streams = ceil_whole(cpu_exact), ceil_whole(streams_exact)
    minimum = prof.min_backend_replicas
    if s.environment is Environment.prod:
        minimum = max(minimum, zones)          # one pod per AZ at least; docs/sizing-facts.md § High availability rules [S85]
    needed = max(minimum, by_cpu, by_streams)
    # an explicit cap is the HPA's maxReplicas: the replicas stop there even when the load needs more
    hpa_max = _hpa_max(minimum, needed) if s.backend_max_replicas is None else max(minimum, s.backend_max_replicas)
    replicas = min(needed, hpa_max)
    backend = PodPlan(
        replicas=replicas, hpa_min=minimum, hpa_max=hpa_max,
        cpu_request_m=s.backend_cpu_request_m, memory_request_mi=s.backend_memory_request_mi,
        cpu_limit_m=s.backend_cpu_request_m * A.BACKEND_CPU_LIMIT_FACTOR,
        memory_limit_mi=s.backend_memory_request_mi * A.BACKEND_CPU_LIMIT_FACTOR,
        pods_by_cpu=by_cpu, pods_by_concurrency=by_streams, pods_minimum=minimum, cpu_used_m=cpu_m,
        cpu_pods_exact=cpu_exact, concurrency_pods_exact=streams_exact, replicas_needed=needed)
    f_min = prof.min_frontend_replicas
    f_exact = w.page_loads_per_s_peak / A.FRONTEND_RPS_PER_POD
    f_by_rps = ceil_whole(f_exact)
    f_rep = max(f_min, f_by_rps)
    frontend = PodPlan(
        replicas=f_rep, hpa_min=f_min, hpa_max=_hpa_max(f_min, f_rep),
        cpu_request_m=A.FRONTEND_CPU_REQUEST_M, memory_request_mi=A.FRONTEND_MEMORY_REQUEST_MI,
        cpu_limit_m=A.FRONTEND_CPU_REQUEST_M * 2, memory_limit_mi=A.FRONTEND_MEMORY_REQUEST_MI * 2,
        pods_by_cpu=f_by_rps, pods_by_concurrency=0, pods_minimum=f_min, cpu_pods_exact=f_exact,
        replicas_needed=f_rep)
    return backend, frontend


def replica_cap_warnings(backend: PodPlan) -> tuple[str, ...]:
    """The warning that backend_max_replicas leaves part of the peak load unserved."""
    if backend.replicas >= backend.replicas_needed:
        return ()
    short = (backend.replicas_needed - backend.replicas) / backend.replicas_needed * 100
    return (f"backend_max_replicas {backend.hpa_max} holds the backend at {backend.replicas} pods; the peak load "
            f"needs {backend.replicas_needed}: about {short:.0f}% of the peak load is left unserved (queued or "
            f"rejected); raise the cap or leave it empty",)
