"""Workload: the scenario turned into rates at peak and volumes per month (Little's law, docs/sizing-facts.md § LLM streaming concurrency)."""
from __future__ import annotations

from dataclasses import dataclass

from sizing import assumptions as A
from sizing.conversation import Conversation, conversation, model_mix
from sizing.llm import model_speed
from sizing.load_profile import average_load
from sizing.scenario import Scenario


@dataclass(frozen=True, slots=True, kw_only=True)
class Workload:
    """Rates at peak (per second) and volumes over an average month."""

    messages_per_s_peak: float
    api_requests_per_s_peak: float
    requests_per_s_peak: float
    stream_duration_s: float
    in_flight_streams_peak: float
    output_tokens_per_s_peak: float
    load_factor: float                  # average load / peak: mean of sizing.load_profile.hourly_curve
    messages_per_month: float
    api_requests_per_month: float
    requests_per_month: float
    input_tokens_per_month: float
    output_tokens_per_month: float
    page_loads_per_month: float
    page_loads_per_s_peak: float


def derive_workload(s: Scenario, conv: Conversation | None = None) -> Workload:
    """Rates and monthly volumes; every formula is in docs/sizing-model.md section 1."""
    msg_s = s.concurrent_users * s.messages_per_user_per_hour / A.SECONDS_PER_HOUR   # lambda, docs/sizing-facts.md § LLM streaming concurrency
    api_s = s.concurrent_users * s.api_requests_per_user_per_minute / 60
    # W = TTFT + output tokens / tokens per s + app overhead; docs/sizing-facts.md § LLM streaming concurrency
    # a routing mix streams at each model's speed for its share of the messages
    stream_s = sum(share * (model_speed(m).time_to_first_token_s + s.output_tokens_per_message
                            / model_speed(m).output_tokens_per_s) for m, share in model_mix(s)) \
        + A.APP_OVERHEAD_PER_STREAM_S
    load = average_load(s)   # mean of the month's hourly curve; volume = peak rate x sum of the curve (sizing/load_profile.py)
    seconds = float(A.HOURS_PER_MONTH) * A.SECONDS_PER_HOUR
    messages = msg_s * load * seconds
    api = api_s * load * seconds
    page_loads_s = s.concurrent_users / (A.SESSION_HOURS * A.SECONDS_PER_HOUR)
    return Workload(
        messages_per_s_peak=msg_s,
        api_requests_per_s_peak=api_s,
        requests_per_s_peak=msg_s + api_s,
        stream_duration_s=stream_s,
        in_flight_streams_peak=msg_s * stream_s,            # L = lambda x W; docs/sizing-facts.md § LLM streaming concurrency [S49]
        output_tokens_per_s_peak=msg_s * s.output_tokens_per_message,
        load_factor=load,
        messages_per_month=messages,
        api_requests_per_month=api,
        requests_per_month=messages + api,
        input_tokens_per_month=messages * (conv or conversation(s)).input_tokens_per_message,
        output_tokens_per_month=messages * s.output_tokens_per_message,
        page_loads_per_month=page_loads_s * load * seconds,
        page_loads_per_s_peak=page_loads_s,
    )
