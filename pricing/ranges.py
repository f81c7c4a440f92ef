"""The estimate's range (a seeded Monte Carlo over the inputs' ranges) and its drivers (a tornado).

Range: `SAMPLES` draws of every uncertain input from a PERT distribution on its (low, expected, high)
(sizing/ranges.py: the user's range, else the default one), with the fixed seed `SEED`. A sample's
monthly cost is the expected-case estimate plus two changes, computed for all samples at once with numpy:

- the LLM lines, recomputed exactly from the sample's conversation (turns, kept history, prompt cache
  reads and writes: `token_split_arrays`, the vector twin of sizing/conversation.token_split) and its
  monthly messages (users x messages per user-hour x the load profile's mean, `load_means`);
- the volume-driven lines (`VOLUME_DRIVERS`), scaled by the sample's monthly volume over the expected one:
  messages (chat storage and writes), requests (messages + API calls: logs, traces, WAF, NAT and egress)
  or page loads (CloudFront, S3 GETs).

Every other line is held at its expected value: nodes, pods and the cluster are sized for the expected
peak, hourly and monthly items (NAT and ALB hours, keys, secrets, WAF rules, metrics, Config, Security
Hub) do not move with traffic. docs/sizing-model.md section 12. Drivers are one-at-a-time swings run with
the real engine: each uncertain input at its low and at its high, the others at expected.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from pricing.services.bedrock import GLOBAL_PRICE_FACTOR, token_key
from sizing import assumptions as A
from sizing.conversation import caching_on, inference_profile, model_mix
from sizing.llm import BEDROCK_MODELS, CACHE_MIN_PREFIX_TOKENS, CACHE_TTL_S, EXTERNAL_MODEL
from sizing.load_profile import load_means
from sizing.ranges import UNCERTAIN_FIELDS, effective_ranges, field_bounds
from sizing.scenario import InferenceProfile, Scenario

if TYPE_CHECKING:
    from pricing.catalog import Catalog
    from pricing.engine import Estimate

SAMPLES = 2000          # draws per estimate
SEED = 20261129         # fixed: the same scenario always gives the same range
PERT_WEIGHT = 4.0       # PERT: Beta(1 + 4 (m - a) / (b - a), 1 + 4 (b - m) / (b - a)) on [a, b]

MESSAGES, REQUESTS, PAGE_LOADS = "messages", "requests", "page loads"
#: Lines that scale with a monthly volume, by price key; every other line is held (module docstring).
VOLUME_DRIVERS: dict[str, str] = {
    "dynamodb:write-request-million": MESSAGES, "dynamodb:storage-gb-month": MESSAGES,
    "dynamodb:pitr-gb-month": MESSAGES, "backup:dynamodb-gb-month": MESSAGES,
    "cloudtrail:data-events-100k": MESSAGES, "kms:requests-10k": MESSAGES,
    "dynamodb:read-request-million": REQUESTS, "vpc:nat-gateway-gb": REQUESTS, "vpc:interface-endpoint-gb": REQUESTS,
    "elb:alb-lcu-hour": REQUESTS, "cloudwatch:logs-ingest-gb": REQUESTS, "cloudwatch:logs-storage-gb-month": REQUESTS,
    "xray:traces-million": REQUESTS, "waf:requests-million": REQUESTS, "route53:queries-million": REQUESTS,
    "datatransfer:internet-out-gb": REQUESTS, "secretsmanager:api-requests-10k": REQUESTS,
    "cloudfront:data-out-gb": PAGE_LOADS, "cloudfront:https-requests-10k": PAGE_LOADS,
    "s3:get-requests-1k": PAGE_LOADS,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class CostRange:
    p10_usd: Decimal
    p50_usd: Decimal
    p90_usd: Decimal
    samples: int
    seed: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Driver:
    field: str
    low_value: float
    high_value: float
    low_usd: Decimal
    high_usd: Decimal

    @property
    def swing_usd(self) -> Decimal:
        return abs(self.high_usd - self.low_usd)


def sample_inputs(s: Scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """n PERT draws of every uncertain field (whole numbers for integer fields), then the expected point last."""
    rng = np.random.default_rng(seed)
    out = {}
    for field, (lo, ex, hi) in effective_ranges(s).items():     # fixed field order: one stream per seed
        wide = hi > lo
        a = 1 + PERT_WEIGHT * (ex - lo) / (hi - lo) if wide else 1.0
        b = 1 + PERT_WEIGHT * (hi - ex) / (hi - lo) if wide else 1.0
        u = rng.beta(a, b, n)
        x = lo + u * (hi - lo) if wide else np.full(n, ex)
        if field_bounds(Scenario, field)[2]:
            x = np.rint(x)
        out[field] = np.append(x, ex)
    return out


def token_split_arrays(x: dict[str, np.ndarray], s: Scenario, min_prefix: int | None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-message (regular, cache read, cache write) input tokens of many conversations: the conversation
    model (sizing/conversation.py) and the cache rules of sizing/conversation.token_split, turn by turn with masks."""
    sp, um, ctx, out = (x[f] for f in ("system_prompt_tokens", "user_message_tokens", "context_tokens_per_message",
                                       "output_tokens_per_message"))
    turns, window, flat = x["turns_per_conversation"], s.history_turns_kept, s.input_tokens_per_message
    warm = x["seconds_between_turns"] <= CACHE_TTL_S
    shared = np.minimum(sp, flat) if flat is not None else sp       # the prefix every turn repeats
    zero = np.zeros_like(sp)
    regular, read, write, prev = zero.copy(), zero.copy(), zero.copy(), zero.copy()
    for k in range(1, int(turns.max()) + 1):
        live = k <= turns
        if flat is None:
            prefix = sp + min(k - 1, window) * (um + out)
            fresh = ctx + um
            reused = zero if k == 1 else (sp if k - 1 > window else sp + (k - 2) * (um + out))
        else:
            prefix, fresh, reused = shared, flat - shared, zero if k == 1 else shared
        if min_prefix is None:
            regular += np.where(live, prefix + fresh, 0)
            continue
        cached = prefix >= min_prefix
        hit = np.where((prev > 0) & warm & (reused == prev), prev, np.where(shared >= min_prefix, shared, 0))
        read += np.where(live & cached, hit, 0)
        write += np.where(live & cached, prefix - hit, 0)
        regular += np.where(live, np.where(cached, fresh, prefix + fresh), 0)
        prev = np.where(cached, prefix, 0)
    return regular / turns, read / turns, write / turns


