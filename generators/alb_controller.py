"""The AWS Load Balancer Controller in the bundle: values for the eks/aws-load-balancer-controller chart, written to
`helm/aws-load-balancer-controller/` (docs/helm.md § AWS Load Balancer Controller).

The controller turns the chat-app chart's Ingress into the one ALB the estimate prices (its listeners, target
groups, the WAF association and, when the plan has them, access logs). The AWS side is in the CDK app
(cdk/stacks/alb_controller.py): the controller's IAM role (the upstream iam_policy.json of the same release)
reaches the service account named here through EKS Pod Identity (CdkConfig.alb_controller).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from generators.cdk_from_estimate import ALB_CONTROLLER_NAMESPACE as NAMESPACE
from generators.cdk_from_estimate import ALB_CONTROLLER_SERVICE_ACCOUNT as SERVICE_ACCOUNT
from generators.cdk_from_estimate import resource_prefix
from generators.helm import dump_values
from pricing.engine import Estimate
from pricing.files import write_atomic

REPO = "https://aws.github.io/eks-charts"
CHART = "eks/aws-load-balancer-controller"
CHART_VERSION = "3.5.0"          # controller v3.5.0; its iam_policy.json is the CDK app's (tests/fixtures README)
PROD_REPLICAS = 2                # the chart's default: leader election keeps one active, the other takes over
VPC_ID_PLACEHOLDER = "REPLACE-WITH-CDK-OUTPUT-VpcId"


def alb_controller_values(est: Estimate) -> dict[str, Any]:
    """values-<env>.yaml: cluster, region, VPC, the Pod Identity service account; two replicas in prod."""
    prod = est.scenario.environment.value == "prod"
    return {
        "clusterName": resource_prefix(est),
        "region": est.scenario.region,
        "vpcId": VPC_ID_PLACEHOLDER,   # CDK output VpcId of the network stack
        "replicaCount": PROD_REPLICAS if prod else 1,
        # no role-arn annotation: EKS Pod Identity associates the role with this service account
        "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT},
    }


def write_alb_controller(est: Estimate, helm_dir: Path) -> list[Path]:
    """helm/aws-load-balancer-controller/values-<env>.yaml."""
    env = est.scenario.environment.value
    out = helm_dir / "aws-load-balancer-controller"
    out.mkdir(parents=True, exist_ok=True)
    head = (f"# AWS Load Balancer Controller: helm repo add eks {REPO}\n"
            f"# helm upgrade --install aws-load-balancer-controller {CHART} --version {CHART_VERSION} "
            f"--namespace {NAMESPACE} -f values-{env}.yaml\n")
    return [write_atomic(out / f"values-{env}.yaml", head + dump_values(alb_controller_values(est)))]
