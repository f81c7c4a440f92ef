"""The estimate JSON contract (architecture.md) as pydantic models, and the Estimate -> dict mapping.

`estimate_to_dict` builds the document directly (fast); `EstimateDoc.model_validate` reads it back,
which tests use to prove the JSON round-trips.
"""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from pricing.commitments import comparison_doc
from pricing.dr_summary import dr_doc
from pricing.engine import Estimate
from pricing.inventory import inventory, inventory_doc, inventory_kinds
from pricing.purchase import SAVINGS_PLAN, SPOT_DISCOUNT
from sizing import assumptions as A
from sizing.bedrock_quota import ModelPeak
from sizing.conversation import caching_on, inference_profile, token_split
from sizing.llm import CACHE_MIN_PREFIX_TOKENS
from sizing.load_profile import load_profile_doc


class _Doc(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class LineDoc(_Doc):
    service: str
    item: str
    quantity: Decimal
    unit: str
    unit_usd: Decimal
    monthly_usd: Decimal
    price_key: str | None
    ce_service: str
    note: str
    category: str
    control: str | None
    inventory_kind: str


class InventoryDoc(_Doc):
    kind: str
    count: int
    where: str
    price_keys: list[str]
    lines: list[int]
    reason: str | None


class RangeDoc(_Doc):
    p10_usd: Decimal
    p50_usd: Decimal
    p90_usd: Decimal
    samples: int
    seed: int


class DriverDoc(_Doc):
    field: str
    low: float
    high: float
    low_usd: Decimal
    high_usd: Decimal


class CostDoc(_Doc):
    monthly_usd: Decimal
    upfront_usd: Decimal
    first_year_usd: Decimal
    lines: list[LineDoc]
    range: RangeDoc | None = None       # null when the estimate was run without ranges
    drivers: list[DriverDoc] = []


class PodsDoc(_Doc):
    replicas: int
    hpa_min: int
    hpa_max: int
    cpu_request_m: int
    memory_request_mi: int


class NodesDoc(_Doc):
    instance_type: str
    desired: int
    min: int
    max: int
    on_demand: int
    spot: int


class CapacityDoc(_Doc):
    backend: PodsDoc
    frontend: PodsDoc
    nodes: NodesDoc
    availability_zones: int
    nat_gateways: int


class PricesDoc(_Doc):
    as_of: str
    source: str


class EstimateDoc(_Doc):
    tier: str
    tier_reasons: list[str]
    scenario: dict[str, Any]
    capacity: CapacityDoc
    cost: CostDoc
    prices: PricesDoc
    warnings: list[str]
    inventory: list[InventoryDoc]


def _num(x: Decimal) -> str:
    return format(x, "f")


def _pods(p) -> dict[str, Any]:
    return {"replicas": p.replicas, "hpa_min": p.hpa_min, "hpa_max": p.hpa_max, "cpu_request_m": p.cpu_request_m,
            "memory_request_mi": p.memory_request_mi, "cpu_limit_m": p.cpu_limit_m,
            "memory_limit_mi": p.memory_limit_mi}


def _capacity_doc(e: Estimate) -> dict[str, Any]:
    p, n, d = e.plan, e.plan.nodes, e.plan.dynamodb
    return {
        "backend": {**_pods(p.backend), "pods_by_cpu": p.backend.pods_by_cpu,
                    "pods_by_concurrency": p.backend.pods_by_concurrency},
        "frontend": _pods(p.frontend),
        "nodes": {"instance_type": n.instance_type, "desired": n.desired, "min": n.min, "max": n.max,
                  "on_demand": n.on_demand, "spot": n.spot, "backend_pods_per_node": n.backend_pods_per_node,
                  "peak": n.desired, "average": round(n.average, 4), "node_hours": round(n.node_hours, 4),
                  "node_hours_on_demand": round(n.node_hours_on_demand, 4),
                  "node_hours_spot": round(n.node_hours_spot, 4),
                  "node_hours_spot_headroom": round(n.node_hours_spot_headroom, 4), "on_demand_floor": n.on_demand_floor,
                  "binding_limit": n.binding_limit, "binding_reason": n.binding_reason,
                  "packing_limit": n.packing_limit, "utilisation_pct": n.utilisation_pct,
                  "average_utilisation_pct": n.average_utilisation_pct,
                  "surplus_vcpu_hours_month": round(n.surplus_vcpu_hours_month, 4),
                  "groups": [asdict(g) for g in p.node_groups],
                  "monthly_usd": _num(e.node_default.monthly_usd),
                  "cheapest_alternative": {"instance_type": e.node_cheapest.instance_type,
                                           "arch": e.node_cheapest.arch, "nodes": e.node_cheapest.nodes,
                                           "monthly_usd": _num(e.node_cheapest.monthly_usd),
                                           "saving_usd": _num(e.node_default.monthly_usd
                                                              - e.node_cheapest.monthly_usd)}},
        "availability_zones": p.network.availability_zones,
        "nat_gateways": p.network.nat_gateways,
        "provisioner": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(p.provisioner).items()},
        "dynamodb": {"mode": e.dynamodb_mode.recommended,
                     "on_demand_usd": _num(e.dynamodb_mode.on_demand_usd),
                     "provisioned_usd": _num(e.dynamodb_mode.provisioned_usd),
                     "break_even_utilisation_pct": _num(e.dynamodb_mode.break_even_utilisation_pct),
                     "provisioned_utilisation_pct": _num(e.dynamodb_mode.provisioned_utilisation_pct),
                     "write_units_per_message": round(d.write_units_per_message, 6),
                     "read_units_per_message": round(d.read_units_per_message, 6),
                     "item_bytes_by_turn": list(d.item.bytes_by_turn),
                     "write_units_by_turn": {"table": list(d.item.table_wru_by_turn),
                                             "gsi": list(d.item.gsi_wru_by_turn)},
                     "provisioned_wcu": d.provisioned_wcu, "provisioned_rcu": d.provisioned_rcu,
                     "provisioned_wcu_base": d.provisioned_wcu_base, "provisioned_rcu_base": d.provisioned_rcu_base,
                     "provisioned_wcu_hours_month": round(d.provisioned_wcu_hours_month, 3),
                     "provisioned_rcu_hours_month": round(d.provisioned_rcu_hours_month, 3),
                     "reserved": [{"term_years": r.term_years, "wcu_reserved": r.wcu_reserved,
                                   "rcu_reserved": r.rcu_reserved, "upfront_usd": _num(r.upfront_usd),
                                   "monthly_usd": _num(r.monthly_usd),
                                   "provisioned_monthly_usd": _num(r.provisioned_monthly_usd),
                                   "saving_12_months_usd": _num(r.saving_12_months_usd)}
                                  for r in e.dynamodb_mode.reserved],
                     "table_gb": round(d.table_gb, 3), "pitr": d.pitr_enabled, "backups": d.backups_enabled,
                     "backup_policy": d.backup_policy.value, "backup_policy_reason": d.backup_policy_reason,
                     "backup_copies": d.backup_copies, "backup_vault_separate": d.backup_vault_separate},
        "alb": {"lcu": round(p.network.alb_lcu, 4),
                "lcu_dimensions": {k: round(v, 4) for k, v in p.network.alb_lcu_dimensions.items()}},
        "log_retention_days": p.observability.log_retention_days,
        "waf_enabled": p.security.waf_enabled,
        "kms_keys": list(p.security.cmks + p.security.compliance_cmks),
        "compliance_controls": {k: list(v) for k, v in p.compliance.controls.items()},
        "elasticache": {"node_type": p.elasticache_node_type, "nodes": p.elasticache_nodes},
    }


