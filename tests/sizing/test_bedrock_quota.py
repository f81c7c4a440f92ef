"""The Bedrock quota check: peak tokens per minute per model against the default quota, by hand."""
import pytest

from sizing import bedrock_quota as Q
from sizing.capacity import size
from sizing.scenario import parse_scenario

NOVA, HAIKU = "amazon.nova-pro", "anthropic.claude-haiku-4-5"
# 6,000 users x 10 messages per user-hour / 60 = 1,000 messages a minute at peak; Nova Pro caches nothing here,
# so each message counts 1,350 input (default 4-turn conversation) + 400 output = 1,750 tokens: 1,750,000 per minute
PEAK_TPM = 1000 * (1350 + 400)


def test_peak_rates_by_hand():
    (p,) = size(parse_scenario({"concurrent_users": 6000, "llm_model": NOVA})).llm_peaks
    assert p.requests_per_minute == pytest.approx(1000) and p.tokens_per_minute == pytest.approx(PEAK_TPM)
    assert p.quota_kind == Q.ON_DEMAND_TPM                  # no global profile: in-Region, the on-demand quota


def test_over_the_default_warns_with_the_number_to_ask_for():
    peaks = size(parse_scenario({"concurrent_users": 6000, "llm_model": NOVA})).llm_peaks
    (w,) = Q.quota_warnings(peaks, {(NOVA, Q.ON_DEMAND_TPM): 1_000_000})
    # ask = 1,750,000 x 1.5 = 2,625,000, rounded up to two significant figures = 2,700,000
    assert w == ("Bedrock quota 'On-demand InvokeModel tokens per minute for Amazon Nova Pro': peak 1,750,000 "
                 "tokens per minute exceeds the default 1,000,000; ask for 2,700,000 (peak x 1.5, rounded up) "
                 "in Service Quotas before launch")


def test_under_the_default_no_warning():
    peaks = size(parse_scenario({"concurrent_users": 6000, "llm_model": NOVA})).llm_peaks
    assert Q.quota_warnings(peaks, {(NOVA, Q.ON_DEMAND_TPM): 2_000_000}) == ()


def test_unknown_default_says_check_the_account_and_reaches_the_plan():
    s = parse_scenario({"concurrent_users": 6000, "llm_model": HAIKU})      # global profile: the cross-Region quota
    (w,) = [w for w in size(s).warnings if w.startswith("Bedrock quota")]
    # Haiku caches nothing here (prefixes < 4,096 tokens): 1,000 x 1,750 = 1,750,000; x 1.5 -> 2,700,000
    assert "'Cross-Region InvokeModel tokens per minute for Anthropic Claude Haiku 4.5'" in w
    assert "peak 1,750,000 tokens per minute" in w and "check the account's quota" in w and "2,700,000" in w


def test_rounding_of_the_quota_to_ask_for():
    assert Q.quota_to_ask(100) == 150 and Q.quota_to_ask(81) == 130     # 121.5 -> 130
    assert Q.quota_to_ask(0) == 0


def test_external_model_has_no_quota():
    s = parse_scenario({"llm_model": "external", "external_input_usd_per_1m_tokens": 1,
                        "external_output_usd_per_1m_tokens": 1})
    assert size(s).llm_peaks == () and not any(w.startswith("Bedrock quota") for w in size(s).warnings)
