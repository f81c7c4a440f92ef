"""Network: ALB capacity units, NAT and inter-AZ bytes, internet egress, CloudFront, DNS, S3 (docs/sizing-facts.md § ALB capacity units and timeouts, § NAT gateways and VPC endpoints, § CloudFront and SPA weight)."""
from __future__ import annotations

from dataclasses import dataclass

from sizing import assumptions as A
from sizing.llm import BEDROCK_MODELS, EXTERNAL_MODEL, NO_MODEL
from sizing.scenario import Compliance, Environment, Scenario
from sizing.workload import Workload


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkPlan:
    """Traffic and the network resources that carry it, per month."""

    availability_zones: int
    nat_gateways: int
    nat_gb_month: float
    public_ipv4_addresses: int
    alb_lcu: float
    alb_lcu_dimensions: dict[str, float]
    alb_gb_month: float
    internet_out_gb_month: float
    inter_az_gb_month: float
    cloudfront_gb_month: float
    cloudfront_requests_month: float
    s3_storage_gb: float
    s3_put_requests_month: float
    s3_get_requests_month: float
    interface_endpoints: tuple[str, ...]     # PrivateLink endpoints, one network interface per AZ each
    endpoint_gb_month: dict[str, float]      # GB the endpoints carry that would otherwise cross the NAT
    alb_access_logs: bool                    # ALB access logs to S3 (storage and PUTs priced only when on)

    @property
    def nat_gb_moved_to_endpoints(self) -> float:
        return sum(self.endpoint_gb_month.values())


#: The plan's "VPC endpoint for Secrets Manager": every environment.
BASE_INTERFACE_ENDPOINTS: tuple[str, ...] = ("secretsmanager",)
#: HIPAA keeps PHI and the AWS API calls around it off the internet: PrivateLink for the services the pods and
#: nodes call (docs/sizing-facts.md § VPC endpoints under HIPAA [S180][S181]); bedrock-runtime first, when Bedrock.
HIPAA_INTERFACE_ENDPOINTS: tuple[str, ...] = ("logs", "ecr.api", "ecr.dkr", "sts", "kms")


def interface_endpoints(s: Scenario) -> tuple[str, ...]:
    """The interface (PrivateLink) endpoints of the plan, in deployment order; the CDK network stack deploys these."""
    if Compliance.hipaa not in s.compliance:
        return BASE_INTERFACE_ENDPOINTS
    bedrock = ("bedrock-runtime",) if s.llm_model in BEDROCK_MODELS else ()
    return BASE_INTERFACE_ENDPOINTS + bedrock + HIPAA_INTERFACE_ENDPOINTS


def alb_access_logs(s: Scenario) -> bool:
    """ALB access logs on in prod and whenever a compliance regime is chosen (request-level audit trail:
    docs/sizing-model.md § ALB access logs); dev/staging without compliance keep only CloudWatch app logs."""
    return s.environment is Environment.prod or bool(s.compliance)


def _nat_and_endpoint_gb(endpoints: tuple[str, ...], *, llm_gb: float, bedrock: bool, log_gb: float,
                         image_gb: float) -> tuple[float, dict[str, float]]:
    """(NAT GB, GB per endpoint): an endpoint takes its share of what would cross the NAT: model calls
    (bedrock-runtime, Bedrock models only), log ingest (logs), image pulls (ecr.dkr)."""
    parts = {"bedrock-runtime" if bedrock else "external-llm": llm_gb, "logs": log_gb, "ecr.dkr": image_gb}
    moved = {name: parts[name] for name in endpoints if name in parts}
    return sum(gb for name, gb in parts.items() if name not in moved), moved


def _alb_lcu_dimensions(s: Scenario, w: Workload) -> tuple[dict[str, float], float, float]:
    """The four LCU dimensions at average load, the response bytes/s at peak and the processed GB per hour."""
    load = w.load_factor
    new_conn_s = (s.concurrent_users / A.ALB_IDLE_TIMEOUT_S + w.messages_per_s_peak) * load
    active = (s.concurrent_users + w.in_flight_streams_peak) * load
    resp_bytes_s = (w.api_requests_per_s_peak * A.API_RESPONSE_KB * A.KB
                    + w.messages_per_s_peak * s.output_tokens_per_message * A.SSE_BYTES_PER_TOKEN)
    req_bytes_s = w.messages_per_s_peak * A.USER_MESSAGE_BYTES
    gb_h = (resp_bytes_s + req_bytes_s) * load * A.SECONDS_PER_HOUR / A.BYTES_PER_GB
    rule_evals = w.requests_per_s_peak * load * max(0, A.ALB_RULES - A.ALB_FREE_RULES)
    dims = {"new_connections": new_conn_s / A.NEW_CONN_PER_LCU,
            "active_connections": active / A.ACTIVE_CONN_PER_LCU,
            "processed_gb": gb_h / A.GB_PER_HOUR_PER_LCU,
            "rule_evaluations": rule_evals / A.RULE_EVALS_PER_LCU}
    return dims, resp_bytes_s, gb_h


