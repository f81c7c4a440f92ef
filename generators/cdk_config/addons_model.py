"""Typed configuration of the cluster add-ons the generated CDK app gives an IAM role: Karpenter and the AWS Load
Balancer Controller (both through EKS Pod Identity).

Copied verbatim into every generated bundle as ``cdk/stacks/addons_model.py`` beside ``config_model.py`` (hence
the relative import there); it imports nothing but the standard library, pydantic and model_base.py.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .model_base import NAMESPACE_PATTERN, SERVICE_ACCOUNT_PATTERN
from .model_base import StrictModel as _Model


class KarpenterConfig(_Model):
    """Karpenter launches the app's nodes; node_groups then hold only the small group that runs its controller."""

    enabled: bool = False
    version: str | None = Field(default=None, pattern=r"^\d+\.\d+\.\d+$", description="chart version (needed when enabled)")
    namespace: str = Field(default="kube-system", pattern=NAMESPACE_PATTERN)
    service_account: str = Field(default="karpenter", pattern=SERVICE_ACCOUNT_PATTERN)

    @model_validator(mode="after")
    def _version(self) -> KarpenterConfig:
        if self.enabled and self.version is None:
            raise ValueError("karpenter.version: required when karpenter.enabled is true (e.g. 1.14.1)")
        return self


class AlbControllerConfig(_Model):
    """The AWS Load Balancer Controller's service account; its IAM role reaches it through EKS Pod Identity."""

    namespace: str = Field(default="kube-system", pattern=NAMESPACE_PATTERN)
    service_account: str = Field(default="aws-load-balancer-controller", pattern=SERVICE_ACCOUNT_PATTERN)