def _model_doc(e: Estimate, peak: ModelPeak) -> dict[str, Any]:
    """How one model of the estimate is billed: share, prompt caching, billed token split, profile, peak quota."""
    s, conv, model = e.scenario, e.plan.conversation, peak.model
    caching = caching_on(s, model)
    split = token_split(conv, CACHE_MIN_PREFIX_TOKENS[model] if caching else None)
    _, why = inference_profile(s, model)
    return {"model": model, "share_pct": round(peak.share * 100, 6), "prompt_caching": caching,
            "peak_requests_per_minute": round(peak.requests_per_minute, 3),
            "peak_tokens_per_minute": round(peak.tokens_per_minute, 3), "quota_name": peak.quota_name,
            "min_cacheable_prefix_tokens": CACHE_MIN_PREFIX_TOKENS.get(model),
            "input_tokens_per_message_billed": {"regular": round(split.regular, 3),
                                                "cache_read": round(split.cache_read, 3),
                                                "cache_write": round(split.cache_write, 3)},
            "inference_profile": peak.profile.value, "inference_profile_reason": why}


def _conversation_doc(e: Estimate) -> dict[str, Any]:
    """The token model behind the LLM lines: turns, averages, and per model prompt caching and profile."""
    s, conv = e.scenario, e.plan.conversation
    return {
        "model": conv.model, "turns": len(conv.turns),
        "input_tokens_per_message": round(conv.input_tokens_per_message, 3),
        "input_tokens_by_turn": [t.input_tokens for t in conv.turns],
        "output_tokens_per_message": s.output_tokens_per_message,
        "models": [_model_doc(e, p) for p in e.plan.llm_peaks],
    }


