"""Typed configuration of the generated CDK app's compliance stack: which controls, and their parameters.

Copied verbatim into every generated bundle as ``cdk/stacks/compliance_model.py`` beside
``config_model.py`` (hence the relative import there); it imports nothing but the standard library,
pydantic and model_base.py. The generator fills it from the estimate's compliance plan (generators/cdk_from_estimate.py).
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from .model_base import StrictModel as _Model


class ComplianceConfig(_Model):
    """Compliance controls the estimate prices (each deployed only when on) and their parameters."""

    cloudtrail_data_events: bool = False     # trail with DynamoDB + S3 data events and its own bucket
    trail_retention_days: int = Field(default=365, ge=1, le=36_500)   # trail bucket lifecycle (log retention)
    config: bool = False                     # AWS Config recorder, delivery channel and the managed rules
    config_rules: list[str] = Field(default_factory=list, max_length=100)
    guardduty: bool = False                  # detector: CloudTrail, VPC flow and DNS logs, EKS audit logs
    guardduty_eks_audit_logs: bool = False   # EKS Protection (audit logs); runtime monitoring stays off
    security_hub: bool = False
    security_hub_standards: list[str] = Field(default_factory=list, max_length=10)
    macie: bool = False

    @field_validator("config_rules")
    @classmethod
    def _rules(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"[A-Z0-9_]{3,128}", v)]
        if bad:
            raise ValueError(f"not AWS Config managed rule identifiers (e.g. S3_BUCKET_SSL_REQUESTS_ONLY): {bad}")
        if len(set(value)) != len(value):
            raise ValueError("must not contain duplicates")
        return value

    @field_validator("security_hub_standards")
    @classmethod
    def _standards(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"[a-z0-9-]{3,80}/v/\d+\.\d+\.\d+", v)]
        if bad:
            raise ValueError(f"not Security Hub standard paths (e.g. pci-dss/v/4.0.1): {bad}")
        if len(set(value)) != len(value):
            raise ValueError("must not contain duplicates")
        return value

    @property
    def enabled(self) -> bool:
        """At least one control is on (the app then adds the compliance stack)."""
        return self.cloudtrail_data_events or self.config or self.guardduty or self.security_hub or self.macie

    @model_validator(mode="after")
    def _consistent(self) -> ComplianceConfig:
        if self.config_rules and not self.config:
            raise ValueError("compliance.config_rules: must be empty when config is false")
        if self.config and not self.config_rules:
            raise ValueError("compliance.config_rules: list at least one managed rule when config is true")
        if self.security_hub_standards and not self.security_hub:
            raise ValueError("compliance.security_hub_standards: must be empty when security_hub is false")
        return self
