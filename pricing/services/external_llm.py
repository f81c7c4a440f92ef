"""An LLM outside AWS: tokens priced at the rates the scenario gives; never on the AWS bill."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import LLM, Component, Priced, PriceOptions, Service, qty
from sizing.capacity import CapacityPlan
from sizing.llm import EXTERNAL_MODEL

CE = "External LLM provider"


def tokens(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    s, w = p.scenario, p.workload
    if s.llm_model != EXTERNAL_MODEL:
        return []
    note = "price per 1M tokens given in the scenario"
    return [Component("LLM (external)", "Input tokens", qty(w.input_tokens_per_month / 1e6), "million tokens", None,
                      note, LLM, unit_usd=Decimal(str(s.external_input_usd_per_1m_tokens)),
                      bill_line="external:input", ce=CE),
            Component("LLM (external)", "Output tokens", qty(w.output_tokens_per_month / 1e6), "million tokens", None,
                      note, LLM, unit_usd=Decimal(str(s.external_output_usd_per_1m_tokens)),
                      bill_line="external:output", ce=CE)]


SERVICE = Service(name="external_llm", title="External LLM provider", ce=CE, product_code=None, keys=(),
                  components=(Priced(order=301, fn=tokens),))