def _cost_doc(e: Estimate) -> dict[str, Any]:
    kinds = inventory_kinds(e)
    return {
        "monthly_usd": _num(e.monthly_usd), "upfront_usd": _num(e.upfront_usd),
        "first_year_usd": _num(e.first_year_usd), "infrastructure_usd": _num(e.infrastructure_usd),
        "llm_usd": _num(e.llm_usd), "compliance_usd": _num(e.compliance_usd),
        "compliance_by_control": {k: _num(v) for k, v in e.compliance_by_control.items()},
        "cost_per_user_usd": _num(e.cost_per_user_usd),
        "first_year_months": [{"month": mc.month, "storage_gb": _num(mc.storage_gb), "backup_gb": _num(mc.backup_gb),
                               "monthly_usd": _num(mc.monthly_usd)} for mc in e.first_year_months],
        "purchase_options": [{"option": q.option, "monthly_usd": _num(q.monthly_usd),
                              "upfront_usd": _num(q.upfront_usd), "first_year_usd": _num(q.first_year_usd)}
                             for q in e.purchase_options],
        "lines": [{"service": ln.service, "item": ln.item, "quantity": _num(ln.quantity), "unit": ln.unit,
                   "unit_usd": _num(ln.unit_usd), "monthly_usd": _num(ln.monthly_usd),
                   "price_key": ln.price_key, "ce_service": ln.ce_service, "note": ln.note,
                   "category": ln.category, "control": ln.control, "inventory_kind": kind}
                  for ln, kind in zip(e.lines, kinds, strict=True)],
        "range": None if e.range is None else {
            "p10_usd": _num(e.range.p10_usd), "p50_usd": _num(e.range.p50_usd), "p90_usd": _num(e.range.p90_usd),
            "samples": e.range.samples, "seed": e.range.seed},
        "drivers": [{"field": d.field, "low": d.low_value, "high": d.high_value, "low_usd": _num(d.low_usd),
                     "high_usd": _num(d.high_usd)} for d in e.drivers],
    }


def _assumptions_doc(e: Estimate) -> dict[str, Any]:
    return {
        "hours_per_month": int(A.HOURS_PER_MONTH),
        "load_profile": load_profile_doc(e.scenario),
        "average_load_pct_of_peak": round(e.plan.workload.load_factor * 100, 4),
        "spot_discount_pct": _num(SPOT_DISCOUNT * 100),
        "spot_interruption_headroom_pct": A.SPOT_INTERRUPTION_HEADROOM_PCT,
        "savings_plan_discount_pct": {o.value: _num(d * 100) for o, (d, _, _) in SAVINGS_PLAN.items() if d},
        "hpa_cpu_target_pct": A.HPA_CPU_TARGET_PCT, "hpa_memory_target_pct": A.HPA_MEMORY_TARGET_PCT,
        "streams_per_backend_pod": e.scenario.streams_per_backend_pod,
        "nodes_priced_at": "peak count, all month",
        "documented_in": "docs/sizing-model.md",
    }


def estimate_to_dict(e: Estimate) -> dict[str, Any]:
    """The estimate JSON document; money as decimal strings so no cent is lost."""
    p = e.plan
    return {
        "tier": p.tier,
        "tier_reasons": list(p.tier_reasons),
        "scenario": e.scenario.to_yaml_dict(),
        "workload": {k: round(v, 6) for k, v in asdict(p.workload).items()},
        "capacity": _capacity_doc(e),
        "plan_comparison": [asdict(c) for c in p.plan_checks],
        "conversation": _conversation_doc(e),
        "cost": _cost_doc(e),
        "purchase_comparison": None if e.purchase_comparison is None else comparison_doc(e.purchase_comparison),
        "dr": dr_doc(e),
        "assumptions": _assumptions_doc(e),
        "prices": {"as_of": e.prices_as_of, "source": e.prices_source, "checksum": e.prices_checksum},
        "warnings": list(e.warnings),
        "inventory": inventory_doc(inventory(e)),
    }
