"""The AWS Load Balancer Controller: chart values rendered with the vendored upstream chart, the Pod Identity
service account shared with the CDK config, and the generated Ingress annotations that make the priced ALB."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generators.alb_controller import CHART_VERSION, alb_controller_values
from generators.cdk_from_estimate import cdk_config_from_estimate
from generators.helm_from_estimate import helm_values_from_estimate
from pricing.engine import estimate
from sizing.scenario import parse_scenario

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "aws-load-balancer-controller"
POLICY = Path(__file__).resolve().parents[2] / "cdk_out_templates" / "cdk" / "stacks" / "alb_controller_iam_policy.json"


def _est(env: str, **extra: Any):
    return estimate(parse_scenario({"concurrent_users": 2000, "environment": env, **extra}))


def test_pinned_version_is_the_vendored_chart() -> None:
    chart = yaml.safe_load((FIXTURES / "chart" / "Chart.yaml").read_text())
    assert chart["version"] == CHART_VERSION and chart["appVersion"] == f"v{CHART_VERSION}"
    assert f"v{CHART_VERSION}" in (FIXTURES / "README.md").read_text()


def test_vendored_policy_lets_the_controller_make_the_priced_alb() -> None:
    doc = json.loads(POLICY.read_text())
    actions = {a for s in doc["Statement"] if s["Effect"] == "Allow"
               for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    for needed in ("elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
                   "wafv2:AssociateWebACL", "elasticloadbalancing:CreateTargetGroup"):
        assert needed in actions


def _keys(d: dict, prefix: str = "") -> set[str]:
    out = set()
    for k, v in d.items():
        out.add(prefix + k)
        if isinstance(v, dict):
            out |= _keys(v, prefix + k + ".")
    return out


@pytest.mark.parametrize(("env", "replicas"), [("dev", 1), ("prod", 2)])
def test_values_render_with_the_vendored_chart(env: str, replicas: int) -> None:
    import helm_python as helm

    helm.disable_logging()
    est = _est(env)
    values = alb_controller_values(est)
    defaults = yaml.safe_load((FIXTURES / "chart" / "values.yaml").read_text())
    assert _keys(values) <= _keys(defaults)           # every generated key is one the chart reads
    chart = helm.Chart.load(FIXTURES / "chart")
    try:
        out = chart.render(values, name="aws-load-balancer-controller", namespace="kube-system")
    finally:
        chart.close()
    docs = [d for path, text in sorted(out.items()) if path.endswith(".yaml") for d in yaml.safe_load_all(text) if d]
    (dep,) = [d for d in docs if d["kind"] == "Deployment"]
    (sa,) = [d for d in docs if d["kind"] == "ServiceAccount"]
    assert dep["spec"]["replicas"] == replicas
    pod = dep["spec"]["template"]["spec"]
    (controller,) = pod["containers"]
    args = set(controller["args"])
    assert {f"--cluster-name=chatapp-{env}", "--aws-region=us-east-1",
            "--aws-vpc-id=REPLACE-WITH-CDK-OUTPUT-VpcId"} <= args
    # the service account the CDK app's Pod Identity association names; no IRSA annotation
    config = cdk_config_from_estimate(est)
    assert (sa["metadata"]["name"], sa["metadata"]["namespace"]) == (
        config.alb_controller.service_account, config.alb_controller.namespace)
    assert pod["serviceAccountName"] == config.alb_controller.service_account
    assert "eks.amazonaws.com/role-arn" not in (sa["metadata"].get("annotations") or {})
    classes = [i for d in docs if d["kind"] == "List" for i in d["items"] if i["kind"] == "IngressClass"]
    assert [c["metadata"]["name"] for c in classes] == ["alb"]       # the class the chat-app Ingress names


@pytest.mark.parametrize(("env", "extra", "waf", "logs"), [("dev", {}, False, False),
                                                           ("staging", {"compliance": "pci"}, True, True),
                                                           ("staging", {"compliance": "soc2"}, False, True),
                                                           ("prod", {}, True, True)])
def test_ingress_values_follow_the_estimate(env: str, extra: dict, waf: bool, logs: bool) -> None:
    """WAF ARN when WAF is priced; the access-log bucket when the estimate prices ALB access logs."""
    est = _est(env, **extra)
    ingress = helm_values_from_estimate(est)["ingress"]
    assert est.plan.security.waf_enabled is waf and est.plan.network.alb_access_logs is logs
    assert bool(ingress["wafAclArn"]) is waf
    assert bool(ingress["accessLogsBucket"]) is logs
    assert cdk_config_from_estimate(est).storage.alb_access_logs is logs
    assert ingress["scheme"] == "internet-facing"
