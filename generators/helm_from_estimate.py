"""Map an Estimate onto the chat-app chart's values (generators/helm.py `build_values`)."""
from __future__ import annotations

from typing import Any

from generators.cdk_from_estimate import PROJECT, SERVICE_ACCOUNT, table_names
from generators.helm import WorkloadSize, build_values
from pricing.engine import Estimate
from sizing.capacity import PodPlan
from sizing.conversation import inference_profile
from sizing.llm import BEDROCK_MODEL_IDS, invocation_id


def workload_size(p: PodPlan) -> WorkloadSize:
    """The planned pods of one Deployment as the Helm generator's WorkloadSize."""
    return WorkloadSize(replicas=p.replicas, hpa_min=p.hpa_min, hpa_max=p.hpa_max, cpu_request_m=p.cpu_request_m,
                        memory_request_mi=p.memory_request_mi, cpu_limit_m=p.cpu_limit_m,
                        memory_limit_mi=p.memory_limit_mi)


def helm_values_from_estimate(est: Estimate) -> dict[str, Any]:
    """values-<env>.yaml content: planned replicas, HPA bounds, resources, zones, stream-aware idle timeout."""
    s, p = est.scenario, est.plan
    users_table, chats_table = table_names(est)
    model_id = s.llm_model
    if s.llm_model in BEDROCK_MODEL_IDS:       # call Bedrock through the inference profile the estimate priced
        model_id = invocation_id(s.llm_model, inference_profile(s)[0].value, s.region)
    values = build_values(
        environment=s.environment.value, region=s.region, backend=workload_size(p.backend),
        frontend=workload_size(p.frontend), zones=p.network.availability_zones, llm_model_id=model_id,
        users_table=users_table, chats_table=chats_table, stream_timeout_s=p.workload.stream_duration_s,
        waf_enabled=p.security.waf_enabled, project=PROJECT, alb_access_logs=p.network.alb_access_logs)
    if values["serviceAccount"]["name"] != SERVICE_ACCOUNT:
        raise ValueError(f"serviceAccount.name: the chart uses {values['serviceAccount']['name']!r} but the CDK "
                         f"IRSA trust is for {SERVICE_ACCOUNT!r}; keep generators/cdk_from_estimate.py in step")
    return values