def _llm_gb(s: Scenario, w: Workload) -> tuple[float, float]:
    """Model traffic through NAT, and the part of it that leaves to the internet (external models)."""
    nat = out = 0.0
    if s.llm_model != NO_MODEL:   # model calls leave through NAT unless an interface endpoint is bought; docs/sizing-facts.md § Bedrock prices and network path
        nat = (w.input_tokens_per_month + w.output_tokens_per_month) * A.LLM_WIRE_BYTES_PER_TOKEN / A.BYTES_PER_GB
    if s.llm_model == EXTERNAL_MODEL:
        out = w.input_tokens_per_month * A.LLM_WIRE_BYTES_PER_TOKEN / A.BYTES_PER_GB
    return nat, out


def size_network(s: Scenario, w: Workload, *, zones: int, nats: int, nodes: int, log_gb: float,
                 retention_days: int) -> NetworkPlan:
    """ALB LCUs (four dimensions), NAT bytes, CloudFront, DNS, S3 (docs/sizing-facts.md § ALB capacity units and timeouts, § NAT gateways and VPC endpoints, § CloudFront and SPA weight)."""
    hours = float(A.HOURS_PER_MONTH)
    dims, resp_bytes_s, gb_h = _alb_lcu_dimensions(s, w)
    llm_nat_gb, llm_out_gb = _llm_gb(s, w)
    endpoints = interface_endpoints(s)
    nat_gb, moved = _nat_and_endpoint_gb(endpoints, llm_gb=llm_nat_gb, bedrock=s.llm_model in BEDROCK_MODELS,
                                         log_gb=log_gb, image_gb=nodes * A.IMAGE_PULL_GB_PER_NODE_MONTH)
    internet_out = resp_bytes_s * w.load_factor * hours * A.SECONDS_PER_HOUR / A.BYTES_PER_GB + llm_out_gb
    # AZs without their own NAT send their egress across AZs to it, both directions billed; docs/sizing-facts.md § High availability rules
    inter_az = nat_gb * (zones - nats) / zones * 2 if nats < zones else 0.0
    first = A.SPA_FIRST_LOAD_SHARE
    cf_gb = w.page_loads_per_month * (first * A.SPA_FIRST_LOAD_KB + (1 - first) * A.SPA_REPEAT_LOAD_KB) \
        * A.KB / A.BYTES_PER_GB
    cf_req = w.page_loads_per_month * (first * A.SPA_REQUESTS_FIRST + (1 - first) * A.SPA_REQUESTS_REPEAT)
    logs_on = alb_access_logs(s)
    alb_log_gb_month = w.requests_per_month * A.ALB_ACCESS_LOG_BYTES_PER_REQUEST / A.BYTES_PER_GB if logs_on else 0.0
    return NetworkPlan(
        availability_zones=zones, nat_gateways=nats, nat_gb_month=nat_gb, public_ipv4_addresses=nats + zones,
        alb_lcu=max(dims.values()), alb_lcu_dimensions=dims, alb_gb_month=gb_h * hours,
        internet_out_gb_month=internet_out, inter_az_gb_month=inter_az,
        cloudfront_gb_month=cf_gb, cloudfront_requests_month=cf_req,
        s3_storage_gb=A.STATIC_ASSETS_GB + alb_log_gb_month * retention_days / A.DAYS_PER_MONTH,
        # whole hours: the PUT count stays an integer
        s3_put_requests_month=zones * A.ALB_LOG_OBJECTS_PER_AZ_HOUR * int(A.HOURS_PER_MONTH) if logs_on else 0,
        s3_get_requests_month=cf_req * A.CLOUDFRONT_ORIGIN_MISS_SHARE,
        interface_endpoints=endpoints, endpoint_gb_month=moved, alb_access_logs=logs_on)