def _llm_prices(s: Scenario, catalog: Catalog, model: str) -> dict[str, float]:
    """USD per token by direction for one model of the scenario (the engine's keys and profile factor)."""
    if model == EXTERNAL_MODEL:
        return {"input": s.external_input_usd_per_1m_tokens / 1e6, "output": s.external_output_usd_per_1m_tokens / 1e6}
    if model not in BEDROCK_MODELS:
        return {}
    profile, _ = inference_profile(s, model)
    factor = GLOBAL_PRICE_FACTOR if profile is InferenceProfile.global_ else Decimal(1)
    dirs = ("input", "output", *(("cache-read", "cache-write") if caching_on(s, model) else ()))
    return {d: float(catalog.price(token_key(model, d), s.region).usd * factor) / 1e3 for d in dirs}


def llm_usd_arrays(x: dict[str, np.ndarray], messages: np.ndarray, s: Scenario, catalog: Catalog) -> np.ndarray:
    """Monthly LLM cost of every sample (USD, float): each model of the routing mix for its share."""
    total = np.zeros_like(messages)
    for model, share in model_mix(s):
        prices = _llm_prices(s, catalog, model)
        if not prices:
            continue
        min_prefix = CACHE_MIN_PREFIX_TOKENS.get(model) if "cache-read" in prices else None
        regular, read, write = token_split_arrays(x, s, min_prefix)
        per_msg = regular * prices["input"] + x["output_tokens_per_message"] * prices["output"]
        if min_prefix is not None:
            per_msg = per_msg + read * prices["cache-read"] + write * prices["cache-write"]
        total = total + share * messages * per_msg
    return total


def volumes(x: dict[str, np.ndarray], s: Scenario) -> dict[str, np.ndarray]:
    """Monthly volumes of the samples (the formulas of sizing/workload.py; users are not uncertain)."""
    load = load_means(x["active_hours_per_day"], x["active_days_per_week"], x["active_load_pct_of_peak"],
                      x["quiet_load_pct_of_peak"], s.hourly_load_pct_of_peak)
    seconds = float(A.HOURS_PER_MONTH) * A.SECONDS_PER_HOUR
    msg = s.concurrent_users * x["messages_per_user_per_hour"] / A.SECONDS_PER_HOUR * load * seconds
    api = s.concurrent_users * x["api_requests_per_user_per_minute"] / 60 * load * seconds
    return {MESSAGES: msg, REQUESTS: msg + api, PAGE_LOADS: load}


def _ratio(v: np.ndarray) -> np.ndarray:
    """Each sample's volume over the expected one (the last element); 1 where the expected volume is 0."""
    return v / v[-1] if v[-1] else np.ones_like(v)


def sample_costs(est: Estimate, catalog: Catalog, n: int = SAMPLES, seed: int = SEED) -> np.ndarray:
    """Each sample's monthly cost minus the expected-case total (USD, float); the last element is 0."""
    s = est.scenario
    x = sample_inputs(s, n, seed)
    vol = volumes(x, s)
    llm = llm_usd_arrays(x, vol[MESSAGES], s, catalog)
    delta = llm - llm[-1]
    for driver in (MESSAGES, REQUESTS, PAGE_LOADS):
        usd = float(sum(ln.monthly_usd for ln in est.lines if VOLUME_DRIVERS.get(ln.price_key or "") == driver))
        if usd:
            delta = delta + usd * (_ratio(vol[driver]) - 1)
    return delta


def cost_range(est: Estimate, catalog: Catalog, n: int = SAMPLES, seed: int = SEED) -> CostRange:
    """p10, p50 and p90 of the monthly cost over the samples (the expected total plus each sample's change)."""
    from pricing.engine import money
    delta = sample_costs(est, catalog, n, seed)[:-1]
    p10, p50, p90 = (money(est.monthly_usd + Decimal(repr(float(v)))) for v in np.percentile(delta, [10, 50, 90]))
    return CostRange(p10_usd=p10, p50_usd=p50, p90_usd=p90, samples=n, seed=seed)


def _at(s: Scenario, field: str, value: float) -> Scenario:
    whole = field_bounds(Scenario, field)[2]
    return s.model_copy(update={field: int(value) if whole else value})


def drivers(est: Estimate, catalog: Catalog) -> tuple[Driver, ...]:
    """Each uncertain input at its low and its high, the others at expected, priced by the real engine;
    the largest swing first."""
    from pricing.engine import estimate
    s = est.scenario
    out = []
    for field, (lo, ex, hi) in effective_ranges(s).items():
        low, high = ((est.monthly_usd if v == ex else estimate(_at(s, field, v), catalog).monthly_usd)
                     for v in (lo, hi))
        out.append(Driver(field=field, low_value=lo, high_value=hi, low_usd=low, high_usd=high))
    order = {f: i for i, f in enumerate(UNCERTAIN_FIELDS)}
    return tuple(sorted(out, key=lambda d: (-d.swing_usd, order[d.field])))
